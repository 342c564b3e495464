import { EngineBridge } from '../lib/EngineBridge';
import { BenchmarkHistory } from './BenchmarkHistory.svelte';
import { BenchmarkRunner } from './BenchmarkRunner.svelte';
import { chat } from './chat.svelte';
import { device } from './device.svelte';
import { settings } from './settings.svelte';


/** The kept benchmark runs. */
export const benchmarkHistory = new BenchmarkHistory();

/** The benchmark runner: its own engine worker per run; the chat's model is unloaded meanwhile and comes back after. */
export const benchmark = new BenchmarkRunner({
  engine: () => new EngineBridge(),
  history: benchmarkHistory,
  device: () => device.probe(),
  loadOptions: () => settings.engineLoadOptions,
  appVersion: import.meta.env.VITE_BUILD_ID ? `${__APP_VERSION__}+${import.meta.env.VITE_BUILD_ID}` : __APP_VERSION__,
  chatModel: {
    current: () => {
      const entry = chat.loadedEntry ?? chat.loading;
      return entry ? { entry, options: chat.loadedWith ?? settings.engineLoadOptions } : null;
    },
    release: (notice) => chat.unload(notice),
    restore: async (entry, options) => {
      // The user may have loaded another model meanwhile: theirs stays.
      if (chat.loadedEntry || chat.loading) return;
      if (await chat.load(entry, options)) chat.notice = null;
    },
  },
});
