import { Template } from '@huggingface/jinja';
import { describe, expect, it } from 'vitest';
import { LLAMA32_CHAT_TEMPLATE } from '../fixtures/gguf';
import type { EngineMessage } from '../../workers/shared/chat';
import { CacheSettler, draftPrompt, exchangeAfterReply, nextReadSlice, promptUpToLastMessage, readSliceChars, settleDecision } from '../../workers/engine/llamaCacheSettle';

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

describe('promptUpToLastMessage', () => {
  const renderTurn = (messages: EngineMessage[]): string => render(messages, false);

  it('gives the prompt of a message being typed up to its last character, a prefix of the prompt Send makes', () => {
    const exchange = [...history, { role: 'assistant' as const, content: reply }];
    const draft = promptUpToLastMessage(renderTurn, [...exchange, { role: 'user', content: 'And the sky' }]);
    expect(draft?.endsWith('<|start_header_id|>user<|end_header_id|>\n\nAnd the sky')).toBe(true);
    const sent = render([...exchange, { role: 'user', content: 'And the sky?' }], true);
    expect(settleDecision(draft ?? '', sent)).toBe('wait');
    // And it begins with the exchange settled after the reply, so it waits for that work.
    expect(settleDecision(render(exchange, false), draft ?? '')).toBe('wait');
  });

  it('ends a partial reply inside its turn (Continue)', () => {
    const partial = promptUpToLastMessage(renderTurn, [...history, { role: 'assistant', content: 'The sea' }]);
    expect(partial?.endsWith('<|start_header_id|>assistant<|end_header_id|>\n\nThe sea')).toBe(true);
  });

  it('is null for no messages, or a template that drops the text', () => {
    expect(promptUpToLastMessage(renderTurn, [])).toBeNull();
    expect(promptUpToLastMessage(() => 'fixed', history)).toBeNull();
  });
});

describe('draftPrompt', () => {
  const renderTurn = (messages: EngineMessage[]): string => render(messages, false);

  it('ends at the draft’s last character, whatever white space follows it, so Send’s prompt begins with it', () => {
    for (const typed of ['And the sky ', 'And the sky\n', 'And the sky']) {
      const draft = draftPrompt(renderTurn, [...history, { role: 'user', content: typed }]);
      expect(draft?.endsWith('<|start_header_id|>user<|end_header_id|>\n\nAnd the sky')).toBe(true);
      expect(settleDecision(draft ?? '', render([...history, { role: 'user', content: `${typed}?` }], true))).toBe('wait');
    }
  });

  it('is null for an empty draft, or when the last message is not the user’s', () => {
    expect(draftPrompt(renderTurn, [...history, { role: 'user', content: '  ' }])).toBeNull();
    expect(draftPrompt(renderTurn, [...history, { role: 'assistant', content: 'The sea' }])).toBeNull();
  });
});

describe('nextReadSlice', () => {
  const words = (n: number, from = 0): string => Array.from({ length: n }, (_, i) => `word${from + i}`).join(' ');

  it('is the whole text while what is new fits a slice', () => {
    expect(nextReadSlice('', 'short')).toBe('short');
    const held = `prompt ${words(300)}`;
    expect(nextReadSlice(held, `${held} and more`)).toBe(`${held} and more`);
  });

  it('reads a long paste a slice at a time, each ending at a space, each extending the one before', () => {
    const text = `prompt ${words(600)}`;
    const first = nextReadSlice('', text);
    expect(first.length).toBeLessThanOrEqual(readSliceChars);
    expect(text.startsWith(first) && text[first.length]).toBe(' ');
    const second = nextReadSlice(first, text);
    expect(second.startsWith(first)).toBe(true);
    expect(second.length - first.length).toBeLessThanOrEqual(readSliceChars);
    let held = second;
    for (let i = 0; i < 10 && held !== text; i++) held = nextReadSlice(held, text);
    expect(held).toBe(text);
  });

  it('counts only what differs from the text held, and never splits a surrogate pair', () => {
    const held = `prompt ${words(100)}`;
    const edited = `prompt ${words(100, 1)}`;
    expect(nextReadSlice(held, edited).length).toBeLessThanOrEqual(readSliceChars + 'prompt '.length);
    const emoji = '\u{1F30A}'.repeat(readSliceChars);
    const slice = nextReadSlice('', emoji);
    expect(slice.length % 2).toBe(0);
  });
});

describe('CacheSettler', () => {
  type Text = { text: string };
  /** A settle run that ends when told to, or when aborted; records how each ended. */
  function controlledRuns() {
    const runs: { text: string; finish: () => void; ended: Promise<'finished' | 'aborted'> }[] = [];
    const run = ({ text }: Text, signal: AbortSignal): Promise<void> => {
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
  /** Lets a settle that was waiting start. */
  const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

  it('makes a prompt that begins with the settled text wait for it to finish', async () => {
    const { runs, run } = controlledRuns();
    const settler = new CacheSettler<Text>(run);
    void settler.start({ text: 'A: hi.<eot>' });
    let through = false;
    const waiting = settler.before('A: hi.<eot>B: and?').then(() => (through = true));
    await tick();
    expect(through).toBe(false);
    runs[0].finish();
    await waiting;
    expect(through).toBe(true);
  });

  it('cancels a settle the prompt does not begin with', async () => {
    const { runs, run } = controlledRuns();
    const settler = new CacheSettler<Text>(run);
    const started = settler.start({ text: 'A: hi.<eot>' });
    await settler.before('A: hello');
    expect(await runs[0].ended).toBe('aborted');
    expect(await started).toBe(false);
  });

  it('cancels a settle a newer one does not extend, and every settle on stop; then refuses new ones; a failed settle is never thrown', async () => {
    const { runs, run } = controlledRuns();
    const settler = new CacheSettler<Text>(run);
    const one = settler.start({ text: 'one' });
    const two = settler.start({ text: 'two' });
    expect(await runs[0].ended).toBe('aborted');
    expect(await one).toBe(false);
    await tick();
    expect(runs.map((r) => r.text)).toEqual(['one', 'two']);
    await settler.stop();
    expect(await runs[1].ended).toBe('aborted');
    expect(await two).toBe(false);
    expect(await settler.start({ text: 'three' })).toBe(false);
    expect(runs).toHaveLength(2);
    await expect(settler.before('anything')).resolves.toBeUndefined();
  });

  it('computes a text that extends the one being settled after it, without cancelling it (a growing draft)', async () => {
    const { runs, run } = controlledRuns();
    const settler = new CacheSettler<Text>(run);
    const exchange = settler.start({ text: 'A: hi.<eot>' });
    const draft = settler.start({ text: 'A: hi.<eot>B: and the' });
    expect(runs.map((r) => r.text)).toEqual(['A: hi.<eot>']);
    runs[0].finish();
    expect(await exchange).toBe(true);
    await tick();
    expect(runs.map((r) => r.text)).toEqual(['A: hi.<eot>', 'A: hi.<eot>B: and the']);
    runs[1].finish();
    expect(await draft).toBe(true);
  });

  it('keeps one settle waiting, the newest: ten drafts typed behind a slow one cost two runs', async () => {
    const { runs, run } = controlledRuns();
    const settler = new CacheSettler<Text>(run);
    const slow = settler.start({ text: 'A' });
    const drafts = Array.from({ length: 10 }, (_, i) => settler.start({ text: `A${'b'.repeat(i + 1)}` }));
    runs[0].finish();
    expect(await slow).toBe(true);
    expect(await Promise.all(drafts.slice(0, 9))).toEqual(Array(9).fill(false));
    await tick();
    runs[1].finish();
    expect(await drafts[9]).toBe(true);
    expect(runs.map((r) => r.text)).toEqual(['A', `A${'b'.repeat(10)}`]);
  });

  it('does not queue the text being computed again after another was queued and dropped', async () => {
    const { runs, run } = controlledRuns();
    const settler = new CacheSettler<Text>(run);
    const running = settler.start({ text: 'E' });
    void settler.start({ text: 'Ex' });
    const again = settler.start({ text: 'E' });
    runs[0].finish();
    expect(await running).toBe(true);
    expect(await again).toBe(true);
    await tick();
    expect(runs.map((r) => r.text)).toEqual(['E']);
  });

  it('a run that throws at once or fails is a settle not computed, and the next one runs', async () => {
    let calls = 0;
    const settler = new CacheSettler<Text>(({ text }) => {
      calls += 1;
      if (text === 'throws') throw new Error('at once');
      return text === 'fails' ? Promise.reject(new Error('later')) : Promise.resolve();
    });
    expect(await settler.start({ text: 'throws' })).toBe(false);
    expect(await settler.start({ text: 'fails' })).toBe(false);
    expect(await settler.start({ text: 'works' })).toBe(true);
    expect(calls).toBe(3);
  });

  it('does not compute the same text twice', async () => {
    const { runs, run } = controlledRuns();
    const settler = new CacheSettler<Text>(run);
    const first = settler.start({ text: 'A: hi.<eot>B: and' });
    const again = settler.start({ text: 'A: hi.<eot>B: and' });
    runs[0].finish();
    expect(await first).toBe(true);
    expect(await again).toBe(true);
    expect(runs).toHaveLength(1);
  });

  it('before a prompt, drops the settle waiting (the prompt computes it in one batch) and waits only for the running one it begins with', async () => {
    const { runs, run } = controlledRuns();
    const settler = new CacheSettler<Text>(run);
    const exchange = settler.start({ text: 'A: hi.<eot>' });
    const draft = settler.start({ text: 'A: hi.<eot>B: and the sky' });
    let through = false;
    const waiting = settler.before('A: hi.<eot>B: and the sky?').then(() => (through = true));
    expect(await draft).toBe(false);
    await tick();
    expect(through).toBe(false);
    runs[0].finish();
    await waiting;
    expect(await exchange).toBe(true);
    expect(runs).toHaveLength(1);
  });

  it('a prompt waiting for a settle goes at once when its signal aborts (Stop)', async () => {
    const { runs, run } = controlledRuns();
    const settler = new CacheSettler<Text>(run);
    void settler.start({ text: 'A: hi.<eot>' });
    const stop = new AbortController();
    let through = false;
    const waiting = settler.before('A: hi.<eot>B: and?', stop.signal).then(() => (through = true));
    await tick();
    expect(through).toBe(false);
    stop.abort();
    await waiting;
    expect(through).toBe(true);
    // The settle itself runs on: the next prompt may begin with it.
    expect(runs[0].text).toBe('A: hi.<eot>');
  });

  it('a draft edited (not extended) cancels the draft before it and is computed alone', async () => {
    const { runs, run } = controlledRuns();
    const settler = new CacheSettler<Text>(run);
    const before = settler.start({ text: 'B: and the sea' });
    const edited = settler.start({ text: 'B: and the sky' });
    expect(await before).toBe(false);
    await tick();
    expect(runs.map((r) => r.text)).toEqual(['B: and the sea', 'B: and the sky']);
    runs.at(-1)?.finish();
    expect(await edited).toBe(true);
  });
});
