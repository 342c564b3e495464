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

  togglePanel(): void {
    this.panelOpen = !this.panelOpen;
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
