import { afterEach, describe, expect, it, vi } from 'vitest';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { emit } from '@tauri-apps/api/event';
import * as ipc from './ipc';
import { IpcError } from './ipc';
import type { Opened, ScanResult } from './bindings';
import { endReplay, flow, replay, reply } from '../test/backend';

afterEach(() => {
  clearMocks();
  endReplay();
});

// For the tests of what goes over the wire: every call answers null.
function record() {
  const calls: { cmd: string; args: unknown }[] = [];
  mockIPC((cmd, args) => {
    calls.push({ cmd, args });
    return null;
  });
  return calls;
}

describe('ipc', () => {
  it('calls open_for_packing with the number and returns what core sent', async () => {
    const b = replay('packing');
    const opened = await ipc.openForPacking('1001');
    expect(opened, 'the reply, unwrapped').toEqual(reply<Opened>('packing', 'open_for_packing'));
    expect(opened.mode).toBe('packing');
    expect(opened.order.status).toBe('packing');
    expect(b.calls).toEqual([{ cmd: 'open_for_packing', args: { number: '1001' } }]);
  });

  it('opens a packed order at the hand-over, and takes it apart with a supervisor', async () => {
    const b = replay('packing-ready');
    const number = flow('packing-ready').steps.find((s) => s.cmd === 'open_for_packing')!.args
      .number as string;
    const opened = await ipc.openForPacking(number);
    expect(opened.mode, 'a packed order is handed over, not unpacked').toBe('hand_over');
    expect(opened.order.status).toBe('ready');
    const asked = await ipc.takeApart(number, 'коробка мала').catch((e: unknown) => e);
    expect(asked, 'a packer asks a supervisor').toMatchObject({ code: 'needs_approval' });
    const badge = { kind: 'badge', code: 'BADGE-0002' } as const;
    const taken = await ipc.takeApart(number, 'коробка мала', badge);
    expect(taken.status).toBe('packing');
    expect(b.calls.at(-1)).toEqual({
      cmd: 'take_apart',
      args: { number, reason: 'коробка мала', approval: badge },
    });
  });

  it('sends record_scan with camelCase scanId, as Tauri maps it to scan_id', async () => {
    const b = replay('packing');
    const first = flow('packing').steps.find((s) => s.cmd === 'record_scan')!;
    const code = first.args.code as string;
    await ipc.openForPacking('1001');
    const scan = await ipc.recordScan('1001', code, 'scan-1');
    expect(scan).toEqual(first.ok as ScanResult);
    expect(b.calls[1]).toEqual({
      cmd: 'record_scan',
      args: { number: '1001', code, scanId: 'scan-1' },
    });
  });

  it('sends an optional argument left out as null, which the shell reads as none', async () => {
    const calls = record();
    await ipc.finishPacking('1001');
    await ipc.finishPacking('1002', 'out of stock');
    await ipc.listOrders({ statuses: ['confirmed'] });
    await ipc.pickScan(3, undefined, 'A-01-2', 's2');
    await ipc.shortPick(3, 17, 'broken');
    await ipc.saveSettings({
      station: 'S',
      session_idle_minutes: 30,
      database: '',
      language: 'ru',
      auto_finish: true,
      scan_gs_substitute: '~',
      scale_device: '/dev/ttyUSB0',
    });
    expect(calls.map((c) => [c.cmd, c.args])).toEqual([
      ['finish_packing', { number: '1001', shortReason: null, approval: null }],
      ['finish_packing', { number: '1002', shortReason: 'out of stock', approval: null }],
      ['list_orders', { filter: { statuses: ['confirmed'] } }],
      ['pick_scan', { id: 3, bin: null, code: 'A-01-2', scanId: 's2' }],
      ['short_pick', { id: 3, lineId: 17, reason: 'broken' }],
      [
        'save_settings',
        {
          settings: {
            station: 'S',
            session_idle_minutes: 30,
            database: '',
            language: 'ru',
            auto_finish: true,
            scan_gs_substitute: '~',
            scale_device: '/dev/ttyUSB0',
          },
        },
      ],
    ]);
  });

  it('sends the order filter whole, under "filter", to the list, count, groups and export', async () => {
    const calls = record();
    const filter = { statuses: ['new' as const], total_min: '1 500,50', limit: 50, before: 1043 };
    await ipc.listOrders(filter);
    await ipc.listOrders();
    await ipc.countOrders({ overdue: true });
    await ipc.groupOrders({ manager: 'Мария' }, 'day', 180);
    await ipc.savedFilters();
    await ipc.saveFilter('Мои новые', { statuses: ['new'] });
    await ipc.deleteSavedFilter('Мои новые');
    const request = {
      filter: { payment: ['paid' as const] },
      format: 'xlsx' as const,
      rows: 'lines' as const,
      lang: 'ru' as const,
      utc_offset_minutes: 180,
    };
    await ipc.exportOrders(request);
    expect(calls.map((c) => [c.cmd, c.args])).toEqual([
      ['list_orders', { filter }],
      ['list_orders', { filter: {} }],
      ['count_orders', { filter: { overdue: true } }],
      ['group_orders', { filter: { manager: 'Мария' }, by: 'day', utcOffsetMinutes: 180 }],
      ['saved_filters', {}],
      ['save_filter', { name: 'Мои новые', filter: { statuses: ['new'] } }],
      ['delete_saved_filter', { name: 'Мои новые' }],
      ['export_orders', { request }],
    ]);
  });

  it('sends credentials tagged by kind, and the audit filter whole', async () => {
    const calls = record();
    await ipc.logIn({ kind: 'secret', login: 'anna', secret: '3333' });
    await ipc.logIn({ kind: 'badge', code: 'BADGE-0003' });
    await ipc.logOut();
    await ipc.createFirstAdmin('Ирина', 'irina', '2580');
    await ipc.releaseClaim('1014', { kind: 'badge', code: 'BADGE-0002' });
    const filter = {
      user: null,
      station: 'Стол 2',
      order: null,
      kinds: ['packed_short' as const],
      from: null,
      to: null,
      before_id: 42,
      limit: 50,
    };
    await ipc.audit(filter);
    await ipc.exportAudit(filter);
    await ipc.userNames();
    await ipc.listUsers();
    expect(calls.map((c) => [c.cmd, c.args])).toEqual([
      ['log_in', { credential: { kind: 'secret', login: 'anna', secret: '3333' } }],
      ['log_in', { credential: { kind: 'badge', code: 'BADGE-0003' } }],
      ['log_out', {}],
      ['create_first_admin', { name: 'Ирина', login: 'irina', secret: '2580' }],
      ['release_claim', { number: '1014', approval: { kind: 'badge', code: 'BADGE-0002' } }],
      ['audit', { filter }],
      ['export_audit', { filter }],
      ['user_names', {}],
      ['list_users', {}],
    ]);
  });

  it('tells who listens that core wants someone signed in, and still rejects the call', async () => {
    // sign-in.json: Анна's session ran out before her scan of 1001.
    const b = replay('sign-in');
    const heard: string[] = [];
    const off = ipc.onNotSignedIn((e) => heard.push(e.message));
    const err = await ipc.openForPacking('1001').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'not_signed_in' });
    off();
    expect(heard).toEqual(['Анна was signed out after 30 minutes without work: sign in again']);
    await ipc.logIn({ kind: 'secret', login: 'anna', secret: '0000' }).catch(() => {});
    expect(heard, 'nothing after unsubscribe, nor for a wrong PIN').toHaveLength(1);
    expect(b.calls.map((c) => c.cmd)).toEqual(['open_for_packing', 'log_in']);
  });

  it('sends "no limit" and "the bare stage" as null, with camelCase names', async () => {
    const calls = record();
    await ipc.setStatusLimit('awaiting_call', null);
    await ipc.setSubStatus('1043', null);
    await ipc.renameStatus('ready', 'Awaiting courier', 'Ждёт курьера');
    expect(calls.map((c) => [c.cmd, c.args])).toEqual([
      ['set_status_limit', { code: 'awaiting_call', maxMinutes: null }],
      ['set_sub_status', { number: '1043', code: null }],
      ['rename_status', { code: 'ready', labelEn: 'Awaiting courier', labelRu: 'Ждёт курьера' }],
    ]);
  });

  it("turns a refusal into an IpcError with core's code and sentence", async () => {
    const b = replay('packing-taken');
    b.elsewhere(); // Стол 1 claims 1001 first
    const err = await ipc.openForPacking('1001').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IpcError);
    expect(err).toMatchObject({
      code: 'conflict',
      message: 'order 1001 is being packed at station Стол 1 by Борис',
    });
  });

  it('says which move of the order was refused', async () => {
    replay('orders');
    await ipc.confirmOrder('1043');
    const err = await ipc.confirmOrder('1043').catch((e: unknown) => e);
    expect(err, 'confirmed already').toMatchObject({
      code: 'invalid_transition',
      message: 'cannot move the order from confirmed to confirmed',
    });
  });

  it('turns a plain string rejection (no such command, bad arguments) into code "ipc"', async () => {
    mockIPC(() => Promise.reject('command app_info not found'));
    const err = await ipc.appInfo().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IpcError);
    expect(err).toMatchObject({ code: 'ipc', message: 'command app_info not found' });
  });

  it('turns a transport that throws an Error into code "ipc" too', async () => {
    mockIPC(() => {
      throw new Error('the webview went away');
    });
    const err = await ipc.carriers().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ipc', message: 'the webview went away' });
  });

  it('delivers orders-changed events to the callback until unsubscribed', async () => {
    mockIPC(() => null, { shouldMockEvents: true });
    const cb = vi.fn();
    const off = await ipc.onOrdersChanged(cb);
    await emit('orders-changed', { numbers: ['1001', '1002'] });
    expect(cb).toHaveBeenCalledWith({ numbers: ['1001', '1002'] });
    off();
    await emit('orders-changed', { numbers: ['1003'] });
    expect(cb, 'nothing after unsubscribe').toHaveBeenCalledTimes(1);
  });

  it('delivers progress events of a long job to the callback until unsubscribed', async () => {
    mockIPC(() => null, { shouldMockEvents: true });
    const cb = vi.fn();
    const off = await ipc.onProgress(cb);
    await emit('progress', { job: 'export', done: 1000, total: 2500 });
    expect(cb).toHaveBeenCalledWith({ job: 'export', done: 1000, total: 2500 });
    off();
    await emit('progress', { job: 'export', done: 2500, total: 2500 });
    expect(cb, 'nothing after unsubscribe').toHaveBeenCalledTimes(1);
  });

  it('maps every command in docs/IPC.md to its name', async () => {
    const calls = record();
    await ipc.appInfo();
    await ipc.loadDemo();
    await ipc.listOrders();
    await ipc.statusCounts();
    await ipc.orderDetail('1');
    await ipc.findOrder('1');
    await ipc.confirmOrder('1');
    await ipc.openForPacking('1');
    await ipc.takeApart('1', 'r');
    await ipc.recordScan('1', 'c', 's');
    await ipc.undoLastScan('1');
    await ipc.finishPacking('1');
    await ipc.releaseClaim('1');
    await ipc.shipOrder('1', 'СДЭК', 'T1');
    await ipc.carriers();
    await ipc.createPickList({ next: 5 });
    await ipc.openPickLists();
    await ipc.pickList(1);
    await ipc.pickScan(1, 'A-1', 'c', 's');
    await ipc.shortPick(1, 2, 'r');
    await ipc.completePickList(1);
    await ipc.getSettings();
    await ipc.saveSettings({
      station: '',
      session_idle_minutes: 5,
      database: '',
      language: 'en',
      auto_finish: false,
      scan_gs_substitute: '',
      scale_device: '',
    });
    await ipc.testDatabase('postgres://x@y/z');
    expect(calls.map((c) => c.cmd)).toEqual([
      'app_info',
      'load_demo',
      'list_orders',
      'status_counts',
      'order_detail',
      'find_order',
      'confirm_order',
      'open_for_packing',
      'take_apart',
      'record_scan',
      'undo_last_scan',
      'finish_packing',
      'release_claim',
      'ship_order',
      'carriers',
      'create_pick_list',
      'open_pick_lists',
      'pick_list',
      'pick_scan',
      'short_pick',
      'complete_pick_list',
      'get_settings',
      'save_settings',
      'test_database',
    ]);
    expect(calls.find((c) => c.cmd === 'ship_order')?.args).toEqual({
      number: '1',
      carrier: 'СДЭК',
      tracking: 'T1',
    });
    expect(calls.find((c) => c.cmd === 'create_pick_list')?.args).toEqual({
      orders: null,
      next: 5,
    });
  });

  it('sends every printing command by its name with the arguments of docs/IPC.md', async () => {
    // The station's settings and the seller as core sends them.
    const settings = reply<ipc.PrintSettings>('settings', 'print_settings');
    const seller = reply<ipc.Seller>('settings', 'seller');
    const calls = record();
    await ipc.printSettings();
    await ipc.savePrintSettings(settings);
    await ipc.listPrinters();
    await ipc.printJobs();
    await ipc.printJobs(20);
    await ipc.orderPrintJobs('1001');
    await ipc.retryPrintJob(7);
    await ipc.retryPrintJob(7, 'Zebra_ZD420');
    await ipc.printOrderDocuments('1001');
    await ipc.printDocument('pick_list', { type: 'pick_list', id: 3 });
    await ipc.previewDocument('invoice', { type: 'order', number: '1001' });
    await ipc.previewDocument(
      'manifest',
      { type: 'manifest', carrier: 'СДЭК', date: '2026-11-22' },
      settings.manifest,
    );
    await ipc.seller();
    await ipc.saveSeller(seller);
    expect(calls.map((c) => c.cmd)).toEqual([
      'print_settings',
      'save_print_settings',
      'list_printers',
      'print_jobs',
      'print_jobs',
      'order_print_jobs',
      'retry_print_job',
      'retry_print_job',
      'print_order_documents',
      'print_document',
      'preview_document',
      'preview_document',
      'seller',
      'save_seller',
    ]);
    const args = (i: number) => calls[i]!.args;
    expect(args(1), 'settings go whole, under "settings"').toEqual({ settings });
    expect(args(3), 'no limit: the backend default (100)').toEqual({ limit: null });
    expect(args(4)).toEqual({ limit: 20 });
    expect(args(5)).toEqual({ number: '1001' });
    expect(args(6), 'same printer: no printer argument').toEqual({ id: 7, printer: null });
    expect(args(7)).toEqual({ id: 7, printer: 'Zebra_ZD420' });
    expect(args(8)).toEqual({ number: '1001' });
    expect(args(9), 'the key is tagged by "type", as serde writes it').toEqual({
      kind: 'pick_list',
      key: { type: 'pick_list', id: 3 },
    });
    expect(args(10), "no settings: the station's own").toEqual({
      kind: 'invoice',
      key: { type: 'order', number: '1001' },
      settings: null,
    });
    expect(args(11)).toEqual({
      kind: 'manifest',
      key: { type: 'manifest', carrier: 'СДЭК', date: '2026-11-22' },
      settings: settings.manifest,
    });
    expect(args(13), 'the seller goes under "seller"').toEqual({ seller });
  });

  it('sends the import, mail and outbox commands by name, with camelCase orderNumber', async () => {
    const calls = record();
    const byPath = { path: '/tmp/orders.csv', name: 'orders.csv', content_base64: null };
    const mapping: [string, string][] = [['lineitem sku', 'Артикул']];
    const summary = {
      imported: 1,
      skipped: 0,
      updated: 0,
      failed: 1,
      warnings: 0,
      errors: [{ row: 2, order: '#9102', message: 'unknown SKU' }],
      warning_details: [],
      cancelled: false,
    };
    const mail = {
      enabled: true,
      host: '127.0.0.1',
      port: 2525,
      security: 'none' as const,
      user: '',
      from_address: 'shop@example.ru',
      from_name: 'Магазин',
      lang: 'ru' as const,
      events: ['shipped' as const],
    };
    const carrier = {
      code: 'cdek',
      name: 'СДЭК',
      tracking_url: 'https://www.cdek.ru/ru/tracking?order_id={tracking}',
      tracking_pattern: '^\\d{10}$',
      active: true,
    };
    await ipc.previewImport(byPath, 'shopify', null);
    await ipc.previewImport(byPath, 'shopify', mapping);
    await ipc.importFile(byPath, 'products', mapping);
    await ipc.cancelImport();
    await ipc.saveImportReport(summary);
    await ipc.mailSettings();
    await ipc.saveMailSettings(mail, '');
    await ipc.testMail(mail, 'secret');
    await ipc.carrierList();
    await ipc.saveCarrier(carrier);
    await ipc.templates();
    await ipc.previewTemplate('ru', 'Заказ {number}', 'Текст', ' 1001 ');
    await ipc.previewTemplate('en', 'Order {number}', 'Text', '');
    await ipc.saveTemplate('shipped', 'ru', 'S', 'B', false);
    await ipc.saveTemplate('shipped', 'ru', '', '', true);
    await ipc.outbox(null, null);
    await ipc.outbox('failed', '1001');
    await ipc.retryMessage(7);
    expect(calls.map((c) => c.cmd)).toEqual([
      'preview_import',
      'preview_import',
      'import_file',
      'cancel_import',
      'save_import_report',
      'mail_settings',
      'save_mail_settings',
      'test_mail',
      'carrier_list',
      'save_carrier',
      'templates',
      'preview_template',
      'preview_template',
      'save_template',
      'save_template',
      'outbox',
      'outbox',
      'retry_message',
    ]);
    const args = (i: number) => calls[i]!.args;
    expect(args(0), 'no mapping: the one core remembers for the kind').toEqual({
      source: byPath,
      kind: 'shopify',
      mapping: null,
    });
    expect(args(1), 'the mapping as [field, header] pairs').toEqual({
      source: byPath,
      kind: 'shopify',
      mapping: [['lineitem sku', 'Артикул']],
    });
    expect(args(2)).toEqual({ source: byPath, kind: 'products', mapping });
    expect(args(4), 'the summary goes back whole').toEqual({ summary });
    expect(args(6), 'an empty password keeps the one in the keyring').toEqual({
      settings: mail,
      password: null,
    });
    expect(args(7)).toEqual({ settings: mail, password: 'secret' });
    expect(args(9)).toEqual({ carrier });
    expect(args(11), 'the order number trimmed, as orderNumber').toEqual({
      lang: 'ru',
      subject: 'Заказ {number}',
      body: 'Текст',
      orderNumber: '1001',
    });
    expect(args(12), 'no order: a sample').toMatchObject({ orderNumber: null });
    expect(args(13)).toEqual({
      event: 'shipped',
      lang: 'ru',
      subject: 'S',
      body: 'B',
      reset: false,
    });
    expect(args(14)).toMatchObject({ reset: true });
    expect(args(15), 'the whole outbox').toEqual({ status: null, orderNumber: null });
    expect(args(16)).toEqual({ status: 'failed', orderNumber: '1001' });
    expect(args(17)).toEqual({ id: 7 });
  });

  it('turns a refused seller change into a forbidden IpcError the settings screen can name', async () => {
    replay('settings');
    const seller = reply<ipc.Seller>('settings', 'seller');
    const err = await ipc.saveSeller(seller).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'forbidden' });
  });

  it('rejects every call outside the desktop app, saying where the screens run', async () => {
    expect(ipc.inTauri(), 'no mock installed: a plain browser').toBe(false);
    const err = await ipc.appInfo().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IpcError);
    expect(err).toMatchObject({ code: 'ipc', message: ipc.OUTSIDE_THE_APP });
    expect(ipc.OUTSIDE_THE_APP).toContain('desktop app');
    await expect(ipc.onOrdersChanged(() => {})).rejects.toMatchObject({ code: 'ipc' });
    await expect(ipc.onProgress(() => {})).rejects.toMatchObject({ code: 'ipc' });
    await expect(ipc.carriers()).rejects.toMatchObject({ code: 'ipc' });
  });

  it('makes a fresh UUID for every scan', () => {
    const a = ipc.newScanId();
    const b = ipc.newScanId();
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a).not.toBe(b);
  });
});
