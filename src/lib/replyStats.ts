import type { ReplyStats } from '../../workers/shared/chat';

/**
 * The stats of a reply written in two parts (a continuation): tokens add up, the rates and the
 * time to first token are the first part's unless unknown, the finish is the last part's.
 */
export function mergeStats(first: ReplyStats, next: ReplyStats): ReplyStats {
  const tokens = first.completionTokens + next.completionTokens;
  const decodeS = (s: ReplyStats): number => (s.decodeTokensPerS > 0 ? s.completionTokens / s.decodeTokensPerS : 0);
  const both = decodeS(first) + decodeS(next);
  return {
    promptTokens: next.promptTokens || first.promptTokens,
    completionTokens: tokens,
    timeToFirstTokenS: first.timeToFirstTokenS,
    prefillTokensPerS: first.prefillTokensPerS || next.prefillTokensPerS,
    decodeTokensPerS: both > 0 ? tokens / both : 0,
    totalS: first.totalS + next.totalS,
    // The cache hits belong to the prompt they are counted of: the last part's, when it had one.
    ...pick(next.promptTokens ? next : first, first, 'cachedPromptTokens'),
    ...pick(next, first, 'device'),
    finishReason: next.finishReason,
  };
}

/** A field of `preferred`, else of `other`, as a spread (absent when neither has it). */
function pick<K extends 'cachedPromptTokens' | 'device'>(preferred: ReplyStats, other: ReplyStats, key: K): Pick<ReplyStats, K> | object {
  const value = preferred[key] ?? other[key];
  return value === undefined ? {} : { [key]: value };
}

const known = (value: number): boolean => Number.isFinite(value) && value > 0;

const count = (n: number): string => n.toLocaleString('en-US');

/**
 * A reply's stats as short human phrases, e.g. `["on CPU, 2 threads", "0.42 s to first token",
 * "decode 31.0 tok/s", ..., "1,420 of 1,510 prompt tokens from cache"]`. A rate the engine could
 * not measure (a reply stopped before it reported) is left out rather than shown as 0, and so is
 * the time to first token of a reply stopped before any token came (the engines count it to the
 * stop then: no first token to time).
 */
export function describeStats(stats: ReplyStats): string[] {
  return [
    ...(stats.device ? [`on ${stats.device}`] : []),
    ...(Number.isFinite(stats.timeToFirstTokenS) && stats.completionTokens > 0 ? [`${stats.timeToFirstTokenS.toFixed(2)} s to first token`] : []),
    ...(known(stats.prefillTokensPerS) ? [`prefill ${stats.prefillTokensPerS.toFixed(1)} tok/s`] : []),
    ...(known(stats.decodeTokensPerS) ? [`decode ${stats.decodeTokensPerS.toFixed(1)} tok/s`] : []),
    stats.promptTokens > 0
      ? `${count(stats.promptTokens)} prompt + ${count(stats.completionTokens)} completion tokens`
      : `${count(stats.completionTokens)} completion tokens`,
    ...(stats.cachedPromptTokens !== undefined && stats.promptTokens > 0 ? [`${count(stats.cachedPromptTokens)} of ${count(stats.promptTokens)} prompt tokens from cache`] : []),
  ];
}
