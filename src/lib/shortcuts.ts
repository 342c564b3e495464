/** The app's keyboard shortcuts: one table for the handler and for the shortcuts help. */
export type ShortcutAction = 'newChat' | 'focusComposer' | 'stop' | 'toggleSidebar' | 'togglePanel' | 'help';

export interface Shortcut {
  action: ShortcutAction;
  /** What it does, for the help. */
  label: string;
  /** `mod` is Ctrl (⌘ on a Mac). */
  keys: { mod?: boolean; shift?: boolean; key: string };
  /** Also works while typing in a text field. */
  inFields: boolean;
}

export const shortcuts: Shortcut[] = [
  { action: 'newChat', label: 'New chat', keys: { mod: true, shift: true, key: 'o' }, inFields: true },
  { action: 'focusComposer', label: 'Focus the message box', keys: { key: '/' }, inFields: false },
  { action: 'stop', label: 'Stop the reply or the benchmark', keys: { key: 'Escape' }, inFields: true },
  { action: 'toggleSidebar', label: 'Show or hide the conversations', keys: { mod: true, shift: true, key: 's' }, inFields: true },
  { action: 'togglePanel', label: 'Show or hide the model details', keys: { mod: true, shift: true, key: 'e' }, inFields: true },
  { action: 'help', label: 'Show the keyboard shortcuts', keys: { shift: true, key: '?' }, inFields: false },
];

/** The shortcut a key press means, if any. */
export function matchShortcut(
  event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>,
  inField: boolean,
  mac: boolean,
): ShortcutAction | null {
  const mod = mac ? event.metaKey : event.ctrlKey;
  for (const s of shortcuts) {
    if (inField && !s.inFields) continue;
    if (event.key.toLowerCase() !== s.keys.key.toLowerCase() || event.altKey) continue;
    if (!!s.keys.mod !== mod) continue;
    // "?" is Shift+/ on most layouts: the key itself says it; only modifier shortcuts check Shift.
    if (s.keys.mod && !!s.keys.shift !== event.shiftKey) continue;
    return s.action;
  }
  return null;
}

/** How a shortcut is written for this platform, e.g. "Ctrl + Shift + O" or "⌘ + Shift + O". */
export function describeKeys(keys: Shortcut['keys'], mac: boolean): string[] {
  const name = keys.key === 'Escape' ? 'Esc' : keys.key.length === 1 ? keys.key.toUpperCase() : keys.key;
  return [...(keys.mod ? [mac ? '⌘' : 'Ctrl'] : []), ...(keys.shift && keys.key !== '?' ? ['Shift'] : []), name];
}
