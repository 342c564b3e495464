import { formatRoute, parseRoute, type Route } from '../lib/routes';

/**
 * The view the URL names, kept in the location hash: a reload or the back button stays where
 * the user was. Changing view adds a history entry; following the open conversation replaces it.
 */
export class HashRouter {
  route = $state.raw<Route>(parseRoute(typeof location === 'undefined' ? '' : location.hash));

  constructor() {
    if (typeof window === 'undefined') return;
    addEventListener('hashchange', () => (this.route = parseRoute(location.hash)));
  }

  /** Shows a view (a new history entry). */
  go(route: Route): void {
    const hash = formatRoute(route);
    this.route = route;
    if (location.hash !== hash) location.hash = hash;
  }

  /** Names the open conversation in the URL without a new history entry. */
  replace(route: Route): void {
    const hash = formatRoute(route);
    this.route = route;
    if (location.hash !== hash) history.replaceState(history.state, '', hash);
  }
}
