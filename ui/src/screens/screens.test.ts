// The printing parts of the screens, mounted in jsdom against the
// in-browser fake backend (or a fake station): keys, the print strip and the
// settings a document can take, as a packer meets them.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import App from '../App.svelte';
import Packing from './Packing.svelte';
import Picking from './Picking.svelte';
import Settings from './Settings.svelte';
import { PackingStation, type PackingIpc } from '../lib/packing';
import { PickingStation, type PickingIpc } from '../lib/picking';
import { setLanguage } from '../lib/locale.svelte';
import type { AppInfo, OrderDetail, PickList, PrintJob } from '../lib/types';

const mounted: Record<string, unknown>[] = [];

function show<P extends Record<string, unknown>>(component: never, props: P): HTMLElement {
  const target = document.createElement('div');
  document.body.append(target);
  mounted.push(mount(component, { target, props }));
  flushSync();
  return target;
}

afterEach(() => {
  clearMocks();
  for (const c of mounted.splice(0)) void unmount(c);
  document.body.replaceChildren();
  setLanguage('ru');
});

const $ = (root: ParentNode, testid: string) =>
  root.querySelector<HTMLElement>(`[data-testid="${testid}"]`);

function key(k: string): KeyboardEvent {
  const e = new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true });
  window.dispatchEvent(e);
  flushSync();
  return e;
}

function readyOrder(): OrderDetail {
  return {
    id: 1,
    number: '1001',
    channel: 'web',
    customer_name: 'Иванова Мария',
    email: '',
    phone: '',
    shipping_address: 'Москва',
    delivery_method: 'СДЭК',
    delivery_cost_minor: 0,
    currency: 'RUB',
    payment_status: 'paid',
    comment: '',
    status: 'ready',
    status_changed_at: '2026-11-22T10:00:00Z',
    created_at: '2026-11-22T09:00:00Z',
    claimed_station: 'Станция 2',
    claimed_by: 'Анна',
    carrier: null,
    tracking_number: null,
    shipped_at: null,
    short_reason: null,
    lines: [],
    units: 1,
    packed: 1,
    goods_total_minor: 0,
    total_minor: 0,
    events: [],
    scans: [],
  };
}

function job(
  id: number,
  kind: PrintJob['kind'],
  status: PrintJob['status'],
  message = '',
): PrintJob {
  return {
    id,
    kind,
    key: { type: 'order', number: '1001' },
    format: 'pdf',
    paper: 'a4',
    dpi: '203',
    lang: 'ru',
    printer: kind === 'label' ? 'Zebra' : 'VirtualPDF',
    status,
    message,
    cups_job: null,
    attempts: 1,
    created_at: '2026-11-22T10:00:00Z',
    updated_at: '2026-11-22T10:00:00Z',
    station: 'Станция 2',
    user: 'Анна',
  };
}

describe('the packing screen', () => {
  it('prints again with F8 and shows a failed label in red words with a Retry', async () => {
    const ipc = {
      claimOrder: vi.fn(async () => readyOrder()),
      orderDetail: vi.fn(async () => readyOrder()),
      carriers: vi.fn(async () => ['СДЭК']),
      orderPrintJobs: vi.fn(async (): Promise<PrintJob[]> => []),
      printOrderDocuments: vi.fn(async () => [
        job(12, 'label', 'failed', 'printer Zebra is stopped: out of labels'),
        job(11, 'invoice', 'sent'),
      ]),
      retryPrintJob: vi.fn(async () => job(12, 'label', 'sent')),
      printSettings: vi.fn(),
    } as unknown as PackingIpc;
    const station = new PackingStation({ ipc, autoFinish: () => true });
    await station.open('1001');
    const root = show(Packing as never, { station });
    expect($(root, 'print-none'), 'the hand-over shows the strip at once').not.toBeNull();
    const e = key('F8');
    expect(e.defaultPrevented).toBe(true);
    expect(ipc.printOrderDocuments).toHaveBeenCalledWith('1001');
    await vi.waitFor(() => {
      flushSync();
      expect($(root, 'print-item-label')?.dataset.status).toBe('failed');
    });
    expect($(root, 'print-item-label')?.textContent).toContain(
      'Этикетка: ошибка — принтер Zebra остановлен: out of labels',
    );
    expect($(root, 'print-item-invoice')?.textContent).toContain('Счёт: отправлено на VirtualPDF');
    $(root, 'print-item-retry-label')!.click();
    await vi.waitFor(() => {
      flushSync();
      expect($(root, 'print-item-label')?.dataset.status).toBe('sent');
    });
    expect(ipc.retryPrintJob).toHaveBeenCalledWith(12, undefined);
    expect($(root, 'carrier-select'), 'the hand-over form stays usable').not.toBeNull();
  });
});

describe('the picking screen', () => {
  it('prints the open pick list with its button and shows how the job went', async () => {
    const list: PickList = {
      id: 7,
      status: 'open',
      created_at: '2026-11-22T09:00:00Z',
      created_by: 'Анна',
      orders: ['1001'],
      lines: [],
    };
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      if (cmd === 'print_document') {
        return { ...job(30, 'pick_list', 'sent'), key: { type: 'pick_list', id: 7 } };
      }
      return cmd === 'pick_list' ? list : [];
    });
    const station = new PickingStation({
      ipc: { pickList: async () => list } as unknown as PickingIpc,
    });
    station.show(list);
    const root = show(Picking as never, { station, changes: { seq: 0, numbers: [] } });
    $(root, 'pick-print')!.click();
    await vi.waitFor(() => {
      flushSync();
      expect($(root, 'pick-print-status')?.dataset.status).toBe('sent');
    });
    expect(calls.find(([cmd]) => cmd === 'print_document')?.[1]).toEqual({
      kind: 'pick_list',
      key: { type: 'pick_list', id: 7 },
    });
    expect($(root, 'pick-print-status')?.textContent).toContain('Отправлено');
  });
});

describe('the app', () => {
  it('goes to the printing screen with F5 and never lets F5 reload the page', async () => {
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
});

describe('the settings screen', () => {
  const info: AppInfo = {
    version: 't',
    station: 'Станция 2',
    user: 'Анна',
    role: 'supervisor',
    database: 'SQLite test',
    engine: 'SQLite',
    database_from_env: false,
    language: 'ru',
    auto_finish: true,
    empty_database: false,
    startup_error: null,
  };

  async function settings() {
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
    const { ipc } = await import('../lib/ipc');
    const order = (await ipc.listOrders({ limit: 1 }))[0]!.number;
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
    const { ipc } = await import('../lib/ipc');
    const spy = vi.spyOn(ipc, 'findOrder').mockRejectedValue(new Error('database down'));
    const { routeScan } = await import('../lib/scan-router');
    const station = $(down, 'settings-station') as HTMLInputElement;
    station.focus();
    station.setSelectionRange(station.value.length, station.value.length);
    const before = station.value;
    routeScan('1001');
    await vi.waitFor(() => expect(station.value).toBe(`${before}1001`));
    expect(opened).toEqual([]);
    spy.mockRestore();
  });

  it('says when PACKBENCH_DATABASE_URL overrides the database setting', async () => {
    const root = await settings();
    expect($(root, 'db-from-env'), 'no note without the variable').toBeNull();
    const env = show(Settings as never, {
      info: { ...info, database_from_env: true },
      onSaved: () => {},
    });
    await vi.waitFor(() => {
      flushSync();
      expect($(env, 'db-from-env')?.textContent).toContain('PACKBENCH_DATABASE_URL');
    });
  });

  it('says a supervisor must change the seller when the backend forbids it', async () => {
    const root = await settings();
    $(root, 'seller-save')!.click();
    await vi.waitFor(() => {
      flushSync();
      expect($(root, 'seller-message')?.textContent).toContain(
        'реквизиты продавца может менять только старший смены',
      );
    });
  });
});
