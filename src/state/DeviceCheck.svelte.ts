import type { DeviceReport } from '../../workers/shared/device';
import type { StoreBridge } from '../lib/StoreBridge';

/** What this device offers (WebGPU, 16-bit shaders, cores), probed once in the store worker. */
export class DeviceCheck {
  readonly #store: StoreBridge;
  report = $state.raw<DeviceReport | null>(null);

  constructor(store: StoreBridge) {
    this.#store = store;
  }

  /** Probes the device (once). */
  async probe(): Promise<DeviceReport> {
    this.report ??= await this.#store.device();
    return this.report;
  }
}
