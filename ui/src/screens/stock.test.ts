// The stock screen as a warehouse worker and a supervisor meet it: the menu
// and what each person is offered, receiving by typing and by scanning,
// a count with its differences and a supervisor's badge, adjustments with
// their reasons, the ledger, the re-order list and its CSV, products and
// bins. Who is signed in (Анна, packer; Мария, supervisor) and the stock
// commands' replies are in the bindings' shape (src/test/stock-replies.ts).

import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import { clearMocks } from '@tauri-apps/api/mocks';
import Stock from './Stock.svelte';
import TopBar from '../components/TopBar.svelte';
import { ipc } from '../lib/ipc';
import { StockStation } from '../lib/stock';
import { SCREEN_KEYS } from '../lib/nav';
import { routeScan } from '../lib/scan-router';
import { setLanguage } from '../lib/locale.svelte';
import { setSignedIn } from '../lib/session.svelte';
import {
  BINS,
  MUG,
  PACKER,
  SUPERVISOR,
  backend,
  received,
  refuse,
  sheet,
} from '../test/stock-replies';
import { $, $$, type, choose } from '../test/dom';
import type { LedgerRow, ProductView, ReorderRow } from '../lib/bindings';

const mounted: Record<string, unknown>[] = [];

function show<P extends Record<string, unknown>>(component: never, props: P): HTMLElement {
  const target = document.createElement('div');
  document.body.append(target);
  mounted.push(mount(component, { target, props }));
  flushSync();
  return target;
}

afterEach(() => {
  for (const c of mounted.splice(0)) void unmount(c);
  document.body.replaceChildren();
  setLanguage('ru');
  setSignedIn(null);
  clearMocks();
});

function press(el: Element | Window, init: KeyboardEventInit) {
  const e = new KeyboardEvent('keydown', { bubbles: true, cancelable: true, ...init });
  el.dispatchEvent(e);
  flushSync();
  return e;
}

function submit(el: HTMLElement | null) {
  const form = el instanceof HTMLFormElement ? el : el!.closest('form')!;
  form.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  flushSync();
}

async function until(check: () => void) {
  await vi.waitFor(() => {
    flushSync();
    check();
  });
}

function screen() {
  const station = new StockStation({ ipc });
  const root = show(Stock as never, { station, changes: { seq: 0, numbers: [] } });
  return { station, root };
}

const text = (el: Element | null | undefined) => el?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
/** A table row as read aloud: its cells one after another. */
const cells = (row: Element | undefined) =>
  [...(row?.querySelectorAll('td') ?? [])].map(text).filter(Boolean).join(' ');

describe('the stock screen', () => {
  it('is on the top bar under F11 for everyone signed in', () => {
    expect(SCREEN_KEYS.F11).toBe('stock');
    setSignedIn(PACKER);
    const who = PACKER;
    const root = show(TopBar as never, {
      info: null,
      who,
      screen: 'stock',
      onNavigate: () => {},
      onLanguage: () => {},
    });
    const tab = root.querySelector<HTMLElement>('[data-screen="stock"]');
    expect(text(tab)).toBe('F11 Склад');
    expect(tab?.getAttribute('aria-current')).toBe('page');
  });

  it('offers a packer the scanning work, and a supervisor adjustments, products and bins too', () => {
    backend({ bins: () => BINS });
    setSignedIn(PACKER);
    const { root } = screen();
    const offered = () =>
      [...root.querySelectorAll('[data-testid^="stock-mode-"]')].map((b) =>
        b.getAttribute('data-testid')!.replace('stock-mode-', ''),
      );
    expect(offered()).toEqual(['receive', 'move', 'count', 'ledger', 'reorder']);
    setSignedIn(SUPERVISOR);
    flushSync();
    expect(offered()).toEqual([
      'receive',
      'move',
      'count',
      'adjust',
      'ledger',
      'reorder',
      'products',
      'bins',
    ]);
  });

  it('picks a mode by its number and goes back to the menu with Esc', async () => {
    backend({ bins: () => BINS });
    setSignedIn(PACKER);
    const { root } = screen();
    press(window, { key: '1' });
    expect($(root, 'screen-stock')?.dataset.mode).toBe('receive');
    await until(() =>
      expect(document.activeElement, 'the scan field has the focus').toBe($(root, 'stock-scan')),
    );
    press(document.activeElement!, { key: 'Escape' });
    expect($(root, 'screen-stock')?.dataset.mode).toBe('menu');
  });
});

describe('receiving goods', () => {
  it('books a typed bin and code at once and lists the receipt', async () => {
    let onHand = 1;
    const b = backend({
      bins: () => BINS,
      receive_stock: (a) => received(6 * (a.times as number), (onHand += 6 * (a.times as number))),
    });
    setSignedIn(PACKER);
    const { root } = screen();
    $(root, 'stock-mode-receive')!.click();
    flushSync();
    expect(text($(root, 'scan-banner'))).toContain('Отсканируйте этикетку ячейки');

    type($(root, 'stock-scan'), 'C-01');
    submit($(root, 'stock-scan'));
    await until(() => expect($(root, 'stock-bin')?.dataset.bin).toBe('C-01'));

    type($(root, 'stock-times'), '2');
    type($(root, 'stock-scan'), '14006381333938');
    submit($(root, 'stock-scan'));
    await until(() =>
      expect(text($(root, 'scan-banner'))).toContain(
        'Кружка «Утро» (PB-001): +12 в C-01, теперь там 13',
      ),
    );
    expect(b.sent('receive_stock')).toMatchObject([
      { bin: 'C-01', code: '14006381333938', times: 2 },
    ]);
    expect(($(root, 'stock-times') as HTMLInputElement).value, 'times go back to 1').toBe('1');
    expect($$(root, 'receipt').map(cells)).toEqual([
      expect.stringContaining('PB-001 Кружка «Утро» +12 C-01 13'),
    ]);
    expect($(root, 'scan-banner')?.dataset.tone).toBe('good');
  });

  it('takes a scanner burst wherever the focus is, each with its own scan id', async () => {
    let onHand = 1;
    const b = backend({
      bins: () => BINS,
      receive_stock: () => received(1, ++onHand),
    });
    setSignedIn(PACKER);
    const { root } = screen();
    $(root, 'stock-mode-receive')!.click();
    flushSync();
    expect(routeScan('C-01'), 'the stock screen takes scans').toBe(true);
    routeScan('4006381333931');
    routeScan('4006381333931');
    await until(() => expect($$(root, 'receipt')).toHaveLength(2));
    const ids = b.sent('receive_stock').map((a) => a.scanId);
    expect(new Set(ids).size, 'two scans of one code are two bookings').toBe(2);
  });

  it("shows core's refusal in the banner, in red, as core said it", async () => {
    backend({
      bins: () => BINS,
      receive_stock: () =>
        refuse(
          'invalid',
          'no product carries "4600000000000" as a barcode or SKU; check the label, or add the barcode to the product',
        ),
    });
    setSignedIn(PACKER);
    setLanguage('en');
    const { root } = screen();
    $(root, 'stock-mode-receive')!.click();
    flushSync();
    routeScan('C-01');
    routeScan('4600000000000');
    await until(() => expect($(root, 'scan-banner')?.dataset.tone).toBe('bad'));
    expect(text($(root, 'scan-banner'))).toContain(
      'Invalid input: no product carries "4600000000000" as a barcode or SKU',
    );
    expect($$(root, 'receipt')).toHaveLength(0);
  });

  it('leaves scans alone outside the scanning modes', () => {
    backend({ bins: () => BINS, reorder: () => [] });
    setSignedIn(PACKER);
    const { root } = screen();
    expect(routeScan('4006381333931'), 'on the menu a scan is not taken').toBe(false);
    $(root, 'stock-mode-reorder')!.click();
    flushSync();
    expect(routeScan('4006381333931')).toBe(false);
  });
});

describe('counting a bin', () => {
  it('shows books, counted and difference, the differences marked, and approves with a badge', async () => {
    let counted = 0;
    const approvals: unknown[] = [];
    // Another counter at the bin found a kettle the books do not know.
    const lines = (): [string, number, number, number][] =>
      counted
        ? [
            ['PB-001', 10, 4, counted],
            ['PB-002', 0, 0, 1],
          ]
        : [['PB-001', 10, 4, 0]];
    backend({
      bins: () => BINS,
      start_count: () => sheet(7, 'open', lines()),
      count_scan: () => {
        counted += 6;
        return sheet(7, 'open', lines());
      },
      count_sheet: () => sheet(7, 'open', lines()),
      approve_count: (a) => {
        approvals.push(a.approval);
        if (!a.approval) {
          refuse(
            'needs_approval',
            "approving a cycle count needs a supervisor's approval: ask a supervisor to enter their PIN or scan their badge",
          );
        }
        return sheet(7, 'approved', lines());
      },
    });
    setSignedIn(PACKER);
    const { root } = screen();
    press(window, { key: '3' });
    expect(text($(root, 'scan-banner'))).toContain('ячейки для пересчёта');
    routeScan('A-02');
    await until(() => expect($(root, 'count-sheet')?.dataset.state).toBe('open'));
    routeScan('14006381333938');
    await until(() => expect($$(root, 'count-line')).toHaveLength(2));
    const [mug, kettle] = $$(root, 'count-line');
    expect(mug?.dataset.difference).toBe('-4');
    expect(mug?.classList.contains('less')).toBe(true);
    expect(cells(mug)).toBe('PB-001 Кружка «Утро» 10 4 6 ▼ −4 меньше, чем по учёту');
    expect(kettle?.classList.contains('more')).toBe(true);
    expect(text($(root, 'count-differences'))).toBe('Строк с расхождением: 2');

    press(window, { key: 'F9' });
    await until(() => expect($(root, 'approval-dialog')).not.toBeNull());
    expect(text($(root, 'approval-dialog'))).toContain('Утвердить пересчёт: нужен старший смены');
    expect(routeScan('SV-0001'), 'a badge scanned goes to the dialog').toBe(true);
    await until(() => expect($(root, 'count-sheet')?.dataset.state).toBe('approved'));
    expect(approvals).toEqual([null, { kind: 'badge', code: 'SV-0001' }]);
    expect($(root, 'approval-dialog')).toBeNull();
    expect(text($(root, 'scan-banner'))).toContain(
      'Пересчёт 7 ячейки A-02 утверждён: расхождения проведены',
    );
    expect($(root, 'count-approve'), 'an approved count cannot be approved again').toBeNull();
    expect(
      text($(root, 'count-differences')),
      'the sheet keeps the differences it booked, not the bin as it now is',
    ).toBe('Проведено этим пересчётом. Строк с расхождением: 2');
    expect($$(root, 'count-line')[0]?.dataset.difference).toBe('-4');
  });
});

describe('adjustments (supervisors)', () => {
  it('books units with a reason and shows core’s refusal of a wrong sign', async () => {
    const b = backend({
      bins: () => BINS,
      adjust_stock: (a) => {
        if ((a.delta as number) > 0 && a.reason === 'damaged') {
          refuse('invalid', '"damaged" takes away stock; give the number with a minus sign');
        }
        return {
          product: MUG,
          units: a.delta,
          bins: [{ bin: 'A-02', on_hand: 8, reserved: 4 }],
          duplicate: false,
          message: 'Кружка «Утро» (PB-001): -2 in A-02 (damaged), 8 there now',
        };
      },
    });
    setSignedIn(SUPERVISOR);
    const { root } = screen();
    $(root, 'stock-mode-adjust')!.click();
    flushSync();
    const reasons = [...root.querySelectorAll('[data-testid="adjust-reason"] option')].map(text);
    expect(reasons).toHaveLength(6);
    expect(reasons).toContain('Брак, повреждение (списывает)');
    expect(reasons).toContain('Найдено (добавляет)');

    type($(root, 'adjust-bin'), 'A-02');
    type($(root, 'adjust-code'), 'PB-001');
    type($(root, 'adjust-delta'), '2');
    choose($(root, 'adjust-reason'), 'damaged');
    submit($(root, 'stock-adjust'));
    await until(() =>
      expect(text($(root, 'adjust-result'))).toBe(
        '✖ Неверные данные: "damaged" takes away stock; give the number with a minus sign',
      ),
    );

    type($(root, 'adjust-delta'), '-2');
    type($(root, 'adjust-note'), 'разбита при разгрузке');
    submit($(root, 'stock-adjust'));
    await until(() =>
      expect(text($(root, 'adjust-result'))).toBe(
        '✔ Кружка «Утро» (PB-001): -2 в A-02 (Брак, повреждение), теперь там 8',
      ),
    );
    expect(b.sent('adjust_stock').at(-1)).toEqual({
      bin: 'A-02',
      code: 'PB-001',
      delta: -2,
      reason: 'damaged',
      note: 'разбита при разгрузке',
    });
    expect($$(root, 'adjustment')).toHaveLength(1);
  });
});

describe('the ledger and the re-order list', () => {
  const row = (over: Partial<LedgerRow>): LedgerRow => ({
    id: 1,
    at: Date.UTC(2025, 10, 28, 9, 0),
    sku: 'PB-001',
    name: MUG.name,
    bin: 'A-02',
    delta: 6,
    kind: 'received',
    reason: 'received',
    order_number: null,
    user_name: 'Анна Смирнова',
    station: 'Станция 2',
    note: null,
    count_id: null,
    ...over,
  });

  it('shows the last 100 movements, narrowed by bin', async () => {
    const b = backend({
      bins: () => BINS,
      stock_ledger: (a) =>
        (a.filter as { bin: string | null }).bin
          ? [row({ id: 3, delta: -6, kind: 'moved', reason: 'to C-01' })]
          : [
              row({ id: 3, delta: -6, kind: 'moved', reason: 'to C-01' }),
              row({ id: 2, delta: -1, kind: 'adjusted', reason: 'damaged', note: 'скол' }),
              row({
                id: 1,
                bin: 'B-10',
                delta: 4,
                kind: 'counted',
                reason: 'cycle count 7',
                count_id: 7,
              }),
            ],
    });
    setSignedIn(PACKER);
    const { root } = screen();
    $(root, 'stock-mode-ledger')!.click();
    await until(() => expect($$(root, 'ledger-row')).toHaveLength(3));
    expect(b.sent('stock_ledger')[0]).toEqual({ filter: { sku: null, bin: null, limit: 100 } });
    const rows = $$(root, 'ledger-row').map(cells);
    expect(rows[0]).toContain('A-02 −6 Перемещение → C-01');
    expect(rows[1]).toContain('−1 Корректировка Брак, повреждение');
    expect(rows[1]).toContain('скол');
    expect(rows[2]).toContain('+4 Пересчёт № 7');

    type($(root, 'ledger-bin'), 'A-02');
    submit($(root, 'ledger-bin'));
    await until(() => expect($$(root, 'ledger-row')).toHaveLength(1));
    expect(b.sent('stock_ledger')[1]).toEqual({ filter: { sku: null, bin: 'A-02', limit: 100 } });
  });

  it('lists what to re-order for 14 days by default, urgent rows marked, and saves the CSV', async () => {
    const rows: ReorderRow[] = [
      {
        sku: 'PB-002',
        name: 'Чайник 1.7 л',
        on_hand: 1,
        reserved: 1,
        free: 0,
        low_stock: 2,
        sold_30d: 9,
        days_of_cover: 0,
        urgent: true,
      },
      {
        sku: 'PB-001',
        name: MUG.name,
        on_hand: 6,
        reserved: 0,
        free: 6,
        low_stock: null,
        sold_30d: 4,
        days_of_cover: 45,
        urgent: false,
      },
    ];
    const b = backend({
      bins: () => BINS,
      reorder: (a) =>
        a.coverDays === 400 ? refuse('invalid', 'days of cover are 1 to 365, not 400') : rows,
      save_reorder_csv: () => '/home/anna/Downloads/packbench-reorder-20251128-100000.csv',
    });
    setSignedIn(PACKER);
    const { root } = screen();
    $(root, 'stock-mode-reorder')!.click();
    await until(() => expect($$(root, 'reorder-row')).toHaveLength(2));
    expect(b.sent('reorder')[0]).toEqual({ coverDays: 14 });
    const [kettle, mug] = $$(root, 'reorder-row');
    expect(kettle?.dataset.urgent).toBe('true');
    expect(text(kettle)).toContain('⚠ Срочно');
    expect(text(mug)).not.toContain('Срочно');

    $(root, 'reorder-csv')!.click();
    await until(() =>
      expect(text($(root, 'reorder-saved'))).toBe(
        '✔ Сохранено: /home/anna/Downloads/packbench-reorder-20251128-100000.csv',
      ),
    );
    expect(b.sent('save_reorder_csv')).toEqual([{ coverDays: 14 }]);

    type($(root, 'reorder-days'), '400');
    submit($(root, 'reorder-days'));
    await until(() =>
      expect(text($(root, 'reorder-error'))).toBe(
        '✖ Неверные данные: days of cover are 1 to 365, not 400',
      ),
    );
  });
});

describe('products and bins (supervisors)', () => {
  const mug: ProductView = {
    id: 1,
    sku: 'PB-001',
    name: MUG.name,
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

  it('finds a product, adds a scanned case barcode and saves the whole list', async () => {
    const b = backend({
      bins: () => BINS,
      find_products: () => [{ sku: 'PB-001', name: MUG.name, free: 6 }],
      product: () => mug,
      save_product: (a) => ({ ...mug, ...(a.product as object), stock: mug.stock }),
    });
    setSignedIn(SUPERVISOR);
    const { root } = screen();
    $(root, 'stock-mode-products')!.click();
    flushSync();
    type($(root, 'product-query'), 'круж');
    submit($(root, 'product-query'));
    await until(() => expect($(root, 'product-form')).not.toBeNull());
    expect(($(root, 'product-sku') as HTMLInputElement).readOnly, 'a SKU is not changed').toBe(
      true,
    );
    expect($$(root, 'product-barcode').map((e) => e.dataset.code)).toEqual([
      '4006381333931',
      '14006381333938',
    ]);
    expect(routeScan('24006381333935'), 'a scan lands in the focused field').toBe(false);

    type($(root, 'product-new-code'), '24006381333935');
    type($(root, 'product-new-units'), '24');
    press($(root, 'product-new-units')!, { key: 'Enter' });
    type($(root, 'product-low'), '5');
    $(root, 'product-marked')!.click();
    flushSync();
    submit($(root, 'product-form'));
    await until(() => expect(text($(root, 'product-result'))).toBe('✔ Товар PB-001 сохранён'));
    setLanguage('en');
    flushSync();
    expect(text($(root, 'product-result')), 'said again in the language switched to').toBe(
      '✔ Product PB-001 saved',
    );
    const [sent] = b.sent('save_product');
    expect(sent?.product).toEqual({
      sku: 'PB-001',
      name: MUG.name,
      category: 'Посуда',
      weight_g: 350,
      default_bin: 'A-02',
      low_stock: 5,
      marked: true,
      barcodes: [
        { code: '4006381333931', units: 1 },
        { code: '14006381333938', units: 6 },
        { code: '24006381333935', units: 24 },
      ],
    });
  });

  it('adds a new product and shows core’s refusal of a SKU that exists', async () => {
    backend({
      bins: () => BINS,
      save_product: () => refuse('invalid', 'product PB-001 exists already; edit it instead'),
    });
    setSignedIn(SUPERVISOR);
    const { root } = screen();
    $(root, 'stock-mode-products')!.click();
    flushSync();
    $(root, 'product-new')!.click();
    await until(() => expect($(root, 'product-form')?.dataset.new).toBe('true'));
    type($(root, 'product-sku'), 'PB-001');
    type($(root, 'product-name'), 'Кружка');
    submit($(root, 'product-form'));
    await until(() =>
      expect(text($(root, 'product-result'))).toBe(
        '✖ Неверные данные: product PB-001 exists already; edit it instead',
      ),
    );
  });

  it('adds a bin and the receiving page knows it at once', async () => {
    const added = [
      ...BINS,
      { code: 'D-01', name: 'Паллета у ворот', products: 0, on_hand: 0, reserved: 0 },
    ];
    const b = backend({ bins: () => BINS, save_bin: () => added });
    setSignedIn(SUPERVISOR);
    const { root, station } = screen();
    $(root, 'stock-mode-bins')!.click();
    await until(() => expect($$(root, 'bin-row')).toHaveLength(3));
    type($(root, 'bin-code'), 'D-01');
    type($(root, 'bin-name'), 'Паллета у ворот');
    submit($(root, 'bin-form'));
    await until(() => expect($$(root, 'bin-row')).toHaveLength(4));
    expect(b.sent('save_bin')).toEqual([{ code: 'D-01', name: 'Паллета у ворот' }]);
    expect(text($(root, 'bin-result'))).toBe('✔ Ячейка D-01 сохранена');
    expect(station.binOf('d-01')).toBe('D-01');
  });
});
