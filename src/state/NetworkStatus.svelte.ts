/** Whether the browser has a network connection, kept current by `online`/`offline` events. */
export class NetworkStatus {
  online = $state(typeof navigator === 'undefined' ? true : navigator.onLine);

  constructor() {
    if (typeof window === 'undefined') return;
    addEventListener('online', () => (this.online = true));
    addEventListener('offline', () => (this.online = false));
  }
}
