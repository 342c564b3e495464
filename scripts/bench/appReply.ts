/** One reply measured in the app's page. */
export interface AppRun {
  firstMs: number;
  streamMs: number;
  stats: string;
  /** The engine's time to first token, in ms (the stats line rounds it to 10 ms). */
  engineFirstTokenMs: number;
  longTasks: number[];
  /** Each long task: when it began (ms after Send), and the scripts of the long frames it overlaps. */
  longTaskSources: { atMs: number; ms: number; scripts: string[] }[];
  prompt: string | null;
}

type LongFrame = { start: number; duration: number; scripts: { invoker: string; source: string; ms: number }[] };

/**
 * Runs in the app's page: pastes `paste` into the message box (when given) and clicks Send in the
 * same moment, as a paste and Enter would (so the app reads nothing of it ahead), or sends what
 * was typed; times the first token and the end of the reply.
 */
export async function measureAppReply(paste?: string): Promise<AppRun> {
  const w = window as unknown as { __longTasks: { start: number; duration: number }[]; __longFrames: LongFrame[] };
  const before = document.querySelectorAll('[data-role="assistant"]').length;
  w.__longTasks = [];
  w.__longFrames = [];
  const box = document.querySelector<HTMLTextAreaElement>('#composer-input');
  if (!box?.form) throw new Error('no message box');
  if (paste !== undefined) {
    box.value = paste;
    box.dispatchEvent(new Event('input', { bubbles: true }));
  }
  const started = performance.now();
  // Submitted as Enter does: the Send button only turns enabled once the page has drawn the paste.
  box.form.requestSubmit();
  const reply = (): HTMLElement | undefined => [...document.querySelectorAll<HTMLElement>('[data-role="assistant"]')][before];
  // Watched with a MutationObserver, not polled each animation frame: a requestAnimationFrame loop
  // makes the page produce a frame every vsync, work on the cores llama.cpp's threads need that
  // the app alone does not cause.
  const until = (test: () => boolean): Promise<number> =>
    new Promise((resolve) => {
      if (test()) return resolve(performance.now());
      const observer = new MutationObserver(() => {
        if (!test()) return;
        observer.disconnect();
        resolve(performance.now());
      });
      observer.observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true });
    });
  const firstAt = await until(() => (reply()?.querySelector('[data-testid="message-body"]')?.textContent ?? '').length > 0);
  const endAt = await until(() => reply()?.dataset.status !== undefined && reply()?.dataset.status !== 'streaming');
  // The stats line is written when the reply ends; wait for its last figure.
  await until(() => /completion tokens/.test(reply()?.querySelector('[data-testid="reply-stats"]')?.textContent ?? ''));
  const statsLine = reply()?.querySelector<HTMLElement>('[data-testid="reply-stats"]');
  const stats = statsLine?.textContent ?? '';
  // The raw prompt is laid out only while its box is open: opened to read, then closed again.
  const rawView = document.querySelector<HTMLDetailsElement>('[data-testid="raw-prompt-view"]');
  const wasOpen = rawView?.open ?? false;
  if (rawView) rawView.open = true;
  if (rawView) await until(() => !!document.querySelector('[data-testid="raw-prompt"]'));
  const prompt = document.querySelector('[data-testid="raw-prompt"]')?.textContent ?? null;
  if (rawView) rawView.open = wasOpen;
  return {
    firstMs: firstAt - started,
    streamMs: endAt - firstAt,
    stats,
    engineFirstTokenMs: Number(statsLine?.dataset.firstTokenMs ?? NaN),
    longTasks: w.__longTasks.map((t) => Math.round(t.duration)),
    longTaskSources: w.__longTasks.map((t) => ({
      atMs: Math.round(t.start - started),
      ms: Math.round(t.duration),
      scripts: w.__longFrames
        .filter((f) => f.start < t.start + t.duration && t.start < f.start + f.duration)
        .flatMap((f) => f.scripts.map((s) => `${s.invoker} ${s.source} ${s.ms}ms`)),
    })),
    prompt,
  };
}

/** The engine's figures of a reply, read from its stats line. */
export function replyFigures(run: AppRun): { decodePerS: number; prefillPerS: number; firstTokenS: number; promptTokens: number; completionTokens: number; cachedTokens: number; streamTokensPerS: number } {
  const num = (re: RegExp): number => Number((re.exec(run.stats)?.[1] ?? '0').replace(/,/g, ''));
  const completionTokens = num(/([\d,]+) completion tokens/);
  return {
    decodePerS: num(/decode ([\d.]+) tok\/s/),
    prefillPerS: num(/prefill ([\d.]+) tok\/s/),
    firstTokenS: num(/([\d.]+) s to first token/),
    promptTokens: num(/([\d,]+) prompt \+/),
    completionTokens,
    cachedTokens: num(/([\d,]+) of [\d,]+ prompt tokens from cache/),
    streamTokensPerS: completionTokens / (run.streamMs / 1000),
  };
}

const topics = ['the sea', 'mountains', 'old maps', 'bread', 'rivers', 'city lights', 'winter', 'bees'];

/**
 * The user message of one turn of a bench conversation (~90 bench tokens). Each conversation
 * starts with its own words, so turn 1 finds nothing of it in the cache (only the template's header).
 */
export function conversationTurn(conversation: number, turn: number): string {
  const topic = topics[(turn - 1 + conversation) % topics.length];
  return `Chat ${conversation + 1}, turn ${turn}. Tell me about ${topic}: where it begins, what it is made of, who cares for it, and what we would miss without it. Keep it short.`;
}
