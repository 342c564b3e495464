import type { EngineMessage } from '../../workers/shared/chat';
import type { EngineResult } from '../../workers/shared/engineErrors';
import type { RawPrompt } from '../../workers/shared/engineProtocol';

const specialToken = /<\|[^|<>]{1,40}\|>/g;

/** Special tokens (`<|eot_id|>`: one token each) and the other characters of a text. */
export function textShape(text: string): { specials: number; chars: number } {
  const specials = text.match(specialToken)?.length ?? 0;
  return { specials, chars: text.replace(specialToken, '').length };
}

/** What a chat template adds: once per prompt (headers, dates) and per message. */
export interface TemplateShape {
  base: { specials: number; chars: number };
  perMessage: { specials: number; chars: number };
}

/** Measures a template through the engine's own formatting of empty messages. */
export async function measureTemplate(engine: { formatPrompt(messages: EngineMessage[]): Promise<EngineResult<RawPrompt>> }): Promise<TemplateShape> {
  const empty = { role: 'user', content: '' } as const;
  const one = await engine.formatPrompt([empty]);
  const three = await engine.formatPrompt([empty, { role: 'assistant', content: '' }, empty]);
  if (!one.ok || !three.ok) return { base: { specials: 0, chars: 0 }, perMessage: { specials: 4, chars: 8 } };
  const base = textShape(one.value.text);
  const all = textShape(three.value.text);
  return { base, perMessage: { specials: (all.specials - base.specials) / 2, chars: (all.chars - base.chars) / 2 } };
}
