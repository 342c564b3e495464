import { Template } from '@huggingface/jinja';
import { describe, expect, it } from 'vitest';
import { LLAMA32_CHAT_TEMPLATE } from '../fixtures/gguf';
import type { EngineMessage } from '../../workers/shared/chat';
import { CacheSettler, exchangeAfterReply, settleDecision } from '../../workers/engine/llamaCacheSettle';

// The bench and test GGUFs carry Llama 3.2's own chat template; rendered the way the engine does.
const template = new Template(LLAMA32_CHAT_TEMPLATE);
const render = (messages: EngineMessage[], generation: boolean): string => template.render({ messages, add_generation_prompt: generation, bos_token: '', eos_token: '' });

const history: EngineMessage[] = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'Tell me about the sea.' },
];
// A reply as streamed, with the spaces a model may put around it (the template trims them).
const reply = ' The sea is wide.\n';

describe('exchangeAfterReply', () => {
  it('adds a new reply as an assistant message, and grows a continued one', () => {
    expect(exchangeAfterReply(history, reply, false)).toEqual([...history, { role: 'assistant', content: reply }]);
    const partial: EngineMessage[] = [...history, { role: 'assistant', content: 'The sea' }];
    expect(exchangeAfterReply(partial, ' is wide.', true)).toEqual([...history, { role: 'assistant', content: 'The sea is wide.' }]);
  });

  it('does not change the messages it was given', () => {
    const partial: EngineMessage[] = [...history, { role: 'assistant', content: 'The sea' }];
    exchangeAfterReply(partial, ' is wide.', true);
    expect(partial.at(-1)?.content).toBe('The sea');
  });

  it('gives nothing to settle for an empty reply', () => {
    expect(exchangeAfterReply(history, '', false)).toBeNull();
  });
});

describe('settleDecision', () => {
  const settled = render(exchangeAfterReply(history, reply, false) ?? [], false);

  it('waits when the next prompt of the conversation begins with the settled exchange (end of turn included)', () => {
    const next = render([...history, { role: 'assistant', content: reply }, { role: 'user', content: 'And the sky?' }], true);
    expect(settled.endsWith('The sea is wide.<|eot_id|>')).toBe(true);
    expect(settleDecision(settled, next)).toBe('wait');
  });

  it('cancels for a regenerate, an edit of an earlier message, a continue and a window shift', () => {
    const regenerate = render(history, true);
    const edit = render([history[0], { role: 'user', content: 'Tell me about rivers.' }], true);
    const continued = render([...history, { role: 'assistant', content: reply }], false).replace(/<\|eot_id\|>$/, '');
    const shifted = render([history[0], { role: 'assistant', content: reply }, { role: 'user', content: 'And the sky?' }], true);
    for (const prompt of [regenerate, edit, continued, shifted]) expect(settleDecision(settled, prompt)).toBe('cancel');
  });

  it('cancels when the page kept a reply other than the one streamed', () => {
    const next = render([...history, { role: 'assistant', content: 'The sea is deep.' }, { role: 'user', content: 'And the sky?' }], true);
    expect(settleDecision(settled, next)).toBe('cancel');
  });
});

describe('CacheSettler', () => {
  /** A settle run that ends when told to, or when aborted; records how each ended. */
  function controlledRuns() {
    const runs: { text: string; finish: () => void; ended: Promise<'finished' | 'aborted'> }[] = [];
    const run = (text: string, signal: AbortSignal): Promise<void> => {
      let finish = (): void => {};
      const ended = new Promise<'finished' | 'aborted'>((resolve) => {
        finish = () => resolve('finished');
        signal.addEventListener('abort', () => resolve('aborted'));
      });
      runs.push({ text, finish, ended });
      return ended.then((how) => (how === 'aborted' ? Promise.reject(new DOMException('aborted', 'AbortError')) : undefined));
    };
    return { runs, run };
  }

  it('makes a prompt that begins with the settled text wait for it to finish', async () => {
    const { runs, run } = controlledRuns();
    const settler = new CacheSettler(run);
    settler.start('A: hi.<eot>');
    let through = false;
    const waiting = settler.before('A: hi.<eot>B: and?').then(() => (through = true));
    await Promise.resolve();
    expect(through).toBe(false);
    runs[0].finish();
    await waiting;
    expect(await runs[0].ended).toBe('finished');
  });

  it('cancels a settle the prompt does not begin with, and lets the prompt through at once', async () => {
    const { runs, run } = controlledRuns();
    const settler = new CacheSettler(run);
    settler.start('A: hi.<eot>');
    await settler.before('A: hello');
    expect(await runs[0].ended).toBe('aborted');
  });

  it('cancels the settle before a new one, and on stop; a failed settle is never thrown', async () => {
    const { runs, run } = controlledRuns();
    const settler = new CacheSettler(run);
    settler.start('one');
    settler.start('two');
    expect(await runs[0].ended).toBe('aborted');
    await settler.stop();
    expect(await runs[1].ended).toBe('aborted');
    await expect(settler.before('anything')).resolves.toBeUndefined();
  });
});
