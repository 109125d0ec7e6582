// The shipping screen's bookkeeping, apart from its looks: the packed
// orders with what the packer typed or scanned for each, what a bulk
// shipment sends, and what a hand-over adds up to. No rule of shipping is
// here: core checks every tracking number against its carrier's pattern
// and says why an order did not ship.

import type { HandOver, OrderFilter, OrderSummary, ShipRequest } from './bindings';

/** The orders waiting to ship: packed ones (status `ready`), as many as a day's work. */
export const TO_SHIP: OrderFilter = { statuses: ['ready'], limit: 500 };

/** How many closed hand-overs the list shows. */
export const RECENT_HANDOVERS = 20;

/** A packed order on the "To ship" list, with what was typed or scanned for it. */
export interface ShipRow {
  number: string;
  customer: string;
  delivery: string;
  units: number;
  /** The courier's tracking number, as typed or scanned. */
  tracking: string;
  selected: boolean;
}

/**
 * The list as core sent it now, keeping what was typed and ticked for the
 * orders still on it (a refresh never loses a scanned label).
 */
export function mergeRows(before: readonly ShipRow[], orders: readonly OrderSummary[]): ShipRow[] {
  const kept = new Map(before.map((r) => [r.number, r]));
  return orders.map((o) => {
    const old = kept.get(o.number);
    return {
      number: o.number,
      customer: o.customer_name,
      delivery: o.delivery_method,
      units: o.units,
      tracking: old?.tracking ?? '',
      selected: old?.selected ?? false,
    };
  });
}

/**
 * What "Ship selected" sends: each ticked order with its tracking number
 * as given (none when the field is empty: core says it needs one).
 */
export function shipRequests(rows: readonly ShipRow[]): ShipRequest[] {
  return rows
    .filter((r) => r.selected)
    .map((r) => {
      const tracking = r.tracking.trim();
      return { number: r.number, trackings: tracking ? [tracking] : [] };
    });
}

/** The index of the row a scan goes to: the one being typed in, else the first without a number. */
export function scanTarget(rows: readonly ShipRow[], focused: number | null): number {
  if (focused !== null && focused >= 0 && focused < rows.length) return focused;
  return rows.findIndex((r) => !r.tracking.trim());
}

/** A hand-over's parcels counted: how many, their weight, and the declared value per currency. */
export function handoverTotals(h: HandOver): {
  parcels: number;
  weight_g: number;
  value: { minor: number; currency: string }[];
} {
  const value = new Map<string, number>();
  let weight = 0;
  for (const p of h.view.parcels) {
    weight += p.weight_g;
    value.set(p.currency, (value.get(p.currency) ?? 0) + p.value_minor);
  }
  return {
    parcels: h.view.parcels.length,
    weight_g: weight,
    value: [...value].map(([currency, minor]) => ({ minor, currency })),
  };
}
