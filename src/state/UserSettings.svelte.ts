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

/** User settings that outlive the tab. */
export class UserSettings {
  /** Base URL of the Hugging Face–compatible host models are downloaded from. */
  modelHost = $state(defaultModelHost);
  /** The conversation open last (never a private one): shown again on opening. */
  lastConversationId = $state<string | null>(null);
  /** The model loaded last: loaded again on opening when the conversation names none. */
  lastModelId = $state<string | null>(null);
  loaded = $state(false);

  /** Loads saved settings; `?modelHost=` in the page URL overrides and is saved. */
  async load(): Promise<void> {
    const [host, conversation, model] = await Promise.all([
      readSetting('modelHost', defaultModelHost),
      readSetting<string | null>('lastConversationId', null),
      readSetting<string | null>('lastModelId', null),
    ]);
    this.modelHost = host;
    this.lastConversationId = conversation;
    this.lastModelId = model;
    const fromUrl = new URLSearchParams(location.search).get('modelHost');
    if (fromUrl) await this.setModelHost(fromUrl);
    this.loaded = true;
  }

  /** Points downloads at another host (a mirror); the URL is validated first. */
  async setModelHost(value: string): Promise<void> {
    this.modelHost = normalizeHost(value);
    await writeSetting('modelHost', this.modelHost);
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
