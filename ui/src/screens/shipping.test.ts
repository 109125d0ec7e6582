// The shipping screen as a packer meets it, against replies recorded from
// the real core (src/test/backend.ts):
//
// shipping.json: 1001 was packed into two cartons; with the demo's ready
// orders (1013, 1012, 1009) four wait to ship. Стол 2 (Анна) ships three
// with СДЭК: 1013 with 12345 (refused: not a СДЭК number), 1012 without a
// number (refused) and 1001 with 1084563291; 1009 is not ticked. At the
// hand-over СДЭК's two waiting parcels (1001's cartons) are listed, the
// hand-over is closed, its manifest printed to VirtualPDF and opened again
// from the list of closed ones.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, tick, unmount } from 'svelte';
import Shipping from './Shipping.svelte';
import { routeScan } from '../lib/scan-router';
import { SCREEN_KEYS, screenForKey } from '../lib/nav';
import { setLanguage } from '../lib/locale.svelte';
import type { BulkShipped, HandOver } from '../lib/bindings';
import { endReplay, replay, reply } from '../test/backend';
import { $, $$, type, choose } from '../test/dom';

const mounted: Record<string, unknown>[] = [];

function show(): HTMLElement {
  const target = document.createElement('div');
  document.body.append(target);
  mounted.push(mount(Shipping, { target, props: { changes: { seq: 0, numbers: [] } } }));
  flushSync();
  return target;
}

afterEach(() => {
  for (const c of mounted.splice(0)) void unmount(c);
  document.body.replaceChildren();
  setLanguage('ru');
  endReplay();
});

function press(el: Element | Window, init: KeyboardEventInit) {
  const e = new KeyboardEvent('keydown', { bubbles: true, cancelable: true, ...init });
  el.dispatchEvent(e);
  flushSync();
  return e;
}

async function until(check: () => void) {
  await vi.waitFor(() => {
    flushSync();
    check();
  });
}

const sent = (b: { calls: { cmd: string; args: unknown }[] }, cmd: string) =>
  b.calls.filter((c) => c.cmd === cmd).map((c) => c.args);

const bulk = reply<BulkShipped>('shipping', 'ship_bulk');
const closed = reply<HandOver>('shipping', 'close_handover');
const rowIds = (root: HTMLElement) =>
  [...root.querySelectorAll<HTMLElement>('[data-testid^="ship-row-"]')].map((r) =>
    r.dataset.testid!.slice('ship-row-'.length),
  );

/** shipping.json replayed and the screen on show with its four packed orders. */
async function opened() {
  const backend = replay('shipping');
  const root = show();
  await until(() => expect(rowIds(root)).toEqual(['1013', '1012', '1009', '1001']));
  await until(() => expect($(root, 'ship-cartons-1001')?.textContent).toBe('2'));
  return { backend, root };
}

/** СДЭК chosen, the three numbers given as in the recording, and "Ship selected". */
async function shipped() {
  const made = await opened();
  const { root } = made;
  choose($(root, 'shipping-carrier'), 'СДЭК');
  type($(root, 'ship-tracking-1013'), '12345');
  ($(root, 'ship-check-1012') as HTMLInputElement).click();
  type($(root, 'ship-tracking-1001'), '1084563291');
  $(root, 'ship-selected')!.click();
  await until(() => expect($(root, 'ship-summary')).not.toBeNull());
  await until(() => expect(rowIds(root), 'the shipped order left the list').not.toContain('1001'));
  return made;
}

describe('the shipping screen: to ship', () => {
  it('lists the packed orders with their customers and cartons, nothing ticked', async () => {
    const { root, backend } = await opened();
    expect(sent(backend, 'list_orders'), 'the packed (ready) orders').toEqual([
      { filter: { statuses: ['ready'], limit: 500 } },
    ]);
    expect($(root, 'ship-row-1001')?.textContent).toContain('Иванова Мария');
    expect($(root, 'ship-cartons-1001')?.textContent, 'packed into two cartons').toBe('2');
    expect($(root, 'ship-cartons-1013')?.textContent, 'no cartons: nothing to say').toBe('');
    expect($(root, 'ship-count')?.textContent).toContain('заказов: 4');
    const ship = $(root, 'ship-selected') as HTMLButtonElement;
    expect(ship.disabled, 'no carrier, nothing ticked').toBe(true);
    expect(ship.textContent).toContain('F9');
    const carriers = [...($(root, 'shipping-carrier') as HTMLSelectElement).options].map(
      (o) => o.value,
    );
    expect(carriers, "core's carriers").toContain('СДЭК');
  });

  it('ships the ticked orders in one go and says, per refused order, why in core’s words', async () => {
    const { root, backend } = await shipped();
    expect(sent(backend, 'ship_bulk'), 'ticked ones, each with its number as typed').toEqual([
      {
        carrier: 'СДЭК',
        requests: [
          { number: '1013', trackings: ['12345'] },
          { number: '1012', trackings: [] },
          { number: '1001', trackings: ['1084563291'] },
        ],
      },
    ]);
    const summary = $(root, 'ship-summary')!;
    expect($(summary, 'ship-summary-shipped')?.textContent).toContain('Отправлено с СДЭК: 1');
    expect($(summary, 'ship-summary-shipped')?.textContent).toContain('1001');
    expect($(summary, 'ship-summary-refused')?.textContent).toContain('Не отправлено: 2');
    const reasons = $$(summary, 'ship-summary-refusal').map((li) => li.textContent);
    expect(reasons).toHaveLength(2);
    for (const r of bulk.refused) {
      expect(reasons.some((text) => text?.includes(r.reason))).toBe(true);
      expect($(root, `ship-refused-${r.number}`)?.textContent, 'under its row too').toContain(
        r.reason,
      );
    }
    expect(
      ($(root, 'ship-tracking-1013') as HTMLInputElement).value,
      'a refused number stays to be mended',
    ).toBe('12345');
    expect($(root, 'ship-row-1013')?.dataset.selected, 'and stays ticked').toBe('true');
    expect($(root, 'ship-row-1009')?.dataset.selected).toBe('false');
  });

  it('ticks an order once its number is given, and ticks all from the header', async () => {
    const { root } = await opened();
    type($(root, 'ship-tracking-1009'), '1084563299');
    expect($(root, 'ship-row-1009')?.dataset.selected).toBe('true');
    ($(root, 'ship-check-1009') as HTMLInputElement).click();
    flushSync();
    expect($(root, 'ship-row-1009')?.dataset.selected, 'unticked again by hand').toBe('false');
    ($(root, 'ship-check-all') as HTMLInputElement).click();
    flushSync();
    expect(rowIds(root).every((n) => $(root, `ship-row-${n}`)?.dataset.selected === 'true')).toBe(
      true,
    );
    choose($(root, 'shipping-carrier'), 'СДЭК');
    expect(($(root, 'ship-selected') as HTMLButtonElement).textContent).toContain('(4)');
  });

  it('puts a scanned label into the order being typed in, and goes on to the next order', async () => {
    const { root } = await opened();
    const field = $(root, 'ship-tracking-1012') as HTMLInputElement;
    field.focus();
    expect(routeScan('1084563298'), 'the screen takes scans').toBe(true);
    await until(() => expect(field.value).toBe('1084563298'));
    expect($(root, 'ship-row-1012')?.dataset.selected).toBe('true');
    await until(() =>
      expect(document.activeElement, 'the next order is next').toBe($(root, 'ship-tracking-1009')),
    );
    // Nothing focused: the first order without a number gets it.
    (document.activeElement as HTMLElement).blur();
    routeScan('1084563297');
    await until(() =>
      expect(($(root, 'ship-tracking-1013') as HTMLInputElement).value).toBe('1084563297'),
    );
  });

  it('goes to the next order on Enter, and from the last one to "Ship selected"', async () => {
    const { root } = await opened();
    const first = $(root, 'ship-tracking-1013') as HTMLInputElement;
    first.focus();
    press(first, { key: 'Enter' });
    expect(document.activeElement).toBe($(root, 'ship-tracking-1012'));
    choose($(root, 'shipping-carrier'), 'СДЭК');
    const last = $(root, 'ship-tracking-1001') as HTMLInputElement;
    last.focus();
    type(last, '1084563291');
    press(last, { key: 'Enter' });
    await tick();
    expect(document.activeElement).toBe($(root, 'ship-selected'));
  });

  it('speaks English too', async () => {
    setLanguage('en');
    const { root } = await opened();
    expect($(root, 'shipping-tab-ship')?.textContent).toContain('To ship');
    expect($(root, 'shipping-tab-handover')?.textContent).toContain('Hand-over');
    expect($(root, 'ship-count')?.textContent).toContain('orders: 4');
  });
});

describe('the shipping screen: the hand-over', () => {
  it("lists the carrier's waiting parcels, closes the hand-over and shows its manifest", async () => {
    const { root, backend } = await shipped();
    $(root, 'shipping-tab-handover')!.click();
    await until(() => expect($$(root, 'handover-parcel')).toHaveLength(2));
    expect(sent(backend, 'waiting_handover')).toEqual([{ carrier: 'СДЭК' }]);
    const rows = $$(root, 'handover-parcel');
    expect(rows.map((r) => r.dataset.number)).toEqual(['1001 (1/2)', '1001 (2/2)']);
    expect(rows.map((r) => r.dataset.tracking)).toEqual(['1084563291', '1084563291']);
    const plain = (el: HTMLElement) => el.textContent!.replace(/[\u00a0\u202f]/g, ' ');
    expect(plain(rows[0]!), 'the declared value on the first carton').toContain('3 320,00 ₽');
    expect(plain(rows[0]!), 'its weight').toContain('880 г');
    expect($(root, 'handover-waiting-totals')?.textContent).toContain('Посылок: 2');
    expect($(root, 'handover-recent-none'), 'none closed yet').not.toBeNull();

    $(root, 'handover-close')!.click();
    await until(() => expect($(root, 'handover-manifest')).not.toBeNull());
    expect(sent(backend, 'close_handover')).toEqual([{ carrier: 'СДЭК' }]);
    const manifest = $(root, 'handover-manifest')!;
    expect(manifest.dataset.manifestId).toBe(String(closed.manifest_id));
    expect(manifest.textContent).toContain(`Передача ${closed.manifest_id} · СДЭК`);
    expect($$(manifest, 'handover-parcel')).toHaveLength(2);
    await until(() =>
      expect($(root, 'handover-parcels-none'), 'nothing waits any more').not.toBeNull(),
    );
    await until(() => expect($(root, `handover-recent-${closed.manifest_id}`)).not.toBeNull());
    expect($(root, `handover-recent-${closed.manifest_id}`)?.textContent).toContain('Анна');
    expect(($(root, 'handover-close') as HTMLButtonElement).disabled).toBe(true);
  });

  it('prints the manifest and says where it went, and opens a closed one again', async () => {
    const { root, backend } = await shipped();
    $(root, 'shipping-tab-handover')!.click();
    await until(() => expect($$(root, 'handover-parcel')).toHaveLength(2));
    $(root, 'handover-close')!.click();
    await until(() => expect($(root, 'handover-manifest')).not.toBeNull());
    $(root, 'handover-print')!.click();
    await until(() => expect($(root, 'handover-print-status')).not.toBeNull());
    expect(sent(backend, 'print_handover')).toEqual([{ id: closed.manifest_id }]);
    const status = $(root, 'handover-print-status')!;
    expect(status.dataset.status).toBe('sent');
    expect(status.textContent).toContain('VirtualPDF');
    const id = closed.manifest_id!;
    $(root, `handover-open-${id}`)!.click();
    await until(() => expect(sent(backend, 'handover')).toEqual([{ id }]));
    expect($(root, 'handover-manifest')?.dataset.manifestId).toBe(String(id));
  });

  it('asks for the carrier before it lists anything', async () => {
    // The closed hand-overs are read when the tab opens; not this test's point.
    replay('shipping', {
      around: (call, answer) =>
        call.cmd === 'recent_handovers' ? Promise.reject('not read here') : answer(),
    });
    const root = show();
    await until(() => expect(rowIds(root)).toHaveLength(4));
    $(root, 'shipping-tab-handover')!.click();
    flushSync();
    expect($(root, 'handover-waiting')?.textContent).toContain('Сначала выберите перевозчика');
    expect($(root, 'handover-close')).toBeNull();
  });
});

describe('the way to the shipping screen', () => {
  it('is Shift+F3, beside packing on F3', () => {
    const key = (init: KeyboardEventInit) => screenForKey(new KeyboardEvent('keydown', init));
    expect(key({ key: 'F3', shiftKey: true })).toBe('shipping');
    expect(key({ key: 'F3' })).toBe('packing');
    expect(key({ key: 'F11', shiftKey: true })).toBe('returns');
    expect(key({ key: 'F3', ctrlKey: true }), 'Ctrl keeps its own meaning').toBeUndefined();
    expect(key({ key: 'F1', shiftKey: true }), 'help beside the orders').toBe('help');
    expect(key({ key: 'F2', shiftKey: true }), 'other keys as without Shift').toBe('picking');
    expect(SCREEN_KEYS.F3).toBe('packing');
  });
});
