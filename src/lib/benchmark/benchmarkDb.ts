import { appDb } from '../appDb';
import type { BenchmarkRun } from './types';

/** Every kept benchmark run, newest first. */
export async function listBenchmarkRuns(): Promise<BenchmarkRun[]> {
  const runs = await (await appDb()).getAllFromIndex('benchmarks', 'byStarted');
  return runs.reverse();
}

/** Keeps a run (inserts or replaces it: a run is saved after each reply, so a closed tab keeps what was measured). */
export async function saveBenchmarkRun(run: BenchmarkRun): Promise<void> {
  await (await appDb()).put('benchmarks', run);
}

/** Deletes a kept run (no-op when absent). */
export async function deleteBenchmarkRun(id: string): Promise<void> {
  await (await appDb()).delete('benchmarks', id);
}
