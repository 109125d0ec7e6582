export type Screen = 'orders' | 'picking' | 'packing' | 'settings';

export const SCREEN_KEYS: Record<string, Screen> = {
  F1: 'orders',
  F2: 'picking',
  F3: 'packing',
  F4: 'settings',
};

/** A change signal from `orders-changed`, handed to the screen on show. */
export interface Changes {
  seq: number;
  numbers: string[];
}
