import type { SamplingSettings } from '../../../workers/shared/chat';
import { summaryDocument } from './document';

/** The fixed prompts, by id (kept stable: results and exported files name them). */
export type BenchmarkPromptId = 'short' | 'summary' | 'code';

export interface BenchmarkPrompt {
  id: BenchmarkPromptId;
  /** Short name for tables and the chart. */
  label: string;
  /** What it measures, in plain words. */
  about: string;
  text: string;
}

/** The same three prompts every run: a short question, a long document to summarise, a code task. */
export const benchmarkPrompts: readonly BenchmarkPrompt[] = [
  { id: 'short', label: 'Short question', about: 'a one-line question: mostly decode speed', text: 'What is the capital of France? Answer in one sentence.' },
  {
    id: 'summary',
    label: 'Document summary',
    about: 'a ~1,000-token document: prefill speed and time to first token',
    text: `Summarise the following report in three bullet points.\n\n${summaryDocument}`,
  },
  {
    id: 'code',
    label: 'Code task',
    about: 'a small programming task: decode speed on code',
    text: 'Write a TypeScript function `isPalindrome(text: string): boolean` that ignores case, spaces and punctuation, with two example calls.',
  },
];

/**
 * Sampling every benchmark reply uses: greedy (temperature 0) and a fixed reply length, so two
 * runs on the same device and model compare like for like.
 */
export const benchmarkSampling: SamplingSettings = { temperature: 0, topP: 1, maxTokens: 128 };

/**
 * The context window models load with for the benchmark: the same for every model (room for the
 * document, the template and the reply), or the one the model was trained for when smaller.
 */
export const benchmarkContextWindow = 4096;

/** The prompt with this id. */
export function benchmarkPrompt(id: BenchmarkPromptId): BenchmarkPrompt {
  const prompt = benchmarkPrompts.find((p) => p.id === id);
  if (!prompt) throw new Error(`unknown benchmark prompt ${id}`);
  return prompt;
}
