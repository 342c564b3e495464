import { readSetting, writeSetting } from '../lib/appDb';

/** Where models come from unless the user or the URL names a mirror. */
export const defaultModelHost: string = import.meta.env.VITE_MODEL_HOST ?? 'https://huggingface.co';

/** Normalizes a host URL (absolute, no trailing slash); throws on anything else. */
export function normalizeHost(value: string): string {
  const url = new URL(value);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('The model host must be an http(s) URL.');
  return url.href.replace(/\/+$/, '');
}

/** User settings that outlive the tab. */
export class Settings {
  /** Base URL of the Hugging Face–compatible host models are downloaded from. */
  modelHost = $state(defaultModelHost);
  loaded = $state(false);

  /** Loads saved settings; `?modelHost=` in the page URL overrides and is saved. */
  async load(): Promise<void> {
    this.modelHost = await readSetting('modelHost', defaultModelHost);
    const fromUrl = new URLSearchParams(location.search).get('modelHost');
    if (fromUrl) await this.setModelHost(fromUrl);
    this.loaded = true;
  }

  /** Points downloads at another host (a mirror); the URL is validated first. */
  async setModelHost(value: string): Promise<void> {
    this.modelHost = normalizeHost(value);
    await writeSetting('modelHost', this.modelHost);
  }
}
