// The returns screen as a supervisor meets it, against replies recorded
// from the real core (src/test/backend.ts):
//
// returns.json: 1001 (two mugs PB-0126 and a marked French press PB-0019,
// packed by its DataMatrix code) was shipped with СДЭК 1084563291 in one
// carton. Стол 5 (Ольга, a supervisor): a reference that names nothing is
// refused; the carton's SSCC label finds 1001. One mug comes back broken:
// without a reason it is refused, a refund without its amount too; with
// «разбита» and 450 back to the card it is taken (1001 stays shipped) and
// its return note printed. The tracking number finds 1001 again: the
// press's EAN is refused (its DataMatrix is asked for); the other mug and
// the press by its code go back into their bins, exchanged for the same
// products: 1001 is returned and replacement order 1051 made.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import Returns from './Returns.svelte';
import { routeScan } from '../lib/scan-router';
import { GS } from '../lib/scanner';
import { setLanguage } from '../lib/locale.svelte';
import type { OrderDetail, ReturnReceipt } from '../lib/bindings';
import { endReplay, flow, refusals, replay, replies } from '../test/backend';
import { $, $$, type, choose } from '../test/dom';

const mounted: Record<string, unknown>[] = [];

function show(): HTMLElement {
  const target = document.createElement('div');
  document.body.append(target);
  mounted.push(mount(Returns, { target, props: { changes: { seq: 0, numbers: [] } } }));
  flushSync();
  return target;
}

afterEach(() => {
  for (const c of mounted.splice(0)) void unmount(c);
  document.body.replaceChildren();
  setLanguage('ru');
  endReplay();
});

function submit(el: HTMLElement | null) {
  el!.closest('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  flushSync();
}

async function until(check: () => void) {
  await vi.waitFor(() => {
    flushSync();
    check();
  });
}

const sent = (b: { calls: { cmd: string; args: unknown }[] }, cmd: string) =>
  b.calls.filter((c) => c.cmd === cmd).map((c) => c.args);

// What the recording scanned: the carton's SSCC label, the mug's and the
// press's EANs and the press's DataMatrix code (with its GS).
const found = flow('returns').steps.filter((s) => s.cmd === 'find_return');
const SSCC_LABEL = found[1]!.args.reference as string;
const TRACKING = found[2]!.args.reference as string;
const [MUG, PRESS_EAN, PRESS_CODE] = flow('returns')
  .steps.filter((s) => s.cmd === 'find_products')
  .map((s) => s.args.query as string) as [string, string, string];
const shipped = replies<OrderDetail>('returns', 'order_detail')[0]!;
const [partial, whole] = replies<ReturnReceipt>('returns', 'receive_return') as [
  ReturnReceipt,
  ReturnReceipt,
];
const refused = refusals('returns', 'receive_return').map((r) => r.message);
const binOf = (sku: string) => shipped.lines.find((l) => l.sku === sku)!.bin!;

/** The parcel's label scanned: the order on show. */
async function found1001(label = SSCC_LABEL) {
  const backend = replay('returns');
  const root = show();
  routeScan(label);
  await until(() => expect($(root, 'return-order')?.dataset.number).toBe('1001'));
  return { backend, root };
}

/** An item scanned, its product found. */
async function scanItem(root: HTMLElement, code: string, n: number) {
  routeScan(code);
  await until(() =>
    expect($(root, `return-item-${n}`)?.textContent).not.toContain('Товар ещё не найден'),
  );
}

/** The first return, as recorded: one mug broken, 450 back to the card. */
async function brokenMugRefunded() {
  const made = await found1001();
  const { root } = made;
  await scanItem(root, MUG, 1);
  $(root, 'return-item-1-damaged')!.click();
  flushSync();
  $(root, 'return-outcome-refund')!.click();
  flushSync();
  type($(root, 'return-refund'), '450');
  type($(root, 'return-method'), 'карта');
  return made;
}

describe('the returns screen: finding the order', () => {
  it("says in core's words when a reference names no order", async () => {
    const { calls } = replay('returns');
    const root = show();
    type($(root, 'return-find'), 'NOT-A-PARCEL');
    submit($(root, 'return-find'));
    await until(() => expect($(root, 'return-find-error')).not.toBeNull());
    expect(calls.filter((c) => c.cmd === 'find_return').map((c) => c.args)).toEqual([
      { reference: 'NOT-A-PARCEL' },
    ]);
    expect($(root, 'return-find-error')?.textContent).toContain(
      'no order has the number, tracking number or carton SSCC',
    );
    expect(($(root, 'return-find') as HTMLInputElement).value, 'kept to be mended').toBe(
      'NOT-A-PARCEL',
    );
    expect($(root, 'return-order')).toBeNull();
  });

  it('finds the order by its carton’s SSCC label and shows what it shipped', async () => {
    const { root, backend } = await found1001();
    expect(sent(backend, 'find_return')).toEqual([{ reference: SSCC_LABEL }]);
    expect(sent(backend, 'order_detail')).toEqual([{ number: '1001' }]);
    const order = $(root, 'return-order')!;
    expect(order.textContent).toContain('Иванова Мария');
    expect($(order, 'return-order-status')?.dataset.status).toBe('shipped');
    for (const line of shipped.lines) {
      const row = $(order, `return-line-${line.sku}`)!;
      expect(row.textContent).toContain(line.name);
      expect(row.dataset.shipped).toBe(String(line.packed));
    }
    expect($(root, 'return-shipped-units')?.textContent).toContain('Отправлено штук: 3');
    expect(document.activeElement, 'the items are scanned next').toBe($(root, 'return-scan'));
  });
});

describe('the returns screen: items and outcome', () => {
  it('counts the same barcode twice as two units, and finds each product with its bin', async () => {
    const { root } = await found1001();
    await scanItem(root, MUG, 1);
    routeScan(MUG);
    await until(() => expect(($(root, 'return-item-1-units') as HTMLInputElement).value).toBe('2'));
    expect($$(root, 'return-item-2'), 'one row').toHaveLength(0);
    const row = $(root, 'return-item-1')!;
    expect(row.textContent).toContain('Кружка «Сказка» 250 мл');
    expect(($(root, 'return-item-1-bin') as HTMLSelectElement).value, "the product's bin").toBe(
      binOf('PB-0126'),
    );
    $(root, 'return-item-1-remove')!.click();
    flushSync();
    expect($(root, 'return-items-none')).not.toBeNull();
  });

  it('keeps a marked item’s DataMatrix code as scanned, GS and all, one item per code', async () => {
    const { root } = await found1001();
    expect(PRESS_CODE).toContain(GS);
    await scanItem(root, PRESS_CODE, 1);
    const row = $(root, 'return-item-1')!;
    expect(row.dataset.code, 'the code as the scanner gave it').toBe(PRESS_CODE);
    expect($(root, 'return-item-1-code')?.textContent, 'the GS shown').toContain('⟨GS⟩');
    expect(row.textContent).toContain('French press');
    routeScan(PRESS_CODE);
    await until(() => expect($(root, 'return-item-2')).not.toBeNull());
    expect(
      ($(root, 'return-item-1-units') as HTMLInputElement).value,
      'a marking code is one unit',
    ).toBe('1');
  });

  it('takes a broken mug back with a refund, showing each of core’s refusals on the way', async () => {
    const { root, backend } = await brokenMugRefunded();
    expect($(root, 'return-item-1')?.dataset.condition).toBe('damaged');
    const take = $(root, 'return-take') as HTMLButtonElement;
    expect(take.textContent).toContain('F9');
    take.click();
    await until(() => expect($(root, 'return-error')?.textContent).toContain(refused[0]!));
    type($(root, 'return-item-1-reason'), 'разбита');
    type($(root, 'return-refund'), '');
    take.click();
    await until(() => expect($(root, 'return-error')?.textContent).toContain(refused[1]!));
    type($(root, 'return-refund'), '450');
    take.click();
    await until(() => expect($(root, 'return-receipt')).not.toBeNull());
    const input = (reason: string, refund: string) => ({
      number: '1001',
      input: {
        items: [{ code: MUG, units: 1, condition: 'damaged', bin: null, reason }],
        outcome: 'refund',
        refund,
        method: 'карта',
        note: '',
        exchange: [],
      },
    });
    expect(sent(backend, 'receive_return'), 'what was chosen, as typed').toEqual([
      input('', '450'),
      input('разбита', ''),
      input('разбита', '450'),
    ]);
    const receipt = $(root, 'return-receipt')!;
    expect(receipt.dataset.whole).toBe('false');
    expect($(receipt, 'return-receipt-status')?.textContent).toContain(
      'Вернулась часть заказа; он остаётся «Отправлен»',
    );
    expect(
      $(receipt, 'return-receipt-refund')?.textContent?.replace(/[\u00a0\u202f]/g, ' '),
    ).toContain('Возвращено: 450,00 ₽');
    expect($(receipt, 'return-receipt-exchange')).toBeNull();
    const line = $$(receipt, 'return-receipt-line')[0]!;
    expect(line.textContent).toContain('Брак');
    expect(line.textContent).toContain('разбита');

    $(root, 'return-print')!.click();
    await until(() => expect($(root, 'return-print-status')?.dataset.status).toBe('sent'));
    expect(sent(backend, 'print_return_note')).toEqual([{ returnId: partial.return_id }]);
    expect($(root, 'return-print-status')?.textContent).toContain('VirtualPDF');
  });

  it('exchanges the rest for the same products: the order is returned, a new one made', async () => {
    const { root, backend } = await brokenMugRefunded();
    type($(root, 'return-item-1-reason'), 'разбита');
    $(root, 'return-take')!.click();
    await until(() => expect($(root, 'return-receipt')).not.toBeNull());
    $(root, 'return-print')!.click();
    await until(() => expect($(root, 'return-print-status')).not.toBeNull());
    $(root, 'return-next')!.click();
    flushSync();
    expect($(root, 'return-find'), 'ready for the next parcel').not.toBeNull();

    routeScan(TRACKING);
    await until(() => expect($(root, 'return-order')?.dataset.number).toBe('1001'));
    await scanItem(root, MUG, 1);
    await scanItem(root, PRESS_EAN, 2);
    $(root, 'return-outcome-exchange')!.click();
    flushSync();
    const exchange = $(root, 'return-exchange')!;
    expect(exchange.dataset.same, 'the same products by default').toBe('true');
    expect(($(exchange, 'return-exchange-1-sku') as HTMLInputElement).value, 'as came back').toBe(
      'PB-0126',
    );
    expect(($(exchange, 'return-exchange-2-sku') as HTMLInputElement).value).toBe('PB-0019');
    $(root, 'return-take')!.click();
    await until(() => expect($(root, 'return-error')?.textContent).toContain('DataMatrix'));

    $(root, 'return-item-2-remove')!.click();
    flushSync();
    await scanItem(root, PRESS_CODE, 2);
    expect(($(root, 'return-item-2-bin') as HTMLSelectElement).value).toBe(binOf('PB-0019'));
    $(root, 'return-take')!.click();
    await until(() => expect($(root, 'return-receipt')).not.toBeNull());
    const items = (press: string) => [
      { code: MUG, units: 1, condition: 'resellable', bin: binOf('PB-0126'), reason: '' },
      { code: press, units: 1, condition: 'resellable', bin: binOf('PB-0019'), reason: '' },
    ];
    expect(sent(backend, 'receive_return').slice(-2)).toEqual(
      [PRESS_EAN, PRESS_CODE].map((press) => ({
        number: '1001',
        input: {
          items: items(press),
          outcome: 'exchange',
          refund: null,
          method: '',
          note: '',
          exchange: [],
        },
      })),
    );
    const receipt = $(root, 'return-receipt')!;
    expect(receipt.dataset.whole).toBe('true');
    expect(receipt.dataset.status).toBe('returned');
    expect($(receipt, 'return-receipt-status')?.textContent).toContain(
      'Вернулось всё отправленное: заказ теперь «Возврат»',
    );
    expect($(receipt, 'return-receipt-exchange')?.textContent).toContain(
      `Создан заказ на замену ${whole.exchange_number}`,
    );
    expect(receipt.textContent, 'the code it was sold with came back').toContain('⟨GS⟩');
  });

  it('lets the exchange’s lines be changed, and go back to the same products', async () => {
    const { root } = await found1001();
    await scanItem(root, MUG, 1);
    await scanItem(root, PRESS_CODE, 2);
    $(root, 'return-outcome-exchange')!.click();
    flushSync();
    const exchange = () => $(root, 'return-exchange')!;
    const units = $(root, 'return-exchange-1-units') as HTMLInputElement;
    units.focus();
    type(units, '2');
    expect(exchange().dataset.same, 'changed by hand').toBe('false');
    expect(document.activeElement, 'the field typed in stays').toBe(units);
    $(root, 'return-exchange-add')!.click();
    flushSync();
    type($(root, 'return-exchange-3-sku'), 'PB-0127');
    expect(
      [1, 2, 3].map((n) => ($(root, `return-exchange-${n}-sku`) as HTMLInputElement).value),
    ).toEqual(['PB-0126', 'PB-0019', 'PB-0127']);
    $(root, 'return-exchange-2-remove')!.click();
    flushSync();
    expect($(root, 'return-exchange-3-sku')).toBeNull();
    $(root, 'return-exchange-same')!.click();
    flushSync();
    expect(exchange().dataset.same).toBe('true');
    expect(($(root, 'return-exchange-1-units') as HTMLInputElement).value).toBe('1');
    expect($(root, 'return-exchange-2-sku')).not.toBeNull();
  });

  it('chooses the bin of a resellable item, and asks a reason of a damaged one', async () => {
    const { root } = await found1001();
    await scanItem(root, MUG, 1);
    const other = shipped.lines.find((l) => l.sku !== 'PB-0126')!.bin!;
    choose($(root, 'return-item-1-bin'), other);
    expect(($(root, 'return-item-1-bin') as HTMLSelectElement).value).toBe(other);
    $(root, 'return-item-1-damaged')!.click();
    flushSync();
    expect($(root, 'return-item-1-bin')).toBeNull();
    expect($(root, 'return-item-1-reason')?.getAttribute('placeholder')).toBe(
      'Причина (обязательно)',
    );
    $(root, 'return-item-1-resellable')!.click();
    flushSync();
    expect(($(root, 'return-item-1-bin') as HTMLSelectElement).value, 'kept').toBe(other);
    expect(($(root, 'return-take') as HTMLButtonElement).disabled, 'no outcome yet').toBe(true);
    expect($(root, 'return-outcome')?.textContent).toContain('Ничего не должны');
    setLanguage('en');
    flushSync();
    expect($(root, 'return-outcome-exchange')?.textContent).toContain('Exchange');
    expect($(root, 'return-item-1-resellable')?.textContent).toContain('Resellable');
  });
});
