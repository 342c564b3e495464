/** Screens at least this wide show the sidebar inline, and this much wider the panel too. */
const sidebarInline = '(min-width: 48rem)';
const panelInline = '(min-width: 78rem)';

/**
 * What is open around the chat: the conversation sidebar and the model panel (inline on wide
 * screens, drawers on narrow ones, closed by default there), and the shortcuts help.
 */
export class ViewLayout {
  wideSidebar = $state(true);
  widePanel = $state(true);
  sidebarOpen = $state(true);
  panelOpen = $state(true);
  helpOpen = $state(false);
  /** The user opened or closed the panel themselves (before that, it waits for a model). */
  panelChosen = $state(false);
  /** Bumped to ask the composer for focus (skip link, shortcut, a model becoming ready). */
  composerFocus = $state(0);

  constructor() {
    if (typeof window === 'undefined' || !window.matchMedia) return;
    const sidebar = matchMedia(sidebarInline);
    const panel = matchMedia(panelInline);
    const apply = (): void => {
      this.wideSidebar = sidebar.matches;
      this.widePanel = panel.matches;
      // Drawers start closed; inline columns start open.
      this.sidebarOpen = sidebar.matches;
      this.panelOpen = panel.matches;
    };
    apply();
    sidebar.addEventListener('change', apply);
    panel.addEventListener('change', apply);
  }

  toggleSidebar(): void {
    this.sidebarOpen = !this.sidebarOpen;
  }

  /** A model is loaded or loading (set by the app): the panel has something to show. */
  modelPresent = $state(false);

  /** Whether the panel is on screen: open, and (until the user chose) only with a model. */
  get panelShown(): boolean {
    return this.panelOpen && (this.modelPresent || this.panelChosen || !this.widePanel);
  }

  togglePanel(): void {
    const shown = this.panelShown;
    this.panelChosen = true;
    this.panelOpen = !shown;
  }

  /** Closes drawers (on narrow screens) after the user picked something in them. */
  closeDrawers(): void {
    if (!this.wideSidebar) this.sidebarOpen = false;
    if (!this.widePanel) this.panelOpen = false;
  }

  focusComposer(): void {
    this.composerFocus += 1;
  }
}
