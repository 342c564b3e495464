import type { GgufDeviceChoice } from '../../workers/shared/device';
import type { EngineLoadOptions } from '../../workers/shared/engineProtocol';
import { readSetting, writeSetting } from '../lib/appDb';

/** Where models come from unless the user or the URL names a mirror. */
export const defaultModelHost: string = import.meta.env.VITE_MODEL_HOST ?? 'https://huggingface.co';

/** Normalizes a host URL (absolute, no trailing slash); throws on anything else. */
export function normalizeHost(value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new Error('Enter a full address, such as https://huggingface.co.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('The model host must be an http(s) URL.');
  return url.href.replace(/\/+$/, '');
}

/** How llama.cpp loads a GGUF build; `null` leaves the choice to Hearth for this device and model. */
export interface EngineSettings {
  ggufDevice: GgufDeviceChoice;
  threads: number | null;
  contextWindow: number | null;
}

const engineDefaults: EngineSettings = { ggufDevice: 'auto', threads: null, contextWindow: null };

/** User settings that outlive the tab. */
export class UserSettings {
  /** Base URL of the Hugging Face–compatible host models are downloaded from. */
  modelHost = $state(defaultModelHost);
  /** The conversation open last (never a private one): shown again on opening. */
  lastConversationId = $state<string | null>(null);
  /** The model loaded last: loaded again on opening when the conversation names none. */
  lastModelId = $state<string | null>(null);
  /** Advanced: where llama.cpp runs, its threads, and the context window models load with. */
  engine = $state<EngineSettings>({ ...engineDefaults });
  loaded = $state(false);

  /** What the next load asks the engine for (unset fields: the engine chooses for this device). */
  get engineLoadOptions(): EngineLoadOptions {
    const { ggufDevice, threads, contextWindow } = this.engine;
    return { ggufDevice, ...(threads ? { threads } : {}), ...(contextWindow ? { contextWindow } : {}) };
  }

  /** Loads saved settings; `?modelHost=` in the page URL overrides and is saved. */
  async load(): Promise<void> {
    const [host, conversation, model, engine] = await Promise.all([
      readSetting('modelHost', defaultModelHost),
      readSetting<string | null>('lastConversationId', null),
      readSetting<string | null>('lastModelId', null),
      readSetting<Partial<EngineSettings>>('engine', {}),
    ]);
    this.modelHost = host;
    this.lastConversationId = conversation;
    this.lastModelId = model;
    this.engine = { ...engineDefaults, ...engine };
    const fromUrl = new URLSearchParams(location.search).get('modelHost');
    if (fromUrl) await this.setModelHost(fromUrl);
    this.loaded = true;
  }

  /** Points downloads at another host (a mirror); the URL is validated first. */
  async setModelHost(value: string): Promise<void> {
    this.modelHost = normalizeHost(value);
    await writeSetting('modelHost', this.modelHost);
  }

  /** Changes the engine settings (used from the next load on) and keeps them. */
  async setEngine(change: Partial<EngineSettings>): Promise<void> {
    this.engine = { ...this.engine, ...change };
    await writeSetting('engine', $state.snapshot(this.engine));
  }

  /** The engine settings back to Hearth's choices. */
  async resetEngine(): Promise<void> {
    await this.setEngine(engineDefaults);
  }

  /** Remembers the open conversation for the next visit. */
  async rememberConversation(id: string | null): Promise<void> {
    if (id === this.lastConversationId) return;
    this.lastConversationId = id;
    await writeSetting('lastConversationId', id);
  }

  /** Remembers the loaded model for the next visit. */
  async rememberModel(id: string | null): Promise<void> {
    if (id === this.lastModelId) return;
    this.lastModelId = id;
    await writeSetting('lastModelId', id);
  }
}
