export type Screen =
  | 'orders'
  | 'picking'
  | 'packing'
  | 'shipping'
  | 'settings'
  | 'printing'
  | 'audit'
  | 'outbox'
  | 'stock'
  | 'returns'
  | 'dashboard'
  | 'help';

// F5 is a screen key too, so it never reaches the webview as "reload" (which
// would drop the open order and the scan queue). F6, F8 and F9 belong to
// the packing table; F12 (and Ctrl+L) switches the user. F10 (the customer
// messages) and F11 (the stock screen) are free for the page: no menu bar
// takes them in a Tauri window, and the window has no full-screen key.
export const SCREEN_KEYS: Record<string, Screen> = {
  F1: 'orders',
  F2: 'picking',
  F3: 'packing',
  F4: 'settings',
  F5: 'printing',
  F7: 'audit',
  F10: 'outbox',
  F11: 'stock',
};

/**
 * Screens on Shift and a function key: each beside the screen of its own
 * key (shipping after packing, returns after stock, the dashboard after the
 * audit trail), and help on Shift+F1
 * (F1 itself is the orders, a packer's most used key).
 */
export const SHIFT_SCREEN_KEYS: Record<string, Screen> = {
  F1: 'help',
  F3: 'shipping',
  F7: 'dashboard',
  F11: 'returns',
};

/** The screen a key press asks for, if any (Ctrl, Alt and Meta keep their own meanings). */
export function screenForKey(e: KeyboardEvent): Screen | undefined {
  if (e.ctrlKey || e.altKey || e.metaKey) return undefined;
  if (e.shiftKey) return SHIFT_SCREEN_KEYS[e.key] ?? SCREEN_KEYS[e.key];
  return SCREEN_KEYS[e.key];
}

/** A change signal from `orders-changed`, handed to the screen on show. */
export interface Changes {
  seq: number;
  numbers: string[];
}

/** True for the keys that switch the user: F12, or Ctrl+L (by key position). */
export function isSwitchUserKey(e: KeyboardEvent): boolean {
  if (e.altKey || e.metaKey) return false;
  if (e.key === 'F12') return !e.ctrlKey && !e.shiftKey;
  return e.ctrlKey && !e.shiftKey && e.code === 'KeyL';
}

/** True for the key that shows the list of keys: "?" by its place on the
 * keyboard (Shift and the slash key), so a Russian layout's "," works too. */
export function isHelpKey(e: KeyboardEvent): boolean {
  if (e.ctrlKey || e.altKey || e.metaKey) return false;
  return e.key === '?' || (e.shiftKey && e.code === 'Slash');
}
