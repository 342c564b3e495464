/// <reference types="vite-plugin-pwa/client" />
import { registerSW } from 'virtual:pwa-register';

/** How often an open tab asks whether a new version was published. */
const checkEveryMs = 60 * 60 * 1000;

/**
 * The service worker's lifecycle as the page sees it. The worker precaches the whole app (shell,
 * worker bundles, WebAssembly) so it opens offline; a new version installs beside the old one
 * and waits until the user agrees, so a page never runs against files of another version.
 */
export class UpdatePrompt {
  /** A new version is installed and waits for the user's go-ahead. */
  ready = $state(false);
  /** Every file of the app is cached: it opens with no network from now on. */
  offlineReady = $state(false);
  /** The user agreed; the page reloads once the new version controls it. */
  applying = $state(false);

  #apply: ((reloadPage?: boolean) => Promise<void>) | null = null;
  #registration: ServiceWorkerRegistration | undefined;
  #isBusy: () => boolean = () => false;

  /** Registers the service worker; `isBusy` holds a reload back while a reply is generated. */
  start(options: { isBusy: () => boolean }): void {
    if (this.#apply || !('serviceWorker' in navigator)) return;
    this.#isBusy = options.isBusy;
    this.#apply = registerSW({
      immediate: true,
      onNeedRefresh: () => (this.ready = true),
      onOfflineReady: () => (this.offlineReady = true),
      // Every tab that was told about the update reloads when it takes over (the user agreed
      // in one of them); a tab in the middle of a reply finishes it first.
      onNeedReload: () => void this.#reloadWhenIdle(),
      onRegisteredSW: (_url, registration) => {
        this.#registration = registration;
        setInterval(() => void this.check(), checkEveryMs);
        addEventListener('online', () => void this.check());
      },
    });
  }

  /** Asks the server whether a new version exists (also done hourly and when back online). */
  async check(): Promise<void> {
    if (!navigator.onLine) return;
    await this.#registration?.update().catch(() => {});
  }

  /** Lets the waiting version take over; every open tab then reloads into it. */
  async apply(): Promise<void> {
    this.applying = true;
    await this.#apply?.(true);
  }

  async #reloadWhenIdle(): Promise<void> {
    this.applying = true;
    while (this.#isBusy()) await new Promise((resolve) => setTimeout(resolve, 200));
    location.reload();
  }
}
