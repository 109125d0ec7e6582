// What the shipping screen sends, worked out from what the packer typed,
// scanned and ticked, with the orders and hand-over of shipping.json.

import { describe, expect, it } from 'vitest';
import { handoverTotals, mergeRows, scanTarget, shipRequests } from './shipping';
import type { HandOver, OrderSummary } from './bindings';
import { replies, reply } from '../test/backend';

describe('what "Ship selected" sends', () => {
  const orders = replies<OrderSummary[]>('shipping', 'list_orders')[0]!;

  it('keeps what was typed and ticked when the list comes again', () => {
    let rows = mergeRows([], orders);
    expect(rows.map((r) => [r.number, r.tracking, r.selected])).toEqual(
      orders.map((o) => [o.number, '', false]),
    );
    rows[0]!.tracking = '12345';
    rows[0]!.selected = true;
    rows = mergeRows(rows, orders.slice(0, 2));
    expect(rows.map((r) => [r.number, r.tracking, r.selected])).toEqual([
      [orders[0]!.number, '12345', true],
      [orders[1]!.number, '', false],
    ]);
  });

  it('sends each ticked order with its number, none for an empty field', () => {
    const rows = mergeRows([], orders);
    rows[0]!.selected = true;
    rows[0]!.tracking = ' 1084563291 ';
    rows[1]!.selected = true;
    rows[2]!.tracking = '1084563299';
    expect(shipRequests(rows)).toEqual([
      { number: orders[0]!.number, trackings: ['1084563291'] },
      { number: orders[1]!.number, trackings: [] },
    ]);
  });

  it('sends a scan to the field being typed in, else to the first order without a number', () => {
    const rows = mergeRows([], orders);
    expect(scanTarget(rows, 2)).toBe(2);
    rows[0]!.tracking = '1084563291';
    expect(scanTarget(rows, null)).toBe(1);
    for (const r of rows) r.tracking = 'x';
    expect(scanTarget(rows, null), 'every order has one').toBe(-1);
  });

  it('adds up a hand-over: parcels, weight, and the value per currency', () => {
    const h = reply<HandOver>('shipping', 'close_handover');
    const weight = h.view.parcels.reduce((g, p) => g + p.weight_g, 0);
    expect(handoverTotals(h)).toEqual({
      parcels: 2,
      weight_g: weight,
      value: [{ minor: 332000, currency: 'RUB' }],
    });
  });
});
