import { deleteBenchmarkRun, listBenchmarkRuns, saveBenchmarkRun } from '../lib/benchmark/benchmarkDb';
import type { BenchmarkRun } from '../lib/benchmark/types';

/** The benchmark runs kept on this device (IndexedDB), newest first, and the one shown. */
export class BenchmarkHistory {
  runs = $state.raw<BenchmarkRun[]>([]);
  /** The run the view shows (the one running, or one picked from the list). */
  shownId = $state<string | null>(null);
  loaded = $state(false);

  get shown(): BenchmarkRun | null {
    return this.runs.find((r) => r.id === this.shownId) ?? null;
  }

  /** Reads the kept runs (once per visit). */
  async load(): Promise<void> {
    if (this.loaded) return;
    this.runs = await listBenchmarkRuns();
    this.shownId ??= this.runs[0]?.id ?? null;
    this.loaded = true;
  }

  /** Keeps a run (new or updated) and shows it. */
  async save(run: BenchmarkRun): Promise<void> {
    this.runs = [run, ...this.runs.filter((r) => r.id !== run.id)].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
    this.shownId = run.id;
    await saveBenchmarkRun($state.snapshot(run) as BenchmarkRun);
  }

  /** Deletes a kept run; the next newest is shown if it was. */
  async remove(id: string): Promise<void> {
    await deleteBenchmarkRun(id);
    this.runs = this.runs.filter((r) => r.id !== id);
    if (this.shownId === id) this.shownId = this.runs[0]?.id ?? null;
  }

  /** Forgets what was read (after "Forget everything"). */
  clear(): void {
    this.runs = [];
    this.shownId = null;
  }
}
