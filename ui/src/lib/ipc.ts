// The one door between the UI and the Rust shell (docs/IPC.md). Nothing else
// imports @tauri-apps/api, so tests swap the backend with `mockIPC` and a
// plain browser gets the in-memory fake backend (fake-backend.ts).

import { invoke, type InvokeArgs } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import type {
  AppInfo,
  DbTest,
  DemoSummary,
  DocumentKey,
  DocumentKind,
  DocumentPreview,
  DocumentSettings,
  ErrorCode,
  ListOrdersArgs,
  OrderDetail,
  OrdersChanged,
  OrderSummary,
  PickList,
  PickListSummary,
  PickScanResult,
  PrintJob,
  Printer,
  PrintSettings,
  ScanResult,
  Seller,
  Settings,
  StatusCount,
  UndoResult,
} from './types';
import { ERROR_CODES } from './types';

/**
 * Every failed command, whatever the transport said. `code` is one of the
 * contract's codes, or `ipc` when the call never reached a command (no such
 * command, arguments rejected by the shell, transport down).
 */
export class IpcError extends Error {
  readonly code: ErrorCode | 'ipc';

  constructor(code: ErrorCode | 'ipc', message: string) {
    super(message);
    this.name = 'IpcError';
    this.code = code;
  }
}

function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && (ERROR_CODES as readonly string[]).includes(code);
}

/** Turns whatever a rejected call carried into an IpcError. */
export function toIpcError(e: unknown): IpcError {
  if (e instanceof IpcError) return e;
  if (e !== null && typeof e === 'object') {
    const o = e as { code?: unknown; message?: unknown };
    const message = typeof o.message === 'string' ? o.message : JSON.stringify(e);
    return new IpcError(isErrorCode(o.code) ? o.code : 'ipc', message);
  }
  return new IpcError('ipc', typeof e === 'string' ? e : String(e));
}

interface TauriWindow {
  __TAURI_INTERNALS__?: { invoke?: unknown };
}

/** True inside the Tauri webview (or under `mockIPC`); checked per call. */
export function inTauri(): boolean {
  if (typeof window === 'undefined') return false;
  return typeof (window as TauriWindow).__TAURI_INTERNALS__?.invoke === 'function';
}

type FakeBackend = typeof import('./fake-backend');
let fake: Promise<FakeBackend> | null = null;

/** The in-memory backend, loaded only in a plain browser (a separate chunk). */
function fakeBackend(): Promise<FakeBackend> {
  fake ??= import('./fake-backend');
  return fake;
}

/** True when this page runs against the in-browser fake backend. */
export function usingFakeBackend(): boolean {
  return !inTauri();
}

// Drops undefined fields so optional arguments are absent, not null.
function clean(args?: Record<string, unknown>): Record<string, unknown> | undefined {
  if (!args) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) if (v !== undefined) out[k] = v;
  return out;
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  const payload = clean(args);
  try {
    if (inTauri()) return await invoke<T>(cmd, payload as InvokeArgs | undefined);
    const backend = await fakeBackend();
    return (await backend.invoke(cmd, payload ?? {})) as T;
  } catch (e) {
    throw toIpcError(e);
  }
}

export const appInfo = () => call<AppInfo>('app_info');
export const loadDemo = () => call<DemoSummary>('load_demo');
export const listOrders = (args: ListOrdersArgs = {}) =>
  call<OrderSummary[]>('list_orders', { ...args });
export const statusCounts = () => call<StatusCount[]>('status_counts');
export const orderDetail = (number: string) => call<OrderDetail>('order_detail', { number });
export const findOrder = (code: string) => call<string | null>('find_order', { code });
export const confirmOrder = (number: string) => call<OrderDetail>('confirm_order', { number });
export const claimOrder = (number: string) => call<OrderDetail>('claim_order', { number });
export const recordScan = (number: string, code: string, scanId: string) =>
  call<ScanResult>('record_scan', { number, code, scanId });
export const undoLastScan = (number: string) => call<UndoResult>('undo_last_scan', { number });
export const finishPacking = (number: string, shortReason?: string) =>
  call<OrderDetail>('finish_packing', { number, shortReason });
export const releaseClaim = (number: string) => call<OrderDetail>('release_claim', { number });
export const shipOrder = (number: string, carrier: string, tracking: string) =>
  call<OrderDetail>('ship_order', { number, carrier, tracking });
export const carriers = () => call<string[]>('carriers');
export const createPickList = (args: { orders?: string[]; next?: number }) =>
  call<PickList>('create_pick_list', { ...args });
export const openPickLists = () => call<PickListSummary[]>('open_pick_lists');
export const pickList = (id: number) => call<PickList>('pick_list', { id });
export const pickScan = (id: number, bin: string | undefined, code: string, scanId: string) =>
  call<PickScanResult>('pick_scan', { id, bin, code, scanId });
export const shortPick = (id: number, lineId: number, reason: string) =>
  call<PickList>('short_pick', { id, lineId, reason });
export const completePickList = (id: number) => call<PickList>('complete_pick_list', { id });
export const getSettings = () => call<Settings>('get_settings');
export const saveSettings = (settings: Settings) => call<AppInfo>('save_settings', { settings });
export const testDatabase = (database: string) => call<DbTest>('test_database', { database });

// Documents and printing.
export const printSettings = () => call<PrintSettings>('print_settings');
export const savePrintSettings = (settings: PrintSettings) =>
  call<PrintSettings>('save_print_settings', { settings });
export const listPrinters = () => call<Printer[]>('list_printers');
export const printJobs = (limit?: number) => call<PrintJob[]>('print_jobs', { limit });
export const orderPrintJobs = (number: string) => call<PrintJob[]>('order_print_jobs', { number });
/** A failed job again, or a sent one reprinted; `printer` sends it elsewhere. */
export const retryPrintJob = (id: number, printer?: string) =>
  call<PrintJob>('retry_print_job', { id, printer });
/** The order's invoice and label again ("Print again F8"), whatever auto-print says. */
export const printOrderDocuments = (number: string) =>
  call<PrintJob[]>('print_order_documents', { number });
export const printDocument = (kind: DocumentKind, key: DocumentKey) =>
  call<PrintJob>('print_document', { kind, key });
/** `settings` previews a choice not saved yet; without it, the station's own. */
export const previewDocument = (
  kind: DocumentKind,
  key: DocumentKey,
  settings?: DocumentSettings,
) => call<DocumentPreview>('preview_document', { kind, key, settings });
export const seller = () => call<Seller>('seller');
export const saveSeller = (next: Seller) => call<Seller>('save_seller', { seller: next });

/** Calls `cb` on every `orders-changed` event; resolves to an unsubscribe. */
export async function onOrdersChanged(cb: (e: OrdersChanged) => void): Promise<() => void> {
  if (inTauri()) {
    const unlisten = await listen<OrdersChanged>('orders-changed', (event) => cb(event.payload));
    return unlisten;
  }
  const backend = await fakeBackend();
  return backend.onOrdersChanged(cb);
}

/** The whole backend as one object, so screen logic can be handed a fake. */
export const ipc = {
  appInfo,
  loadDemo,
  listOrders,
  statusCounts,
  orderDetail,
  findOrder,
  confirmOrder,
  claimOrder,
  recordScan,
  undoLastScan,
  finishPacking,
  releaseClaim,
  shipOrder,
  carriers,
  createPickList,
  openPickLists,
  pickList,
  pickScan,
  shortPick,
  completePickList,
  getSettings,
  saveSettings,
  testDatabase,
  printSettings,
  savePrintSettings,
  listPrinters,
  printJobs,
  orderPrintJobs,
  retryPrintJob,
  printOrderDocuments,
  printDocument,
  previewDocument,
  seller,
  saveSeller,
  onOrdersChanged,
};

export type Ipc = typeof ipc;

/** A fresh client-side id for a scan, so a retried scan is counted once. */
export function newScanId(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') {
    return crypto.randomUUID();
  }
  // Insecure contexts (plain http preview on a LAN address) lack randomUUID.
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
