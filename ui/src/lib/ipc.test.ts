import { afterEach, describe, expect, it, vi } from 'vitest';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { emit } from '@tauri-apps/api/event';
import * as ipc from './ipc';
import { IpcError } from './ipc';
import type { OrderDetail, ScanResult } from './types';

afterEach(() => clearMocks());

function record() {
  const calls: { cmd: string; args: unknown }[] = [];
  return {
    calls,
    handler(answer: (cmd: string, args: unknown) => unknown) {
      return (cmd: string, args: unknown) => {
        calls.push({ cmd, args });
        return answer(cmd, args);
      };
    },
  };
}

describe('ipc', () => {
  it('calls claim_order with the number and returns the order', async () => {
    const r = record();
    const order = { number: '1001', status: 'packing' } as OrderDetail;
    mockIPC(r.handler(() => order));
    await expect(ipc.claimOrder('1001')).resolves.toEqual(order);
    expect(r.calls).toEqual([{ cmd: 'claim_order', args: { number: '1001' } }]);
  });

  it('sends record_scan with camelCase scanId, as Tauri maps it to scan_id', async () => {
    const r = record();
    const result = { outcome: 'unknown_barcode', code: 'X', scan_id: 's1' } as ScanResult;
    mockIPC(r.handler(() => result));
    await expect(ipc.recordScan('1001', '4601234567893', 's1')).resolves.toEqual(result);
    expect(r.calls[0]).toEqual({
      cmd: 'record_scan',
      args: { number: '1001', code: '4601234567893', scanId: 's1' },
    });
  });

  it('leaves optional arguments out rather than sending undefined', async () => {
    const r = record();
    mockIPC(r.handler(() => ({})));
    await ipc.finishPacking('1001');
    await ipc.finishPacking('1002', 'out of stock');
    await ipc.listOrders({ status: 'confirmed' });
    await ipc.pickScan(3, undefined, 'A-01-2', 's2');
    await ipc.shortPick(3, 17, 'broken');
    await ipc.saveSettings({
      station: 'S',
      user: 'U',
      database: '',
      language: 'ru',
      auto_finish: true,
    });
    expect(r.calls.map((c) => [c.cmd, c.args])).toEqual([
      ['finish_packing', { number: '1001' }],
      ['finish_packing', { number: '1002', shortReason: 'out of stock' }],
      ['list_orders', { status: 'confirmed' }],
      ['pick_scan', { id: 3, code: 'A-01-2', scanId: 's2' }],
      ['short_pick', { id: 3, lineId: 17, reason: 'broken' }],
      [
        'save_settings',
        {
          settings: { station: 'S', user: 'U', database: '', language: 'ru', auto_finish: true },
        },
      ],
    ]);
  });

  it('turns a rejected {code, message} into an IpcError with both', async () => {
    mockIPC(() => {
      throw { code: 'conflict', message: 'order 1001 is being packed at Station 1' };
    });
    const err = await ipc.claimOrder('1001').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IpcError);
    expect(err).toMatchObject({
      code: 'conflict',
      message: 'order 1001 is being packed at Station 1',
    });
  });

  it('turns a plain string rejection (no such command, bad arguments) into code "ipc"', async () => {
    mockIPC(() => Promise.reject('command app_info not found'));
    const err = await ipc.appInfo().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IpcError);
    expect(err).toMatchObject({ code: 'ipc', message: 'command app_info not found' });
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

  it('maps every command in docs/IPC.md to its name', async () => {
    const r = record();
    mockIPC(r.handler(() => null));
    await ipc.appInfo();
    await ipc.loadDemo();
    await ipc.listOrders();
    await ipc.statusCounts();
    await ipc.orderDetail('1');
    await ipc.findOrder('1');
    await ipc.confirmOrder('1');
    await ipc.claimOrder('1');
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
      user: '',
      database: '',
      language: 'en',
      auto_finish: false,
    });
    await ipc.testDatabase('postgres://x@y/z');
    expect(r.calls.map((c) => c.cmd)).toEqual([
      'app_info',
      'load_demo',
      'list_orders',
      'status_counts',
      'order_detail',
      'find_order',
      'confirm_order',
      'claim_order',
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
    expect(r.calls.find((c) => c.cmd === 'ship_order')?.args).toEqual({
      number: '1',
      carrier: 'СДЭК',
      tracking: 'T1',
    });
  });

  it('sends every printing command by its name with the arguments of docs/IPC.md', async () => {
    const r = record();
    mockIPC(r.handler(() => null));
    const doc = {
      printer: null,
      paper: 'label_100x150',
      format: 'zpl',
      dpi: '300',
      lang: 'en',
    } as const;
    const settings = {
      auto_print: true,
      invoice: { ...doc, printer: 'VirtualPDF', paper: 'a4', format: 'pdf' },
      packing_slip: { ...doc, paper: 'a5', format: 'pdf' },
      label: doc,
      pick_list: { ...doc, paper: 'a4', format: 'pdf' },
      manifest: { ...doc, paper: 'a4', format: 'pdf' },
    } as const;
    const seller = {
      name: 'ООО «Пакбенч»',
      address: 'Казань',
      phone: '',
      email: '',
      inn: '1655123456',
      kpp: '165501001',
      bank_name: '',
      bik: '049205999',
      account: '40702810900000012345',
      corr_account: '30101810000000000999',
    };
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
    const withArgs = r.calls.map((c) => [c.cmd, c.args]);
    expect(withArgs.map(([cmd]) => cmd)).toEqual([
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
    const args = (i: number) => r.calls[i]!.args;
    expect(args(1), 'settings go whole, under "settings"').toEqual({ settings });
    expect(args(3), 'no limit: the backend default (100)').toEqual({});
    expect(args(4)).toEqual({ limit: 20 });
    expect(args(5)).toEqual({ number: '1001' });
    expect(args(6), 'same printer: no printer argument').toEqual({ id: 7 });
    expect(args(7)).toEqual({ id: 7, printer: 'Zebra_ZD420' });
    expect(args(8)).toEqual({ number: '1001' });
    expect(args(9), 'the key is tagged by "type", as serde writes it').toEqual({
      kind: 'pick_list',
      key: { type: 'pick_list', id: 3 },
    });
    expect(args(10), "no settings: the station's own").toEqual({
      kind: 'invoice',
      key: { type: 'order', number: '1001' },
    });
    expect(args(11)).toEqual({
      kind: 'manifest',
      key: { type: 'manifest', carrier: 'СДЭК', date: '2026-11-22' },
      settings: settings.manifest,
    });
    expect(args(13), 'the seller goes under "seller"').toEqual({ seller });
  });

  it('turns a refused seller change into a forbidden IpcError the settings screen can name', async () => {
    mockIPC(() => {
      throw { code: 'forbidden', message: 'changing the seller needs a supervisor' };
    });
    const err = await ipc.saveSeller({} as never).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'forbidden' });
  });

  it('falls back to the in-browser fake backend outside Tauri', async () => {
    expect(ipc.inTauri(), 'no mock installed: a plain browser').toBe(false);
    const info = await ipc.appInfo();
    expect(info.database).toContain('preview');
    const err = await ipc.orderDetail('999999').catch((e: unknown) => e);
    expect(err, 'the fake rejects like the shell').toMatchObject({ code: 'not_found' });
  });

  it('makes a fresh UUID for every scan', () => {
    const a = ipc.newScanId();
    const b = ipc.newScanId();
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a).not.toBe(b);
  });
});
