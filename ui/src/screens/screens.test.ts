// The screens mounted in jsdom against replies recorded from the real
// commands (src/test/backend.ts): keys, the print strip and the settings a
// document can take, as a packer meets them.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import App from '../App.svelte';
import Orders from './Orders.svelte';
import Packing from './Packing.svelte';
import Picking from './Picking.svelte';
import Settings from './Settings.svelte';
import { ipc } from '../lib/ipc';
import { PackingStation } from '../lib/packing';
import { PickingStation } from '../lib/picking';
import { setLanguage } from '../lib/locale.svelte';
import type { AppInfo, OrderSummary, PickList, PrintJob, StatusCount } from '../lib/bindings';
import { lifecycle } from '../lib/lifecycle.svelte';
import {
  endReplay,
  flow,
  replay,
  replies,
  reply,
  signInAs,
  type ReplayOptions,
} from '../test/backend';
import { $ } from '../test/dom';

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
  lifecycle.forget();
  endReplay();
});

// start.json and welcome.json were recorded before the app read the store's
// statuses when it starts: that read fails on the way here, and the app
// keeps the standard names.
const noLifecycle: ReplayOptions = {
  around: (call, answer) =>
    call.cmd === 'lifecycle' ? Promise.reject('lifecycle is not in this recording') : answer(),
};

function key(k: string): KeyboardEvent {
  const e = new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true });
  window.dispatchEvent(e);
  flushSync();
  return e;
}

describe('the packing screen', () => {
  it('prints again with F8 and shows a failed label in red words with a Retry', async () => {
    // packing.json: 1001 packed and auto-finished; auto-print failed the
    // label (Zebra is out of labels) and left the invoice waiting.
    const b = replay('packing');
    const station = new PackingStation({ ipc, autoFinish: () => true });
    await station.open('1001');
    for (const s of flow('packing').steps.filter((s) => s.cmd === 'record_scan')) {
      await station.scan(s.args.code as string);
    }
    const root = show(Packing as never, { station });
    expect($(root, 'carrier-select'), 'the hand-over').not.toBeNull();
    const e = key('F8');
    expect(e.defaultPrevented).toBe(true);
    await vi.waitFor(() => {
      flushSync();
      expect(b.calls.filter((c) => c.cmd === 'print_order_documents')).toHaveLength(1);
      expect($(root, 'print-busy')).toBeNull();
    });
    expect($(root, 'print-item-label')?.dataset.status).toBe('failed');
    expect($(root, 'print-item-label')?.textContent).toContain(
      'Этикетка: ошибка — принтер Zebra остановлен: out of labels',
    );
    expect($(root, 'print-item-invoice')?.textContent).toMatch(
      /Счёт: ждёт в очереди — .*не выбран принтер/,
    );
    const [invoice, label] = reply<PrintJob[]>('packing', 'print_order_documents');
    $(root, 'print-item-retry-label')!.click();
    await vi.waitFor(() =>
      expect(b.calls.filter((c) => c.cmd === 'retry_print_job')).toHaveLength(1),
    );
    expect(b.calls.at(-1)?.args, 'the label goes to its own printer again').toEqual({
      id: label!.id,
      printer: null,
    });
    // The packer chooses an invoice printer (the settings screen does this).
    const settings = await ipc.printSettings();
    await ipc.savePrintSettings({
      ...settings,
      invoice: { ...settings.invoice, printer: 'VirtualPDF' },
    });
    $(root, 'print-item-retry-invoice')!.click();
    await vi.waitFor(() => {
      flushSync();
      expect($(root, 'print-item-invoice')?.dataset.status).toBe('sent');
    });
    expect(b.calls.at(-1)?.args).toEqual({ id: invoice!.id, printer: 'VirtualPDF' });
    expect($(root, 'print-item-invoice')?.textContent).toContain('Счёт: отправлено на VirtualPDF');
    expect($(root, 'carrier-select'), 'the hand-over form stays usable').not.toBeNull();
  });

  it('starts the next idle screen with an empty order field when a scan opened an order over a leftover', async () => {
    // packing.json: 1001 opened, its three units scanned, auto-finished,
    // shipped with СДЭК under 1084563291.
    replay('packing');
    const steps = flow('packing').steps;
    const station = new PackingStation({ ipc, autoFinish: () => true, sound: vi.fn() });
    const root = show(Packing as never, { station });
    const field = () => $(root, 'order-input') as HTMLInputElement | null;
    expect(field(), 'the idle screen').not.toBeNull();
    // A tail left in the field (a burst's last keys); the scanner gives a
    // field back the text it had before a scan, so it is still there when
    // the scan of the next order is taken.
    field()!.value = '81';
    field()!.dispatchEvent(new Event('input', { bubbles: true }));
    flushSync();
    const { routeScan } = await import('../lib/scan-router');
    expect(routeScan('1001')).toBe(true);
    await vi.waitFor(() => expect(station.state.phase).toBe('packing'));
    for (const s of steps.filter((s) => s.cmd === 'record_scan')) {
      routeScan(s.args.code as string);
    }
    await vi.waitFor(() => expect(station.state.phase).toBe('handover'));
    const ship = steps.find((s) => s.cmd === 'ship_order')!;
    routeScan(ship.args.tracking as string);
    await vi.waitFor(() => {
      flushSync();
      expect(station.state.phase).toBe('idle');
      expect(field(), 'the idle screen again').not.toBeNull();
    });
    expect(station.state.lastShipped?.number).toBe('1001');
    expect(field()!.value, 'nothing of the leftover comes back').toBe('');
  });
});

describe('the orders screen', () => {
  it('lists the orders with a count per status, and confirms a new one', async () => {
    // orders.json: a supervisor on the demo warehouse confirms order 1043.
    const b = replay('orders');
    const all = replies<OrderSummary[]>('orders', 'list_orders')[0]!;
    const counts = reply<StatusCount[]>('orders', 'status_counts');
    const root = show(Orders as never, {
      changes: { seq: 0, numbers: [] },
      onOpenAtPacking: () => {},
    });
    await vi.waitFor(() => {
      flushSync();
      expect(root.querySelectorAll('[data-testid^="order-row-"]')).toHaveLength(all.length);
    });
    const newOnes = counts.find((c) => c.status === 'new')!.count;
    expect($(root, 'tab-new')?.textContent).toContain(String(newOnes));
    $(root, 'tab-new')!.click();
    await vi.waitFor(() => {
      flushSync();
      expect(root.querySelectorAll('[data-testid^="order-row-"]')).toHaveLength(newOnes);
    });
    $(root, 'order-row-1043')!.click();
    await vi.waitFor(() => {
      flushSync();
      expect($(root, 'order-detail')?.dataset.number).toBe('1043');
    });
    $(root, 'confirm-order')!.click();
    await vi.waitFor(() => {
      flushSync();
      expect($(root, 'order-status')?.dataset.status).toBe('confirmed');
    });
    expect(b.calls.filter((c) => c.cmd === 'confirm_order')).toEqual([
      { cmd: 'confirm_order', args: { number: '1043' } },
    ]);
    expect($(root, 'confirm-order'), 'nothing left to confirm').toBeNull();
  });
});

describe('the picking screen', () => {
  it('prints the open pick list with its button and shows how the job went', async () => {
    // picking.json: the list done and printed on VirtualPDF.
    const b = replay('picking');
    const list = replies<PickList>('picking', 'complete_pick_list')[0]!;
    const station = new PickingStation({ ipc });
    station.show(list);
    const root = show(Picking as never, { station, changes: { seq: 0, numbers: [] } });
    $(root, 'pick-print')!.click();
    await vi.waitFor(() => {
      flushSync();
      expect($(root, 'pick-print-status')?.dataset.status).toBe('sent');
    });
    expect(b.calls.find((c) => c.cmd === 'print_document')?.args).toEqual({
      kind: 'pick_list',
      key: { type: 'pick_list', id: list.id },
    });
    expect($(root, 'pick-print-status')?.textContent).toContain('Отправлено');
  });
});

describe('the app', () => {
  it('goes to the printing screen with F5 and never lets F5 reload the page', async () => {
    replay('start', noLifecycle);
    const root = show(App as never, {});
    await vi.waitFor(() => {
      flushSync();
      expect($(root, 'screen-packing')).not.toBeNull();
    });
    const e = key('F5');
    expect(e.defaultPrevented, 'F5 is no reload').toBe(true);
    expect($(root, 'screen-printing')).not.toBeNull();
    expect($(root, 'nav-printing')?.getAttribute('aria-current')).toBe('page');
    const ctrl = new KeyboardEvent('keydown', { key: 'F5', ctrlKey: true, cancelable: true });
    window.dispatchEvent(ctrl);
    expect(ctrl.defaultPrevented, 'nor Ctrl+F5').toBe(true);
  });

  it('shows the station and its database in the top bar', async () => {
    replay('start', noLifecycle);
    const info = reply<AppInfo>('start', 'app_info');
    const root = show(App as never, {});
    await vi.waitFor(() => {
      flushSync();
      expect($(root, 'station')?.textContent).toBe('Стол 2');
    });
    expect($(root, 'user')?.textContent).toContain('Анна');
    expect($(root, 'db-indicator')?.dataset.engine).toBe('SQLite');
    expect($(root, 'db-indicator')?.title).toBe(info.database);
  });

  it('offers the demo on an empty database, lists its people, and opens packing for its packer', async () => {
    // welcome.json: no users yet; the demo is loaded, Анна Петрова signs in.
    const b = replay('welcome');
    const root = show(App as never, {});
    await vi.waitFor(() => {
      flushSync();
      expect($(root, 'screen-welcome')).not.toBeNull();
    });
    expect($(root, 'wizard-start'), 'or setting up the store').not.toBeNull();
    expect($(root, 'nav-orders'), 'no screens before anyone signs in').toBeNull();
    $(root, 'load-demo')!.click();
    await vi.waitFor(() => {
      flushSync();
      expect($(root, 'screen-signin')).not.toBeNull();
    });
    const people = [...root.querySelectorAll('[data-testid^="demo-user-"]')];
    expect(people.map((r) => r.querySelector('td')?.textContent)).toEqual([
      'Ольга Смирнова',
      'Мария Иванова',
      'Анна Петрова',
      'Иван Козлов',
      'Елена Соколова',
    ]);
    expect($(root, 'demo-user-anna')?.textContent).toContain('упаковщик');
    expect($(root, 'demo-user-anna')?.textContent).toContain('3333');
    expect($(root, 'demo-user-anna')?.textContent).toContain('BADGE-0003');
    $(root, 'demo-sign-in-anna')!.click();
    await vi.waitFor(() => {
      flushSync();
      expect($(root, 'screen-packing')).not.toBeNull();
    });
    expect($(root, 'user')?.textContent).toContain('Анна Петрова');
    expect(b.calls.map((c) => c.cmd)).toEqual([
      'app_info',
      'load_demo',
      'app_info',
      'log_in',
      'print_jobs',
      'lifecycle',
    ]);
    expect(b.calls[3]!.args).toEqual({
      credential: { kind: 'secret', login: 'anna', secret: '3333' },
    });
    expect($(root, 'nav-users'), 'a packer has no users to manage').toBeNull();
    expect($(root, 'nav-audit'), 'the audit trail is for everyone').not.toBeNull();
  });

  it("asks core for the store's statuses when it starts, and keeps the standard names without them", async () => {
    const b = replay('start', noLifecycle);
    const root = show(App as never, {});
    await vi.waitFor(() => {
      flushSync();
      expect($(root, 'screen-packing')).not.toBeNull();
    });
    await vi.waitFor(() =>
      expect(b.calls.map((c) => c.cmd)).toEqual(expect.arrayContaining(['app_info', 'lifecycle'])),
    );
    expect(lifecycle.current, 'nothing came back: the screens keep the standard names').toBeNull();
  });

  it('reads no statuses when the database cannot be opened', async () => {
    const b = replay('database-down');
    const root = show(App as never, {});
    await vi.waitFor(() => {
      flushSync();
      expect($(root, 'startup-error')).not.toBeNull();
    });
    expect(b.calls.map((c) => c.cmd)).not.toContain('lifecycle');
  });

  it('says what is wrong when the database cannot be opened', async () => {
    replay('database-down');
    const info = reply<AppInfo>('database-down', 'app_info');
    const root = show(App as never, {});
    await vi.waitFor(() => {
      flushSync();
      expect($(root, 'startup-error')?.textContent).toBe(info.startup_error);
    });
  });

  it('says, in a plain browser, that its screens run inside the desktop app', async () => {
    const root = show(App as never, {});
    await vi.waitFor(() => {
      flushSync();
      expect($(root, 'screen-outside')).not.toBeNull();
    });
    expect($(root, 'screen-outside')?.textContent).toContain('Packbench работает как приложение');
    expect($(root, 'outside-message')?.textContent).toContain('desktop app');
    expect($(root, 'nav-packing'), 'no screens to go to').toBeNull();
  });
});

describe('the settings screen', () => {
  // settings.json: Стол 2, a packer, on the demo warehouse.
  const info = reply<AppInfo>('settings', 'app_info');

  async function settings() {
    replay('settings');
    const root = show(Settings as never, { info, onSaved: () => {} });
    await vi.waitFor(() => {
      flushSync();
      expect($(root, 'settings-printer-label')).not.toBeNull();
      expect($(root, 'seller-name')).not.toBeNull();
    });
    return root;
  }

  const options = (el: HTMLElement | null) =>
    [...(el?.querySelectorAll('option') ?? [])].map((o) => o.value);

  it('offers each document only the paper and format it can take', async () => {
    const root = await settings();
    for (const kind of ['invoice', 'pick_list', 'manifest']) {
      const paper = $(root, `settings-paper-${kind}`);
      expect(paper?.tagName, `${kind}: A4 only, nothing to choose`).toBe('SPAN');
      expect(paper?.dataset.value).toBe('a4');
      expect($(root, `settings-format-${kind}`), `${kind} is PDF only`).toBeNull();
    }
    expect(options($(root, 'settings-paper-packing_slip'))).toEqual(['a4', 'a5']);
    expect(options($(root, 'settings-paper-label'))).toEqual(['label_4x6', 'label_100x150']);
    expect(options($(root, 'settings-format-label'))).toEqual(['pdf', 'zpl']);
    const format = $(root, 'settings-format-label') as HTMLSelectElement;
    format.value = 'zpl';
    format.dispatchEvent(new Event('change'));
    flushSync();
    expect(options($(root, 'settings-dpi-label')), 'ZPL asks for the dpi').toEqual(['203', '300']);
    format.value = 'pdf';
    format.dispatchEvent(new Event('change'));
    flushSync();
    expect($(root, 'settings-dpi-label'), 'a PDF label has no dpi').toBeNull();
    expect(options($(root, 'settings-printer-invoice'))[0], '"none" comes first').toBe('');
  });

  it('opens a scanned order at packing and puts any other scan into the field in use', async () => {
    replay('settings');
    const opened: string[] = [];
    const root = show(Settings as never, {
      info,
      onSaved: () => {},
      onOpenAtPacking: (n: string) => opened.push(n),
    });
    await vi.waitFor(() => {
      flushSync();
      expect(($(root, 'settings-station') as HTMLInputElement | null)?.value).toBeTruthy();
    });
    const order = '1001';
    const { routeScan } = await import('../lib/scan-router');
    const station = $(root, 'settings-station') as HTMLInputElement;
    station.focus();
    const before = station.value;
    expect(routeScan(order), 'the scan is taken, not typed into the station name').toBe(true);
    await vi.waitFor(() => expect(opened).toEqual([order]));
    expect(station.value).toBe(before);
    station.setSelectionRange(before.length, before.length);
    expect(routeScan('NOT-AN-ORDER-42')).toBe(true);
    await vi.waitFor(() => expect(station.value).toBe(`${before}NOT-AN-ORDER-42`));
    expect(opened).toEqual([order]);
  });

  it('does not call a change saved when it was made after the save', async () => {
    const root = await settings();
    $(root, 'print-settings-save')!.click();
    await vi.waitFor(() => {
      flushSync();
      expect($(root, 'print-settings-message')?.textContent).toContain('✔');
    });
    const lang = $(root, 'settings-lang-invoice') as HTMLSelectElement;
    lang.value = lang.value === 'ru' ? 'en' : 'ru';
    lang.dispatchEvent(new Event('change'));
    flushSync();
    expect($(root, 'print-settings-message'), 'the old "saved" is gone').toBeNull();
    expect($(root, 'settings-printing')?.textContent).toContain('несохранённые');
  });

  it('puts a scan into the field in use when the database cannot say what it is', async () => {
    // find_order fails on the way: the scan must not be lost.
    replay('settings', {
      around: (call, answer) =>
        call.cmd === 'find_order' ? Promise.reject('the connection dropped') : answer(),
    });
    const opened: string[] = [];
    const down = show(Settings as never, {
      info,
      onSaved: () => {},
      onOpenAtPacking: (n: string) => opened.push(n),
    });
    await vi.waitFor(() => {
      flushSync();
      expect(($(down, 'settings-station') as HTMLInputElement | null)?.value).toBeTruthy();
    });
    const { routeScan } = await import('../lib/scan-router');
    const station = $(down, 'settings-station') as HTMLInputElement;
    station.focus();
    station.setSelectionRange(station.value.length, station.value.length);
    const before = station.value;
    routeScan('1001');
    await vi.waitFor(() => expect(station.value).toBe(`${before}1001`));
    expect(opened).toEqual([]);
  });

  it('says when PACKBENCH_DATABASE_URL overrides the database setting', async () => {
    const root = await settings();
    expect($(root, 'db-from-env'), 'no note without the variable').toBeNull();
    // Set by the environment the app starts in, not by anything recorded.
    const env = show(Settings as never, {
      info: { ...info, database_from_env: true },
      onSaved: () => {},
    });
    await vi.waitFor(() => {
      flushSync();
      expect($(env, 'db-from-env')?.textContent).toContain('PACKBENCH_DATABASE_URL');
    });
  });

  it("shows a packer the seller's details read-only and says who may change them", async () => {
    const root = await settings();
    expect($(root, 'seller-readonly')?.textContent).toContain('упаковщик');
    expect($(root, 'seller-save'), 'nothing to save').toBeNull();
    expect(($(root, 'seller-name') as HTMLInputElement).readOnly).toBe(true);
  });

  it('lets a supervisor rename the seller and says it is saved', async () => {
    // seller.json: Стол 5, a supervisor, renames the seller.
    const b = replay('seller');
    const saved = flow('seller').steps.find((s) => s.cmd === 'save_seller')!;
    const name = (saved.args.seller as { name: string }).name;
    const root = show(Settings as never, {
      info: reply<AppInfo>('seller', 'app_info'),
      onSaved: () => {},
    });
    await vi.waitFor(() => {
      flushSync();
      expect($(root, 'seller-save')).not.toBeNull();
    });
    const field = $(root, 'seller-name') as HTMLInputElement;
    field.value = name;
    field.dispatchEvent(new Event('input'));
    flushSync();
    $(root, 'seller-save')!.click();
    await vi.waitFor(() => {
      flushSync();
      expect($(root, 'seller-message')?.textContent).toContain('✔');
    });
    expect(b.calls.find((c) => c.cmd === 'save_seller')?.args).toEqual(saved.args);
  });

  it('says a supervisor must change the seller when the backend refuses a save', async () => {
    // The screen was drawn for a supervisor (Ольга, as seller.json signs
    // her in); the save core recorded is Анна's, a packer's: refused.
    replay('settings');
    signInAs('seller');
    const root = show(Settings as never, {
      info: reply<AppInfo>('seller', 'app_info'),
      onSaved: () => {},
    });
    await vi.waitFor(() => {
      flushSync();
      expect($(root, 'seller-save')).not.toBeNull();
    });
    $(root, 'seller-save')!.click();
    await vi.waitFor(() => {
      flushSync();
      expect($(root, 'seller-message')?.textContent).toContain(
        'реквизиты продавца может менять только старший смены',
      );
    });
  });
});
