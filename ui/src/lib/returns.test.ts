// What the returns screen sends, worked out from what the person scanned
// and chose, with the order and products of the recorded flow (returns.json).

import { describe, expect, it } from 'vitest';
import {
  badUnits,
  defaultBin,
  isMarkingCode,
  productOf,
  returnInput,
  sameAsBack,
  showCode,
  withScan,
  type ItemRow,
} from './returns';
import { GS } from './scanner';
import type { OrderDetail, ProductMatch } from './bindings';
import { flow, replies, reply } from '../test/backend';

const order = reply<OrderDetail>('returns', 'order_detail');
const [mug, press] = replies<ProductMatch[]>('returns', 'find_products').map((r) => r[0]!) as [
  ProductMatch,
  ProductMatch,
];
const [MUG, , PRESS_CODE] = flow('returns')
  .steps.filter((s) => s.cmd === 'find_products')
  .map((s) => s.args.query as string) as [string, string, string];

let key = 0;
function row(code: string, patch: Partial<ItemRow> = {}): ItemRow {
  return {
    key: ++key,
    code,
    units: '1',
    condition: 'resellable',
    bin: '',
    reason: '',
    product: null,
    ...patch,
  };
}

const fresh = () => ({
  key: ++key,
  units: '1',
  condition: 'resellable' as const,
  bin: '',
  reason: '',
  product: null,
});

describe('returned items', () => {
  it('counts a plain barcode again as one more unit, and every marking code as an item', () => {
    let items: ItemRow[] = [];
    items = withScan(items, MUG, fresh).items;
    items = withScan(items, MUG, fresh).items;
    expect(items.map((i) => [i.code, i.units])).toEqual([[MUG, '2']]);
    items = withScan(items, PRESS_CODE, fresh).items;
    const again = withScan(items, PRESS_CODE, fresh);
    expect(again.items, 'each marked unit carries its own code').toHaveLength(3);
    expect(again.changed, 'the new row is the one that changed').toBe(again.items[2]!.key);
  });

  it('tells a marking code by its GS, and shows the GS to people', () => {
    expect(isMarkingCode(PRESS_CODE)).toBe(true);
    expect(isMarkingCode(MUG)).toBe(false);
    expect(showCode(`0104607420039854215Qbag!${GS}93dGVz`)).toBe(
      '0104607420039854215Qbag!⟨GS⟩93dGVz',
    );
  });

  it("takes core's product for a scan: the one a barcode names, or the SKU typed", () => {
    expect(productOf(MUG, [mug])).toEqual(mug);
    expect(productOf('pb-0019', [mug, press]), 'typed SKU, any case').toEqual(press);
    expect(productOf('кружка', [mug, press]), 'words match several: none').toBeNull();
  });

  it("offers the product's own bin, else the bin chosen last", () => {
    const mugBin = order.lines.find((l) => l.sku === mug.sku)!.bin;
    expect(defaultBin(order, mug, 'Z-9')).toBe(mugBin);
    expect(defaultBin(order, null, 'Z-9')).toBe('Z-9');
  });

  it('finds units that are not whole numbers before anything is sent', () => {
    const rows = [row(MUG, { units: '2' }), row(MUG, { units: '1,5' }), row(MUG, { units: '' })];
    expect(badUnits(rows)).toEqual([rows[1]!.key, rows[2]!.key]);
  });
});

describe('what "Take the return" sends', () => {
  const items = [
    row(MUG, {
      units: '2',
      condition: 'damaged',
      bin: 'C-03-2',
      reason: ' разбита ',
      product: mug,
    }),
    row(PRESS_CODE, { bin: 'D-03-3', reason: 'left over', product: press }),
  ];

  it('sends a bin only for a resellable item, a reason only for a damaged one, codes as scanned', () => {
    const input = returnInput({
      items,
      outcome: 'repair',
      refund: '100',
      method: 'карта',
      note: ' ',
      exchange: null,
    });
    expect(input).toEqual({
      items: [
        { code: MUG, units: 2, condition: 'damaged', bin: null, reason: 'разбита' },
        { code: PRESS_CODE, units: 1, condition: 'resellable', bin: 'D-03-3', reason: '' },
      ],
      outcome: 'repair',
      refund: null,
      method: '',
      note: '',
      exchange: [],
    });
  });

  it('sends the refund as typed, with its method, only for a refund', () => {
    const input = returnInput({
      items,
      outcome: 'refund',
      refund: ' 1 500,50 ',
      method: 'наличные',
      note: 'клиент ждал',
      exchange: [{ key: 1, sku: 'PB-0126', units: '1' }],
    });
    expect(input).toMatchObject({ refund: '1 500,50', method: 'наличные', note: 'клиент ждал' });
    expect(input.exchange, 'replacement lines only for an exchange').toEqual([]);
  });

  it('leaves an exchange’s lines to core until they are changed, then sends them', () => {
    expect(sameAsBack(items), 'the same products as came back').toEqual([
      { sku: mug.sku, units: 2 },
      { sku: press.sku, units: 1 },
    ]);
    const same = returnInput({
      items,
      outcome: 'exchange',
      refund: '',
      method: '',
      note: '',
      exchange: null,
    });
    expect(same.exchange, 'empty: core sends the same products').toEqual([]);
    const changed = returnInput({
      items,
      outcome: 'exchange',
      refund: '',
      method: '',
      note: '',
      exchange: [
        { key: 1, sku: ' PB-0127 ', units: '2' },
        { key: 2, sku: press.sku, units: '1' },
      ],
    });
    expect(changed.exchange).toEqual([
      { sku: 'PB-0127', units: 2 },
      { sku: press.sku, units: 1 },
    ]);
  });
});
