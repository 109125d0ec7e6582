// Import, customer mail and the outbox, as a supervisor, an admin and a
// packer meet them: how they are reached, who is offered what, what the
// screens ask core, and that a call that fails is said in words; no reply
// is made up here. Walks through core's recorded replies (import.json,
// mail.json, outbox.json) are in exchange.test.ts. Pure logic is in
// lib/importing, lib/outbox and lib/mail, tested there.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import App from '../App.svelte';
import Orders from './Orders.svelte';
import OrderView from './OrderView.svelte';
import Outbox from './Outbox.svelte';
import CustomerMail from '../components/CustomerMail.svelte';
import TopBar from '../components/TopBar.svelte';
import { routeScan } from '../lib/scan-router';
import { setLanguage } from '../lib/locale.svelte';
import { lifecycle } from '../lib/lifecycle.svelte';
import { base64 } from '../lib/importing';
import type { AppInfo, OrderDetail, OrderSummary } from '../lib/bindings';
import { deferred, endReplay, replay, replies, reply, signInAs } from '../test/backend';
import type { Backend, Call, ReplayOptions } from '../test/backend';
import { $, type, choose } from '../test/dom';

const mounted: Record<string, unknown>[] = [];

function show<P extends Record<string, unknown>>(component: never, props: P): HTMLElement {
  const target = document.createElement('div');
  document.body.append(target);
  mounted.push(mount(component, { target, props }));
  flushSync();
  return target;
}

afterEach(() => {
  vi.useRealTimers();
  for (const c of mounted.splice(0)) void unmount(c);
  document.body.replaceChildren();
  setLanguage('ru');
  lifecycle.forget();
  endReplay();
});

function press(init: KeyboardEventInit, el: Element | Window = window) {
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

const asked = (calls: Call[], cmd: string) => calls.filter((c) => c.cmd === cmd).map((c) => c.args);

/** The orders screen of orders.json (a supervisor at Стол 2), its list on show. */
async function ordersScreen(options: ReplayOptions = {}) {
  const b = replay('orders', options);
  const all = replies<OrderSummary[]>('orders', 'list_orders')[0]!;
  const root = show(Orders as never, {
    changes: { seq: 0, numbers: [] },
    onOpenAtPacking: () => {},
  });
  await until(() =>
    expect(root.querySelectorAll('[data-testid^="order-row-"]')).toHaveLength(all.length),
  );
  return { b, root };
}

// A file that is not in the recording: the transport fails, as it does
// when nothing answers.
const noImport: ReplayOptions = {
  around: (call, answer) =>
    call.cmd === 'preview_import' ? Promise.reject('preview_import is not recorded') : answer(),
};

// The mail settings failing on the way here: in flows recorded with mail
// off, which never read them (the outbox reads them only for its note that
// mail is off, not what those tests look at), or to see a failed read.
const noMailSettings: ReplayOptions = {
  around: (call, answer) =>
    call.cmd === 'mail_settings' ? Promise.reject('mail_settings is not recorded') : answer(),
};

describe('the import screen', () => {
  it('is a button (and Ctrl+I) on a supervisor’s orders screen, for orders and products', async () => {
    const { root } = await ordersScreen();
    $(root, 'import-open')!.click();
    flushSync();
    expect($(root, 'screen-import')).not.toBeNull();
    const kinds = [
      ...root.querySelectorAll<HTMLOptionElement>('[data-testid="import-kind"] option'),
    ];
    expect(kinds.map((o) => o.value)).toEqual(['shopify', 'woocommerce', 'packbench', 'products']);
    expect(($(root, 'import-kind') as HTMLSelectElement).value, 'Shopify first').toBe('shopify');
    expect(($(root, 'import-file') as HTMLInputElement).accept).toBe('.csv,.xlsx,.txt');
    expect($(root, 'import-go'), 'nothing to import before a file').toBeNull();

    press({ key: 'Escape' });
    expect($(root, 'screen-import'), 'Esc goes back to the orders').toBeNull();
    expect(root.querySelector('[data-testid^="order-row-"]')).not.toBeNull();
    press({ key: 'i', code: 'KeyI', ctrlKey: true });
    expect($(root, 'screen-import'), 'Ctrl+I opens it again').not.toBeNull();
  });

  it('is not offered to a packer', async () => {
    const b = replay('orders');
    signInAs('settings');
    const root = show(Orders as never, {
      changes: { seq: 0, numbers: [] },
      onOpenAtPacking: () => {},
    });
    await until(() => expect(root.querySelector('[data-testid^="order-row-"]')).not.toBeNull());
    expect($(root, 'import-open')).toBeNull();
    press({ key: 'i', code: 'KeyI', ctrlKey: true });
    expect($(root, 'screen-import')).toBeNull();
    expect(asked(b.calls, 'preview_import')).toEqual([]);
  });

  it('asks core to read a typed path, and says in words when it cannot', async () => {
    const { b, root } = await ordersScreen(noImport);
    $(root, 'import-open')!.click();
    flushSync();
    type($(root, 'import-path'), '  /home/anna/Загрузки/orders_export.csv ');
    $(root, 'import-path-go')!.click();
    await until(() => expect($(root, 'import-error')).not.toBeNull());
    expect(asked(b.calls, 'preview_import')).toEqual([
      {
        source: {
          path: '/home/anna/Загрузки/orders_export.csv',
          name: 'orders_export.csv',
          content_base64: null,
        },
        kind: 'shopify',
        mapping: null,
      },
    ]);
    expect($(root, 'import-error')?.textContent).toContain('Приложение не ответило');
    expect($(root, 'import-preview-table'), 'no preview of a file not read').toBeNull();
    expect($(root, 'import-go')).toBeNull();
  });

  it('sends a chosen file’s bytes as base64 with its name, as the kind chosen', async () => {
    const held = deferred<unknown>();
    const { b, root } = await ordersScreen({
      around: (call, answer) => (call.cmd === 'preview_import' ? held.promise : answer()),
    });
    $(root, 'import-open')!.click();
    flushSync();
    choose($(root, 'import-kind'), 'products');
    // A product list saved by a Russian Excel: Windows-1251 bytes.
    const bytes = new Uint8Array([0xc0, 0xf0, 0xf2, 0xe8, 0xea, 0xf3, 0xeb, 0x3b, 0x0a]);
    const input = $(root, 'import-file') as HTMLInputElement;
    Object.defineProperty(input, 'files', {
      value: [new File([bytes], 'товары.csv')],
      configurable: true,
    });
    input.dispatchEvent(new Event('change', { bubbles: true }));
    await until(() => expect(asked(b.calls, 'preview_import')).toHaveLength(1));
    expect(asked(b.calls, 'preview_import')[0]).toEqual({
      source: { path: null, name: 'товары.csv', content_base64: base64(bytes) },
      kind: 'products',
      mapping: null,
    });
    expect($(root, 'screen-import')?.textContent, 'while core reads').toContain('Читаю файл');
    held.reject('preview_import is not recorded');
    await until(() => expect($(root, 'import-error')).not.toBeNull());
  });
});

describe('the outbox', () => {
  it('is F10 for everyone, a packer too, and says in words when the list cannot be read', async () => {
    const b = replay('audit', noMailSettings); // Стол 2: Анна, a packer
    const root = show(App as never, {});
    await until(() => expect($(root, 'screen-packing')).not.toBeNull());
    expect($(root, 'outbox-open')?.textContent).toContain('F10');
    expect(press({ key: 'F10' }).defaultPrevented).toBe(true);
    await until(() => expect($(root, 'outbox-failure')).not.toBeNull());
    expect($(root, 'screen-outbox')).not.toBeNull();
    expect($(root, 'outbox-open')?.getAttribute('aria-current')).toBe('page');
    expect($(root, 'outbox-failure')?.textContent).toContain('Приложение не ответило');
    expect(asked(b.notRecorded, 'outbox')[0]).toEqual({ status: null, orderNumber: null });
    expect($(root, 'outbox-retry'), 'a packer sends nothing again').toBeNull();
  });

  it('is in every person’s navigation', () => {
    for (const name of ['settings', 'picking', 'orders', 'users']) {
      const info = reply<AppInfo>(name, 'app_info');
      const root = show(TopBar as never, {
        info,
        who: info.signed_in,
        screen: 'orders',
        onNavigate: () => {},
        onLanguage: () => {},
      });
      expect($(root, 'outbox-open')?.dataset.screen, name).toBe('outbox');
    }
  });

  it('asks for one status from its chip (or ← →), one order as typed or scanned', async () => {
    const b = replay('orders', noMailSettings);
    const root = show(Outbox as never, {
      changes: { seq: 0, numbers: [] },
      onOpenOrder: () => {},
    });
    const outbox = () => asked(b.notRecorded, 'outbox');
    await until(() => expect(outbox()).toHaveLength(1));
    const chips = [...root.querySelectorAll<HTMLElement>('[data-testid="outbox-status-filter"]')];
    expect(chips.map((c) => c.dataset.status)).toEqual([
      'all',
      'queued',
      'sending',
      'sent',
      'failed',
      'given_up',
      'skipped',
    ]);
    expect(chips.map((c) => c.textContent?.trim())).toContain('Ошибка, повторим');
    chips.find((c) => c.dataset.status === 'failed')!.click();
    await until(() => expect(outbox().at(-1)).toEqual({ status: 'failed', orderNumber: null }));
    expect(chips.find((c) => c.dataset.status === 'failed')?.getAttribute('aria-pressed')).toBe(
      'true',
    );

    type($(root, 'outbox-order'), '1043');
    await until(() => expect(outbox().at(-1)).toEqual({ status: 'failed', orderNumber: '1043' }));
    press({ key: 'ArrowRight' }, document.body);
    await until(() => expect(outbox().at(-1)).toEqual({ status: 'given_up', orderNumber: '1043' }));
    routeScan('1001');
    await until(() => expect(outbox().at(-1)).toEqual({ status: 'given_up', orderNumber: '1001' }));
  });

  it('reads the list again every 10 seconds while it is shown', async () => {
    vi.useFakeTimers();
    const b = replay('outbox');
    show(Outbox as never, { changes: { seq: 0, numbers: [] }, onOpenOrder: () => {} });
    await vi.advanceTimersByTimeAsync(0);
    const reads = () => asked(b.calls, 'outbox').length;
    expect(reads()).toBe(1);
    await vi.advanceTimersByTimeAsync(9_000);
    expect(reads(), 'not before 10 s').toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(reads()).toBe(2);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(reads()).toBe(4);
  });
});

describe('an order’s messages to its customer', () => {
  it('are asked for by the order’s number, and a failed read is said in words', async () => {
    const b = replay('orders');
    const order = reply<OrderDetail>('orders', 'order_detail');
    const root = show(OrderView as never, {
      order,
      onBack: () => {},
      onConfirm: () => {},
      onOpenAtPacking: () => {},
      onChanged: () => {},
    });
    await until(() =>
      expect($(root, 'order-messages')?.textContent).toContain('Не удалось прочитать сообщения'),
    );
    expect(asked(b.notRecorded, 'outbox')).toEqual([{ status: null, orderNumber: order.number }]);
    expect(root.textContent).toContain('Сообщения покупателю');
  });
});

describe('the settings’ mail to customers', () => {
  function mailSection(name: string): { b: Backend; root: HTMLElement } {
    const b = replay(name);
    return { b, root: show(CustomerMail as never, {}) };
  }

  it('gives an admin the mail server, the carriers and the texts, reading all three', async () => {
    const { b, root } = mailSection('mail'); // Ирина, an admin
    await until(() => expect($(root, 'mail-save')).not.toBeNull());
    expect($(root, 'settings-mail')).not.toBeNull();
    expect($(root, 'settings-carriers')).not.toBeNull();
    expect($(root, 'settings-templates')).not.toBeNull();
    const reads = b.calls.slice(0, 3).map((c) => c.cmd);
    expect(reads.sort()).toEqual(['carrier_list', 'mail_settings', 'templates']);
    expect($(root, 'mail-load-error')).toBeNull();
  });

  it('says in words when the mail settings cannot be read, and puts no form over them', async () => {
    const b = replay('mail', noMailSettings);
    const root = show(CustomerMail as never, {});
    await until(() => expect($(root, 'mail-load-error')).not.toBeNull());
    expect(asked(b.calls, 'mail_settings')).toEqual([{}]);
    expect($(root, 'mail-load-error')?.textContent).toContain('Приложение не ответило');
    expect($(root, 'mail-save'), 'no form over settings that could not be read').toBeNull();
  });

  it('gives a supervisor neither carriers nor texts: they are an admin’s', async () => {
    const { b, root } = mailSection('outbox'); // Ольга, a supervisor
    await until(() => expect(b.calls).toHaveLength(1));
    expect($(root, 'settings-carriers')).toBeNull();
    expect($(root, 'settings-templates')).toBeNull();
    expect($(root, 'mail-save'), 'nor the server: that is an admin’s too').toBeNull();
    expect(b.calls.map((c) => c.cmd)).toEqual(['mail_settings']);
  });
});
