/** The views the URL names (in its hash, so any static host and the service worker serve it). */
export type Route =
  | { view: 'chat'; conversationId: string | null; private?: boolean }
  | { view: 'models' }
  | { view: 'settings' }
  | { view: 'benchmark' };

/** Reads a location hash: `#/models`, `#/settings`, `#/benchmark`, `#/chat/<id>`, `#/chat/private`, `#/chat`. */
export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'models') return { view: 'models' };
  if (parts[0] === 'settings') return { view: 'settings' };
  if (parts[0] === 'benchmark') return { view: 'benchmark' };
  if (parts[0] === 'chat' && parts[1] === 'private') return { view: 'chat', conversationId: null, private: true };
  return { view: 'chat', conversationId: parts[0] === 'chat' && parts[1] ? parts[1] : null };
}

/** The hash of a route. */
export function formatRoute(route: Route): string {
  if (route.view !== 'chat') return `#/${route.view}`;
  if (route.private) return '#/chat/private';
  return route.conversationId ? `#/chat/${encodeURIComponent(route.conversationId)}` : '#/chat';
}
