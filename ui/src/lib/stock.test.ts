// The stock station as a warehouse worker meets it: a bin label, then goods,
// each scan booked at once with its own id; moves between bins; a bin
// counted and approved by a supervisor. No stock fixtures are recorded yet
// (src-tauri/tests/recorder has no stock flow), so core's replies are
// written here by hand in the exact shape of the generated bindings, with
// core's own words (core/src/ops/stock_control.rs) for its refusals.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { clearMocks } from '@tauri-apps/api/mocks';
import { ipc } from './ipc';
import {
  ADJUST_REASONS,
  StockStation,
  countedLine,
  draftOf,
  modesFor,
  parseWhole,
  productInput,
} from './stock';
import { messages, translate } from './i18n';
import type { ApprovalPrompt } from './approval';
import type { Credential, Op, ProductView } from './bindings';
import { BINS, MUG, backend, received, refuse, sheet } from '../test/stock-replies';

function station(prompt?: ApprovalPrompt) {
  const sound = vi.fn();
  let n = 0;
  const s = new StockStation({
    ipc,
    sound,
    newScanId: () => `scan-${++n}`,
    approval: prompt,
    now: () => Date.UTC(2025, 10, 28, 10, 0),
  });
  return { s, sound };
}

afterEach(() => clearMocks());

describe('receiving', () => {
  it('takes a bin label first, then books every scan at once into that bin', async () => {
    let onHand = 1;
    const b = backend({
      bins: () => BINS,
      receive_stock: (a) => received(6 * (a.times as number), (onHand += 6 * (a.times as number))),
    });
    const { s, sound } = station();
    s.setMode('receive');
    await s.scan('c-01');
    expect(s.state.bin, 'a bin label is read whatever its case, as core spells it').toBe('C-01');
    expect(b.sent('receive_stock'), 'a bin label books nothing').toEqual([]);

    await s.scan('14006381333938');
    await s.scan('14006381333938', 2);
    expect(b.sent('receive_stock')).toEqual([
      { bin: 'C-01', code: '14006381333938', times: 1, scanId: 'scan-1' },
      { bin: 'C-01', code: '14006381333938', times: 2, scanId: 'scan-2' },
    ]);
    expect(s.state.receipts.map((r) => [r.sku, r.units, r.bins[0]?.on_hand])).toEqual([
      ['PB-001', 12, 19],
      ['PB-001', 6, 7],
    ]);
    const banner = s.state.banner!;
    expect(banner.tone).toBe('good');
    expect(translate('ru', banner.msg.key, banner.msg.params)).toBe(
      'Кружка «Утро» (PB-001): +12 в C-01, теперь там 19',
    );
    expect(translate('en', banner.msg.key, banner.msg.params)).toBe(
      'Кружка «Утро» (PB-001): +12 into C-01, 19 there now',
    );
    expect(sound).toHaveBeenLastCalledWith('good');
  });

  it('refuses goods scanned before any bin, without booking them anywhere', async () => {
    const b = backend({ bins: () => BINS });
    const { s, sound } = station();
    s.setMode('receive');
    await s.scan('4006381333931');
    expect(b.sent('receive_stock')).toEqual([]);
    expect(s.state.banner).toMatchObject({ tone: 'bad', outcome: 'scan_bin_first' });
    expect(sound).toHaveBeenLastCalledWith('bad');
    expect(b.sent('bins').length, 'the bins are read again: one may have been added').toBe(2);
  });

  it("says a scanner's retry was counted once and does not list it twice", async () => {
    backend({
      bins: () => BINS,
      receive_stock: () => ({
        ...received(1, 2),
        duplicate: true,
        message: 'scan scan-1 was booked before; counted once',
      }),
    });
    const { s } = station();
    s.setMode('receive');
    await s.scan('C-01');
    await s.scan('4006381333931');
    expect(s.state.receipts).toEqual([]);
    expect(s.state.banner).toMatchObject({ tone: 'info', outcome: 'duplicate' });
  });

  it("shows core's refusal in its own words", async () => {
    backend({
      bins: () => BINS,
      receive_stock: () =>
        refuse(
          'invalid',
          'no product carries "4600000000000" as a barcode or SKU; check the label, or add the barcode to the product',
        ),
    });
    const { s, sound } = station();
    s.setMode('receive');
    await s.scan('C-01');
    await s.scan('4600000000000');
    const msg = s.state.banner!.msg;
    expect(translate('ru', msg.key, msg.params)).toBe(
      'Неверные данные: no product carries "4600000000000" as a barcode or SKU; check the label, or add the barcode to the product',
    );
    expect(sound).toHaveBeenLastCalledWith('bad');
    expect(s.state.bin, 'the bin stays for the next scan').toBe('C-01');
  });

  it('books scans in the order scanned, however quick', async () => {
    const order: string[] = [];
    backend({
      bins: () => BINS,
      receive_stock: async (a) => {
        await new Promise((r) => setTimeout(r, a.code === 'PB-001' ? 20 : 0));
        order.push(a.code as string);
        return received(1, order.length + 1);
      },
    });
    const { s } = station();
    s.setMode('receive');
    void s.scan('C-01');
    void s.scan('PB-001');
    await s.scan('PB-002');
    expect(order).toEqual(['PB-001', 'PB-002']);
    expect(s.state.receipts).toHaveLength(2);
  });
});

describe('moving', () => {
  it('takes the bin goods come from, the bin they go to, then the goods', async () => {
    const b = backend({
      bins: () => BINS,
      move_stock: () => ({
        product: MUG,
        units: 6,
        bins: [
          { bin: 'A-02', on_hand: 4, reserved: 4 },
          { bin: 'C-01', on_hand: 7, reserved: 0 },
        ],
        duplicate: false,
        message: 'Кружка «Утро» (PB-001): 6 moved from A-02 to C-01',
      }),
    });
    const { s } = station();
    s.setMode('move');
    await s.scan('A-02');
    await s.scan('C-01');
    expect([s.state.from, s.state.to]).toEqual(['A-02', 'C-01']);
    await s.scan('4006381333931', 6);
    expect(b.sent('move_stock')).toEqual([
      { from: 'A-02', to: 'C-01', code: '4006381333931', times: 6, scanId: 'scan-1' },
    ]);
    const msg = s.state.banner!.msg;
    expect(translate('ru', msg.key, msg.params)).toBe(
      'Кружка «Утро» (PB-001): перенесено 6, A-02 → C-01; в A-02 осталось 4, в C-01 теперь 7',
    );
    expect(s.state.moves).toHaveLength(1);
  });

  it('shows why core would not move reserved units, as core says it', async () => {
    backend({
      bins: () => BINS,
      move_stock: () =>
        refuse(
          'refused',
          'bin A-02 holds 10 of PB-001 (Кружка «Утро»), 4 of them reserved for orders: move at most 6, not 7',
        ),
    });
    const { s } = station();
    s.setMode('move');
    await s.scan('A-02');
    await s.scan('C-01');
    await s.scan('PB-001', 7);
    const msg = s.state.banner!.msg;
    expect(s.state.banner!.tone).toBe('bad');
    expect(translate('en', msg.key, msg.params)).toContain(
      'bin A-02 holds 10 of PB-001 (Кружка «Утро»), 4 of them reserved for orders: move at most 6, not 7',
    );
    expect(s.state.moves).toEqual([]);
  });

  it('starts a new move when a bin is scanned after both are set', async () => {
    backend({ bins: () => BINS });
    const { s } = station();
    s.setMode('move');
    await s.scan('A-02');
    await s.scan('C-01');
    await s.scan('B-10');
    expect([s.state.from, s.state.to]).toEqual(['B-10', null]);
  });
});

describe('counting a bin', () => {
  it('starts the count on a bin label, counts each scan and names the line that changed', async () => {
    let counted = 0;
    const b = backend({
      bins: () => BINS,
      start_count: () => sheet(7, 'open', [['PB-001', 10, 4, 0]]),
      count_scan: (a) => {
        counted += 6 * (a.times as number);
        return sheet(7, 'open', [['PB-001', 10, 4, counted]]);
      },
      count_sheet: () => sheet(7, 'open', [['PB-001', 10, 4, counted]]),
    });
    const { s } = station();
    s.setMode('count');
    await s.scan('A-02');
    expect(b.sent('start_count')).toEqual([{ bin: 'A-02' }]);
    await s.scan('14006381333938');
    expect(b.sent('count_scan')).toEqual([
      { id: 7, code: '14006381333938', times: 1, scanId: 'scan-1' },
    ]);
    expect(s.state.lastSku).toBe('PB-001');
    const msg = s.state.banner!.msg;
    expect(translate('ru', msg.key, msg.params)).toBe(
      'Кружка «Утро» (PB-001): посчитано 6, по учёту 10',
    );
  });

  it('asks a supervisor when core wants one, and goes again with the badge', async () => {
    const asked: string[] = [];
    const prompt: ApprovalPrompt = {
      ask: (r) => {
        asked.push(r.message);
        return Promise.resolve({ kind: 'badge', code: 'SV-0001' });
      },
      close: vi.fn(),
    };
    const approvals: (Credential | null)[] = [];
    backend({
      bins: () => BINS,
      start_count: () => sheet(7, 'open', [['PB-001', 10, 4, 8]]),
      count_sheet: () => sheet(7, 'open', [['PB-001', 10, 4, 8]]),
      approve_count: (a) => {
        approvals.push(a.approval as Credential | null);
        if (!a.approval) {
          refuse(
            'needs_approval',
            "approving a cycle count needs a supervisor's approval: ask a supervisor to enter their PIN or scan their badge",
          );
        }
        return sheet(7, 'approved', [['PB-001', 10, 4, 8]]);
      },
    });
    const { s } = station(prompt);
    s.setMode('count');
    await s.scan('A-02');
    await s.approveCount();
    expect(approvals).toEqual([null, { kind: 'badge', code: 'SV-0001' }]);
    expect(asked[0]).toContain('approving a cycle count');
    expect(s.state.sheet?.count.state).toBe('approved');
    expect(s.state.banner).toMatchObject({ tone: 'done', outcome: 'approved' });
  });

  it('leaves the count open when nobody approves', async () => {
    backend({
      bins: () => BINS,
      start_count: () => sheet(7, 'open', [['PB-001', 10, 4, 8]]),
      count_sheet: () => sheet(7, 'open', [['PB-001', 10, 4, 8]]),
      approve_count: () =>
        refuse(
          'needs_approval',
          "approving a cycle count needs a supervisor's approval: ask a supervisor to enter their PIN or scan their badge",
        ),
    });
    const { s } = station({ ask: () => Promise.resolve(null), close: () => {} });
    s.setMode('count');
    await s.scan('A-02');
    await s.approveCount();
    expect(s.state.sheet?.count.state).toBe('open');
    expect(s.state.banner).toMatchObject({ tone: 'info', outcome: 'not_approved' });
  });

  it('cancels a count: nothing booked, the sheet says cancelled', async () => {
    const b = backend({
      bins: () => BINS,
      start_count: () => sheet(7, 'open', [['PB-001', 10, 4, 8]]),
      count_sheet: () => sheet(7, 'open', [['PB-001', 10, 4, 8]]),
      cancel_count: () => sheet(7, 'cancelled', [['PB-001', 10, 4, 8]]),
    });
    const { s } = station();
    s.setMode('count');
    await s.scan('A-02');
    await s.cancelCount();
    expect(b.sent('cancel_count')).toEqual([{ id: 7 }]);
    expect(s.state.sheet?.count.state).toBe('cancelled');
    expect(b.sent('approve_count')).toEqual([]);
  });

  it('finds the line a scan changed, a product new to the bin too', () => {
    const before = sheet(7, 'open', [['PB-001', 10, 4, 2]]);
    const after = sheet(7, 'open', [
      ['PB-001', 10, 4, 2],
      ['PB-002', 0, 0, 1],
    ]);
    expect(countedLine(before, after)?.sku).toBe('PB-002');
    expect(countedLine(after, after), 'a retried scan changes nothing').toBeNull();
  });
});

describe('what the stock screen offers and reads', () => {
  const mayOf = (ops: Op[]) => (op: Op) => ops.includes(op);

  it('offers a packer receiving, moving and counting but not adjustments or products', () => {
    expect(modesFor(mayOf(['receive_stock', 'move_stock', 'count_stock']))).toEqual([
      'receive',
      'move',
      'count',
      'ledger',
      'reorder',
    ]);
    expect(
      modesFor(
        mayOf(['receive_stock', 'move_stock', 'count_stock', 'adjust_stock', 'edit_products']),
      ),
      'a supervisor gets everything',
    ).toHaveLength(8);
  });

  it('names the six reasons of an adjustment in both languages', () => {
    expect([...ADJUST_REASONS].sort()).toEqual(
      ['correction', 'damaged', 'expired', 'found', 'lost', 'sample'].sort(),
    );
    for (const r of ADJUST_REASONS) {
      expect(messages.ru[`stock.reason.${r}`]).toBeTruthy();
      expect(messages.en[`stock.reason.${r}`]).toBeTruthy();
    }
  });

  it('reads whole numbers as typed, leaving their range to core', () => {
    expect(parseWhole(' 12 ')).toBe(12);
    expect(parseWhole('-3')).toBe(-3);
    expect(parseWhole('−3'), 'a typographic minus').toBe(-3);
    expect(parseWhole('+2')).toBe(2);
    expect(parseWhole('0')).toBe(0);
    expect(parseWhole('1,5')).toBeNull();
    expect(parseWhole('')).toBeNull();
  });

  it("sends a product's whole barcode list, numbers read from the form", () => {
    const view: ProductView = {
      id: 1,
      sku: 'PB-001',
      name: 'Кружка «Утро»',
      weight_g: 350,
      default_bin: 'A-02',
      category: 'Посуда',
      low_stock: null,
      marked: false,
      barcodes: [
        { code: '4006381333931', units: 1 },
        { code: '14006381333938', units: 6 },
      ],
      stock: [['A-02', 10, 4]],
    };
    const d = draftOf(view);
    d.lowStock = '5';
    d.barcodes = d.barcodes.filter((b) => b.units === 6);
    expect(productInput(d)).toEqual({
      input: {
        sku: 'PB-001',
        name: 'Кружка «Утро»',
        category: 'Посуда',
        weight_g: 350,
        default_bin: 'A-02',
        low_stock: 5,
        marked: false,
        barcodes: [{ code: '14006381333938', units: 6 }],
      },
    });
    expect(productInput({ ...d, weight: '0,35' })).toEqual({ field: 'weight' });
    expect(productInput({ ...d, lowStock: '' })).toMatchObject({ input: { low_stock: null } });
  });
});
