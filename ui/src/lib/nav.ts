export type Screen = 'orders' | 'picking' | 'packing' | 'settings' | 'printing';

// F5 is a screen key too, so it never reaches the webview as "reload" (which
// would drop the open order and the scan queue).
export const SCREEN_KEYS: Record<string, Screen> = {
  F1: 'orders',
  F2: 'picking',
  F3: 'packing',
  F4: 'settings',
  F5: 'printing',
};

/** A change signal from `orders-changed`, handed to the screen on show. */
export interface Changes {
  seq: number;
  numbers: string[];
}
