// The one door between the UI and the Rust shell (docs/IPC.md). Commands,
// DTOs and error codes are generated from Rust into bindings.ts; this module
// wraps the generated `commands` so the screens keep one calling convention:
// a function per command that resolves to the value or throws one IpcError
// (optional arguments may be left out). Nothing else calls the backend, so
// unit tests answer with `mockIPC` (replies recorded from the real core, see
// src/test/backend.ts). Outside the desktop app there is no backend: every
// call rejects with code `ipc` and says so.

import { commands, events } from './bindings';
import { ERROR_CODES } from './enums';
import type {
  AdjustReason,
  AuditFilter,
  BackupSettings as BackupSettingsIn,
  DatabaseUnusable,
  BoxType,
  DashboardChart,
  DashboardQuery,
  Carrier,
  CartonSettings,
  Credential,
  DocumentKey,
  DocumentKind,
  DocumentSettings as DocumentSettingsIn,
  ErrorCode,
  ExportRequest,
  GroupBy,
  ImportKind,
  ImportSource,
  ImportSummary,
  IpcError as IpcErrorReply,
  Lang,
  LedgerFilter,
  MailSettings,
  MessageStatus,
  NewStatus,
  NotifyEvent,
  OrderEdit,
  OrderFilter,
  OrdersChanged,
  PageRenewalDue,
  OrderStatus,
  PackingDocuments,
  Paper,
  PaymentInput,
  PhoneOrderInput,
  PrintSettings as PrintSettingsIn,
  ReceiptSettings,
  ProductInput,
  Progress,
  RefusalDetail,
  ReturnInput,
  Seller as SellerIn,
  Settings,
  ShipRequest,
  SplitLine,
  UserInput,
  // Issue 15: the shop connection.
  ShopApiInput,
  ShopCallState,
  WatchFolderSettings as WatchFolderSettingsIn,
  WebhookChannel,
} from './bindings';

/**
 * Why a call failed: one of the contract's codes (generated from core's
 * `ErrorCode`), or `ipc`, the UI's own, when the call never reached a
 * command: no desktop app around the page, no such command, arguments the
 * shell could not read, the transport down. Rust never sends `ipc`.
 */
export type FailureCode = ErrorCode | 'ipc';

/** Every failed command, whatever the transport said. */
export class IpcError extends Error {
  readonly code: FailureCode;
  /** The figures of a refusal that has them (a weight off, a carton still open). */
  readonly detail: RefusalDetail | null;

  constructor(code: FailureCode, message: string, detail: RefusalDetail | null = null) {
    super(message);
    this.name = 'IpcError';
    this.code = code;
    this.detail = detail;
  }
}

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && (ERROR_CODES as readonly string[]).includes(code);
}

/** Turns whatever a failed call carried into an IpcError. */
export function toIpcError(e: unknown): IpcError {
  if (e instanceof IpcError) return e;
  if (e !== null && typeof e === 'object') {
    const o = e as Partial<Record<keyof IpcErrorReply, unknown>>;
    const message = typeof o.message === 'string' ? o.message : JSON.stringify(e);
    const detail =
      o.detail !== null && typeof o.detail === 'object' ? (o.detail as RefusalDetail) : null;
    return new IpcError(isErrorCode(o.code) ? o.code : 'ipc', message, detail);
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

/** What every call says in a plain browser (`npm run dev`, a screenshot tool). */
export const OUTSIDE_THE_APP =
  "Packbench's screens run inside the desktop app, which holds the database and the printers; " +
  'this page is open in a plain browser, where there is nothing to talk to. Start the app with `make run`.';

type Reply<T> = { status: 'ok'; data: T } | { status: 'error'; error: IpcErrorReply };

// Who hears that core answered `not_signed_in` (nobody is signed in, or
// the session ran out): the app, which shows the sign-in screen again.
const signedOutListeners = new Set<(e: IpcError) => void>();

/** Calls `fn` whenever a command is refused because nobody is signed in; returns an unsubscribe. */
export function onNotSignedIn(fn: (e: IpcError) => void): () => void {
  signedOutListeners.add(fn);
  return () => signedOutListeners.delete(fn);
}

// A command that can fail: its `{status}` reply unwrapped.
async function call<T>(run: () => Promise<Reply<T>>): Promise<T> {
  if (!inTauri()) throw new IpcError('ipc', OUTSIDE_THE_APP);
  let reply: Reply<T>;
  try {
    reply = await run();
  } catch (e) {
    throw toIpcError(e);
  }
  if (reply.status === 'error') {
    const err = toIpcError(reply.error);
    if (err.code === 'not_signed_in') for (const fn of signedOutListeners) fn(err);
    throw err;
  }
  return reply.data;
}

// A command that cannot fail (list_printers, test_database): only
// the transport can.
async function answer<T>(run: () => Promise<T>): Promise<T> {
  if (!inTauri()) throw new IpcError('ipc', OUTSIDE_THE_APP);
  try {
    return await run();
  } catch (e) {
    throw toIpcError(e);
  }
}

// `#[serde(default)]` makes every field of these optional in the generated
// types (what the UI sends may leave any out); what the backend sends has
// them all, and that is what the screens hold and send back.
type Filled<T> = { [K in keyof T]-?: Exclude<T[K], undefined> };
export type DocumentSettings = Filled<DocumentSettingsIn>;
export type PrintSettings = {
  [K in keyof PrintSettingsIn]-?: K extends 'auto_print' ? boolean : DocumentSettings;
};
export type Seller = Filled<SellerIn>;

const c = commands;

export const appInfo = () => call(() => c.appInfo());
export const loadDemo = () => call(() => c.loadDemo());

// People: signing in (PIN, password or badge), the first administrator,
// users (admins), and the audit trail. Core checks every credential and
// every role; the UI only asks and shows.
/** Signs a person in at this station; whoever was signed in is signed out. */
export const logIn = (credential: Credential) => call(() => c.logIn(credential));
export const unlockDatabase = (password: string) => call(() => c.unlockDatabase(password));
export const logOut = () => call(() => c.logOut());
/** Ends the web process and loads the page again in a new one (src-tauri/src/page.rs). */
export const renewPage = () => call(() => c.renewPage());
/** The page listens: the keys held while it replaced a renewed one come now (src-tauri/src/keyhold.rs). */
export const pageReady = () => call(() => c.pageReady());
export const createFirstAdmin = (name: string, login: string, secret: string) =>
  call(() => c.createFirstAdmin(name, login, secret));
export const listUsers = () => call(() => c.listUsers());
/** A new user, or changes to one (found by login); `secret`/`badge` null keep them. */
export const saveUser = (user: UserInput) => call(() => c.saveUser(user));
export const userNames = () => call(() => c.userNames());
/** The audit trail, newest first. */
export const audit = (filter: AuditFilter) => call(() => c.audit(filter));
/** Writes the filtered trail as CSV into the Downloads folder; the file's path. */
export const exportAudit = (filter: AuditFilter) => call(() => c.exportAudit(filter));
// The order list. One filter (every field optional; see lib/filters.ts
// for building it) drives the list, the count, the groups, the export and
// what a saved filter keeps. Amounts go as typed; core reads them and
// refuses a bad one in words.
/** A page of orders, newest first: `limit` of them (50 when left out), older than `before` (an id). */
export const listOrders = (filter: OrderFilter = {}) => call(() => c.listOrders(filter));
/** How many orders the filter finds, over all pages. */
export const countOrders = (filter: OrderFilter = {}) => call(() => c.countOrders(filter));
/** The filter's orders counted by `by`; days are the user's, `utcOffsetMinutes` east of UTC. */
export const groupOrders = (filter: OrderFilter, by: GroupBy, utcOffsetMinutes: number) =>
  call(() => c.groupOrders(filter, by, utcOffsetMinutes));
export const savedFilters = () => call(() => c.savedFilters());
/** Keeps `filter` (without its page) under `name` for the whole store; the list as it now is. */
export const saveFilter = (name: string, filter: OrderFilter) =>
  call(() => c.saveFilter(name, filter));
export const deleteSavedFilter = (name: string) => call(() => c.deleteSavedFilter(name));
/** Writes every order of the filter into a file (see `onProgress`); the file's path. */
export const exportOrders = (request: ExportRequest) => call(() => c.exportOrders(request));

// Import: core reads the file (a path on this computer, or its bytes as
// base64), guesses the columns, checks every row; the UI shows and maps.
/** What the file would import; `mapping` null: the one remembered for the kind. */
export const previewImport = (
  source: ImportSource,
  kind: ImportKind,
  mapping: [string, string][] | null,
) => call(() => c.previewImport(source, kind, mapping));
/** Imports the file (see `onProgress`, job `import`); the mapping is remembered for the kind. */
export const importFile = (source: ImportSource, kind: ImportKind, mapping: [string, string][]) =>
  call(() => c.importFile(source, kind, mapping));
/** Stops the import running after the chunk in hand; what was imported stays. */
export const cancelImport = () => answer(() => c.cancelImport());
/** Writes the import's row-numbered report as CSV; the file's path. */
export const saveImportReport = (summary: ImportSummary) => call(() => c.saveImportReport(summary));

// Customer messages: the store's mail server, the carriers' tracking
// links, the templates, and the outbox. Core checks every setting and
// every template; a password goes to the keyring and never comes back.
export const mailSettings = () => call(() => c.mailSettings());
/** `password` null (or empty): the one kept stays. */
export const saveMailSettings = (settings: MailSettings, password: string | null) =>
  call(() => c.saveMailSettings(settings, password || null));
/** Connects and logs in with these settings; rejects with the server's words. */
export const testMail = (settings: MailSettings, password: string | null) =>
  call(() => c.testMail(settings, password || null));
export const carrierList = () => call(() => c.carrierList());
/** Adds or changes a carrier (by code); the whole list as it now is. */
export const saveCarrier = (carrier: Carrier) => call(() => c.saveCarrier(carrier));
export const templates = () => call(() => c.templates());
/** Fills in a template as typed: with the order's own values, or a sample (`orderNumber` null). */
export const previewTemplate = (
  lang: Lang,
  subject: string,
  body: string,
  orderNumber: string | null,
) => call(() => c.previewTemplate(lang, subject, body, orderNumber?.trim() || null));
/** `reset`: back to Packbench's own wording (subject and body are then not read). */
export const saveTemplate = (
  event: NotifyEvent,
  lang: Lang,
  subject: string,
  body: string,
  reset: boolean,
) => call(() => c.saveTemplate(event, lang, subject, body, reset));
/** The outbox, newest first: all of it, or one status, or one order's messages. */
export const outbox = (status: MessageStatus | null, orderNumber: string | null) =>
  call(() => c.outbox(status, orderNumber?.trim() || null));
/** A failed or given-up message sent again at once; the message as it now is. */
export const retryMessage = (id: number) => call(() => c.retryMessage(id));

export const statusCounts = () => call(() => c.statusCounts());
export const orderDetail = (number: string) => call(() => c.orderDetail(number));
export const findOrder = (code: string) => call(() => c.findOrder(code));
export const confirmOrder = (number: string) => call(() => c.confirmOrder(number));
/** Marks one order or a selection delivered, completed, returned, or cancelled (with a reason). */
export const moveOrders = (numbers: string[], to: OrderStatus, reason?: string) =>
  call(() => c.moveOrders(numbers, to, reason ?? null));
/** A payment or a refund, the amount as typed ("1 500,50"); core parses it. */
export const recordPayment = (number: string, payment: PaymentInput) =>
  call(() => c.recordPayment(number, payment));
export const addNote = (number: string, text: string, pinned: boolean) =>
  call(() => c.addNote(number, text, pinned));
export const pinNote = (number: string, note: number, pinned: boolean) =>
  call(() => c.pinNote(number, note, pinned));

// The order desk: phone orders, edits, managers, back-orders and holds.
// Amounts go as typed; core prices them and refuses a bad line in words.
export const createOrder = (order: PhoneOrderInput) => call(() => c.createOrder(order));
/** Only the fields given change; `lines`, when given, is the whole new list. */
export const editOrder = (number: string, edit: OrderEdit) => call(() => c.editOrder(number, edit));
/** `manager` null: to nobody. */
export const assignOrder = (number: string, manager: string | null) =>
  call(() => c.assignOrder(number, manager));
export const reserveAgain = (number: string) => call(() => c.reserveAgain(number));
/** `day` as typed (core wants YYYY-MM-DD); null: not known. */
export const setExpectedDate = (number: string, lineId: number, day: string | null) =>
  call(() => c.setExpectedDate(number, lineId, day));
export const alternatives = (number: string, lineId: number) =>
  call(() => c.alternatives(number, lineId));
/** An empty `lines` moves the back-ordered units to a linked order. */
export const splitOrder = (number: string, lines: SplitLine[]) =>
  call(() => c.splitOrder(number, lines));
/** `reason` null: the hold is released. */
export const holdOrder = (number: string, reason: string | null) =>
  call(() => c.holdOrder(number, reason));
export const findCustomers = (query: string) => call(() => c.findCustomers(query));
export const findProducts = (query: string) => call(() => c.findProducts(query));

// The store's lifecycle: every edit (admin only, checked by core) answers
// with the whole Lifecycle as it now is.
export const lifecycle = () => call(() => c.lifecycle());
export const renameStatus = (code: string, labelEn: string, labelRu: string) =>
  call(() => c.renameStatus(code, labelEn, labelRu));
export const addStatus = (status: NewStatus) => call(() => c.addStatus(status));
export const removeStatus = (code: string) => call(() => c.removeStatus(code));
export const setTransition = (from: OrderStatus, to: OrderStatus, allowed: boolean) =>
  call(() => c.setTransition(from, to, allowed));
/** `maxMinutes` null: no limit of its own. */
export const setStatusLimit = (code: string, maxMinutes: number | null) =>
  call(() => c.setStatusLimit(code, maxMinutes));
/** Puts the order in one of the store's own statuses inside its stage; null: the bare stage. */
export const setSubStatus = (number: string, code: string | null) =>
  call(() => c.setSubStatus(number, code));
/** A scanned or typed number at packing: claimed, or (packed already) the hand-over. */
export const openForPacking = (number: string) => call(() => c.openForPacking(number));
/**
 * Opens a packed order's box again at this station, with the reason; a
 * packer needs a supervisor's `approval` (core answers `needs_approval`).
 */
export const takeApart = (number: string, reason: string, approval?: Credential | null) =>
  call(() => c.takeApart(number, reason, approval ?? null));
export const recordScan = (number: string, code: string, scanId: string) =>
  call(() => c.recordScan(number, code, scanId));
export const undoLastScan = (number: string) => call(() => c.undoLastScan(number));
/** Shipping short needs a supervisor's `approval` when a packer does it. */
export const finishPacking = (number: string, shortReason?: string, approval?: Credential | null) =>
  call(() => c.finishPacking(number, shortReason ?? null, approval ?? null));
/** Releasing another station's claim needs a supervisor's `approval`. */
export const releaseClaim = (number: string, approval?: Credential | null) =>
  call(() => c.releaseClaim(number, approval ?? null));
export const shipOrder = (number: string, carrier: string, tracking: string) =>
  call(() => c.shipOrder(number, carrier, tracking));
export const carriers = () => call(() => c.carriers());

// Shipping and returns. Core checks every tracking number against the
// carrier's pattern, every returned code against what the order shipped;
// the UI sends what was scanned or typed and shows core's words.
/** A ready order shipped: one tracking number per carton (in carton order), or one for all. */
export const shipParcels = (number: string, carrier: string, trackings: string[]) =>
  call(() => c.shipParcels(number, carrier, trackings));
/** Each order shipped on its own: what shipped, and why each other one did not. */
export const shipBulk = (carrier: string, requests: ShipRequest[]) =>
  call(() => c.shipBulk(carrier, requests));
/** The parcels shipped with `carrier` that no hand-over has closed yet. */
export const waitingHandover = (carrier: string) => call(() => c.waitingHandover(carrier));
/** Closes the carrier's hand-over: its manifest, kept with its number. */
export const closeHandover = (carrier: string) => call(() => c.closeHandover(carrier));
export const handover = (id: number) => call(() => c.handover(id));
// ---- Delivery status (issue 15) ----
/** A carrier's status file: movements kept once, orders whose every parcel was handed over delivered. */
export const importDeliveryStatus = (source: ImportSource, utcOffsetMinutes: number) =>
  call(() => c.importDeliveryStatus(source, utcOffsetMinutes));
/** Parcels with no movement for longer than their carrier's days, the longest still first. */
export const stalledParcels = () => call(() => c.stalledParcels());
export const parcelMovements = (number: string) => call(() => c.parcelMovements(number));
export const stallDays = () => call(() => c.stallDays());
export const setStallDays = (carrier: string, days: number) =>
  call(() => c.setStallDays(carrier, days));
/** The order a returned parcel names: its number, a tracking number or a carton's SSCC. */
export const findReturn = (reference: string) => call(() => c.findReturn(reference));
export const receiveReturn = (number: string, input: ReturnInput) =>
  call(() => c.receiveReturn(number, input));
/** The newest closed hand-overs; without `limit`, the backend's 50. */
export const recentHandovers = (limit?: number) => call(() => c.recentHandovers(limit ?? null));
/** A closed hand-over's manifest to the station's manifest printer. */
export const printHandover = (id: number) => call(() => c.printHandover(id));
/** A return's note to the station's return-note printer (again). */
export const printReturnNote = (returnId: number) => call(() => c.printReturnNote(returnId));

// Cartons and weights. Core opens, checks and closes cartons; the UI sends
// what was scanned, typed or read from the scale, and shows what core said.
/** The order's cartons, first first (the open one has no `closed_at`). */
export const cartons = (number: string) => call(() => c.cartons(number));
/** The order's next carton, in a box by its code or barcode (null: the store's default box). */
export const openCarton = (number: string, boxCode?: string | null) =>
  call(() => c.openCarton(number, boxCode?.trim() || null));
/**
 * Closes the open carton. `weight` as typed (`1.25 kg`, `1250 g`); a weight
 * off the tolerance is refused unless a `reason` comes with it and a
 * supervisor approves (core answers `needs_approval` for a packer).
 */
export const closeCarton = (
  number: string,
  weight: string | null,
  reason?: string | null,
  approval?: Credential | null,
) => call(() => c.closeCarton(number, weight?.trim() || null, reason ?? null, approval ?? null));
/** The weight on this station's scale, in grams (`invalid` when none is set). */
export const readScale = () => call(() => c.readScale());
export const boxTypes = () => call(() => c.boxTypes());
/** Adds or changes a box type (by code); the whole list as it now is. */
export const saveBoxType = (boxType: BoxType) => call(() => c.saveBoxType(boxType));
export const cartonSettings = () => call(() => c.cartonSettings());
export const setCartonSettings = (settings: CartonSettings) =>
  call(() => c.setCartonSettings(settings));
export const createPickList = (args: { orders?: string[]; next?: number }) =>
  call(() => c.createPickList(args.orders ?? null, args.next ?? null));
export const openPickLists = () => call(() => c.openPickLists());
export const pickList = (id: number) => call(() => c.pickList(id));
export const pickScan = (id: number, bin: string | undefined, code: string, scanId: string) =>
  call(() => c.pickScan(id, bin ?? null, code, scanId));
export const shortPick = (id: number, lineId: number, reason: string) =>
  call(() => c.shortPick(id, lineId, reason));
export const completePickList = (id: number) => call(() => c.completePickList(id));
export const getSettings = () => call(() => c.getSettings());
export const saveSettings = (settings: Settings) => call(() => c.saveSettings(settings));
export const testDatabase = (database: string) => answer(() => c.testDatabase(database));

// Documents and printing.
export const printSettings = () => call(() => c.printSettings()) as Promise<PrintSettings>;
export const savePrintSettings = (settings: PrintSettings) =>
  call(() => c.savePrintSettings(settings)) as Promise<PrintSettings>;
export const listPrinters = () => answer(() => c.listPrinters());

// Help at the station: the scanner set-up page, the printer test page, About.
export const scannerTestCodes = () => call(() => c.scannerTestCodes());
/** `read`: the scan as Packbench read it; `typed`: as the layout typed it. */
export const checkScanner = (read: string, typed: string | null) =>
  answer(() => c.checkScanner(read, typed));
export const printTestPage = (printer: string, paper: Paper) =>
  call(() => c.printTestPage(printer, paper));
export const about = () => answer(() => c.about());

// The supervisor's dashboard: the figures, and each chart's numbers as a
// table in `lang`.
export const dashboard = (query: DashboardQuery, lang: Lang) =>
  call(() => c.dashboard(query, lang));
/** One chart's numbers saved as CSV; resolves to the file's path. */
export const saveDashboardCsv = (query: DashboardQuery, chart: DashboardChart) =>
  call(() => c.saveDashboardCsv(query, chart));
/** The whole dashboard as a PDF report; resolves to the file's path. */
export const saveDashboardPdf = (query: DashboardQuery) => call(() => c.saveDashboardPdf(query));
/** The newest jobs first; without `limit`, the backend's 100. */
export const printJobs = (limit?: number) => call(() => c.printJobs(limit ?? null));
export const orderPrintJobs = (number: string) => call(() => c.orderPrintJobs(number));
/** A failed job again, or a sent one reprinted; `printer` sends it elsewhere. */
export const retryPrintJob = (id: number, printer?: string) =>
  call(() => c.retryPrintJob(id, printer ?? null));
/** The order's invoice and label again ("Print again F8"), whatever auto-print says. */
export const printOrderDocuments = (number: string) => call(() => c.printOrderDocuments(number));
export const printDocument = (kind: DocumentKind, key: DocumentKey) =>
  call(() => c.printDocument(kind, key));
/** `settings` previews a choice not saved yet; without it, the station's own. */
export const previewDocument = (
  kind: DocumentKind,
  key: DocumentKey,
  settings?: DocumentSettings,
) => call(() => c.previewDocument(kind, key, settings ?? null));
export const seller = () => call(() => c.seller()) as Promise<Seller>;
export const saveSeller = (next: Seller) => call(() => c.saveSeller(next)) as Promise<Seller>;
/** Which documents go into each sales channel's parcels, and the channels orders came from. */
export const packingDocuments = () => call(() => c.packingDocuments());
export const setPackingDocuments = (documents: PackingDocuments) =>
  call(() => c.setPackingDocuments(documents));

// Backups of this station's SQLite database (on PostgreSQL they are
// refused: the server is backed up with pg_dump). Core names the files,
// keeps the newest N, checks a backup before it restores it and keeps the
// file it replaces.
/** Core always sends every field (serde fills them from the defaults). */
export type BackupSettings = Required<BackupSettingsIn>;
export const backupSettings = () => call(() => c.backupSettings()) as Promise<BackupSettings>;
export const saveBackupSettings = (settings: BackupSettings) =>
  call(() => c.saveBackupSettings(settings)) as Promise<BackupSettings>;
/** The folder and its backups, newest first. */
export const listBackups = () => call(() => c.listBackups());
export const backupNow = () => call(() => c.backupNow());
/** The newest backup when the database is closed as damaged; else null. */
export const restoreOffer = () => call(() => c.restoreOffer());
/** Replaces the database with a backup (an administrator, or anyone when it is damaged); nobody is signed in after. */
export const restoreBackup = (path: string) => call(() => c.restoreBackup(path));

// Stock control: receiving, moves, adjustments, cycle counts, the ledger,
// the re-order list, bins and products. Core reads every code and bin,
// checks every sign and role, and refuses in words; the UI sends what was
// scanned or typed. A scan's id makes a retried scan count once.
/** Books `times` scans of `code` into `bin` (a case barcode counts its units). */
export const receiveStock = (bin: string, code: string, times: number, scanId: string) =>
  call(() => c.receiveStock(bin, code, times, scanId));
/** Moves `times` scans' free units of `code` from one bin to another. */
export const moveStock = (from: string, to: string, code: string, times: number, scanId: string) =>
  call(() => c.moveStock(from, to, code, times, scanId));
/** `delta` with its sign: `found` adds, `correction` either way, the other reasons take away. */
export const adjustStock = (
  bin: string,
  code: string,
  delta: number,
  reason: AdjustReason,
  note: string | null,
) => call(() => c.adjustStock(bin, code, delta, reason, note?.trim() || null));
/** Starts counting a bin, or carries on with its open count. */
export const startCount = (bin: string) => call(() => c.startCount(bin));
export const countScan = (id: number, code: string, times: number, scanId: string) =>
  call(() => c.countScan(id, code, times, scanId));
export const countSheet = (id: number) => call(() => c.countSheet(id));
/** Books the count's differences; a picker's or packer's count needs a supervisor's `approval`. */
export const approveCount = (id: number, approval?: Credential | null) =>
  call(() => c.approveCount(id, approval ?? null));
export const cancelCount = (id: number) => call(() => c.cancelCount(id));
/** The stock ledger, newest first; `sku` and `bin` narrow it. */
export const stockLedger = (filter: LedgerFilter) => call(() => c.stockLedger(filter));
export const reorder = (coverDays: number) => call(() => c.reorder(coverDays));
/** The re-order list as CSV in the station's language; the saved file's path. */
export const saveReorderCsv = (coverDays: number) => call(() => c.saveReorderCsv(coverDays));
export const bins = () => call(() => c.bins());
/** Adds a bin or renames one; every bin as it now is. */
export const saveBin = (code: string, name: string) => call(() => c.saveBin(code, name));
export const product = (sku: string) => call(() => c.product(sku));
/** `isNew`: add (refused when the SKU exists), else change (refused when it does not). */
export const saveProduct = (input: ProductInput, isNew: boolean) =>
  call(() => c.saveProduct(input, isNew));

// The first-run wizard (issue 14 item 4): core tries a database setting
// before the station switches, keeps the store's details (its checks said
// at their fields) and carriers, and says where a new station stands.
/** What a database setting ("" = the default file) would give this station; core answers, never fails. */
export const probeDatabase = (database: string) => answer(() => c.probeDatabase(database));
/** What this station has set up and still needs; where the wizard goes on. */
export const setupStatus = () => call(() => c.setupStatus());
/** The store's name, INN, KPP and address: saved, or the problems at their fields (nothing saved). */
export const saveStoreDetails = (details: Parameters<typeof c.saveStoreDetails>[0]) =>
  call(() => c.saveStoreDetails(details));
/** The carriers the store hands parcels to, by code; every carrier as it now is. */
export const chooseCarriers = (codes: string[]) => call(() => c.useCarriers(codes));
/** Marks the wizard finished (or put off to Settings): it is not shown again. */
export const finishSetup = () => call(() => c.finishSetup());

/** Calls `cb` on every `orders-changed` event; resolves to an unsubscribe. */
export async function onOrdersChanged(cb: (e: OrdersChanged) => void): Promise<() => void> {
  if (!inTauri()) throw new IpcError('ipc', OUTSIDE_THE_APP);
  try {
    return await events.ordersChanged.listen((event) => cb(event.payload));
  } catch (e) {
    throw toIpcError(e);
  }
}

/** Calls `cb` whenever the station says the page is due for a fresh web process; resolves to an unsubscribe. */
export async function onPageRenewalDue(cb: (e: PageRenewalDue) => void): Promise<() => void> {
  if (!inTauri()) throw new IpcError('ipc', OUTSIDE_THE_APP);
  try {
    return await events.pageRenewalDue.listen((event) => cb(event.payload));
  } catch (e) {
    throw toIpcError(e);
  }
}

/** Calls `cb` on every `progress` event of a long job (an export, an import); resolves to an unsubscribe. */
export async function onProgress(cb: (e: Progress) => void): Promise<() => void> {
  if (!inTauri()) throw new IpcError('ipc', OUTSIDE_THE_APP);
  try {
    return await events.progress.listen((event) => cb(event.payload));
  } catch (e) {
    throw toIpcError(e);
  }
}

/** Calls `cb` when the check after start closed a damaged or unwritable database; resolves to an unsubscribe. */
export async function onDatabaseUnusable(cb: (e: DatabaseUnusable) => void): Promise<() => void> {
  if (!inTauri()) throw new IpcError('ipc', OUTSIDE_THE_APP);
  try {
    return await events.databaseUnusable.listen((event) => cb(event.payload));
  } catch (e) {
    throw toIpcError(e);
  }
}

/** The whole backend as one object, so screen logic can be handed a narrower one. */
// ---- Receipts under 54-ФЗ (issue 15 item 3) ----
// Core builds every receipt and says where it stands; only the register's
// answer makes one fiscal. The UI shows core's lines and states.
/** An order's receipts (lines, VAT, signs, state) and what stops its next one. */
export const orderReceipts = (number: string) => call(() => c.orderReceipts(number));
/** Prepares the receipt the order is due now. */
export const prepareReceipt = (number: string) => call(() => c.prepareReceipt(number));
/** Hands the order's receipts that are not fiscal to the register; its receipts after. */
export const sendReceipts = (number: string) => call(() => c.sendReceipts(number));
export const receiptSettings = () => call(() => c.receiptSettings());
export const saveReceiptSettings = (settings: ReceiptSettings, password?: string) =>
  call(() => c.saveReceiptSettings(settings, password ?? null));

// ---- Dropshipping (issue 15 item 4) ----
// Core makes the purchase orders on confirmation, mails them and ships the
// supplier's part; the UI lists them and collects the tracking number.
export const suppliers = () => call(() => c.suppliers());
/** Purchase orders waiting for the supplier (`openOnly`), or all of them. */
export const purchaseOrders = (openOnly: boolean) => call(() => c.purchaseOrders(openOnly));
export const purchaseOrder = (number: string) => call(() => c.purchaseOrder(number));
/** Saves its PDF in the exports folder; where it went. */
export const savePurchaseOrderPdf = (number: string) => call(() => c.savePurchaseOrderPdf(number));
export const savePurchaseOrderCsv = (number: string) => call(() => c.savePurchaseOrderCsv(number));
/** The supplier's tracking number: its lines ship as a part of the order. */
export const shipPurchaseOrder = (number: string, carrier: string, tracking: string) =>
  call(() => c.shipPurchaseOrder(number, carrier, tracking));
export const mailPurchaseOrder = (number: string) => call(() => c.mailPurchaseOrder(number));

// ---- Issue 15: the shop connection ----
// Each shop's API (stock and order status back to the shop), the queue of
// calls to the shops, the watched folder, the webhooks' secrets and the
// inbox of kept bodies. Secrets go in and never come back (core answers
// with fingerprints); core checks every value and refuses in words.
/** The watched folder as core keeps it (every field there: what the UI sends back). */
export type WatchFolder = Filled<WatchFolderSettingsIn>;
export const shopApis = () => call(() => c.shopApis());
/** `api_secret` null keeps the token or secret set before. */
export const setShopApi = (input: ShopApiInput) => call(() => c.setShopApi(input));
export const removeShopApi = (channel: WebhookChannel) => call(() => c.removeShopApi(channel));
/** The counts per state and the newest calls (only those in `callState`), up to `limit` (50). */
export const shopCalls = (callState?: ShopCallState | null, limit?: number) =>
  call(() => c.shopCalls(callState ?? null, limit ?? null));
export const retryShopCall = (id: number) => call(() => c.retryShopCall(id));
export const watchFolder = () => call(() => c.watchFolder()) as Promise<WatchFolder>;
export const setWatchFolder = (settings: WatchFolder) =>
  call(() => c.setWatchFolder(settings)) as Promise<WatchFolder>;
export const webhookSecrets = () => call(() => c.webhookSecrets());
export const setWebhookSecret = (channel: WebhookChannel, secret: string) =>
  call(() => c.setWebhookSecret(channel, secret));
/** The deliveries whose bodies wait for a person, newest first, up to `limit` (50). */
export const webhookInbox = (limit?: number) => call(() => c.webhookInbox(limit ?? null));
export const dismissWebhookDelivery = (id: number) => call(() => c.dismissWebhookDelivery(id));

export const ipc = {
  appInfo,
  loadDemo,
  logIn,
  unlockDatabase,
  logOut,
  createFirstAdmin,
  listUsers,
  saveUser,
  userNames,
  audit,
  exportAudit,
  listOrders,
  countOrders,
  groupOrders,
  savedFilters,
  saveFilter,
  deleteSavedFilter,
  exportOrders,
  previewImport,
  importFile,
  cancelImport,
  saveImportReport,
  mailSettings,
  saveMailSettings,
  testMail,
  carrierList,
  saveCarrier,
  templates,
  previewTemplate,
  saveTemplate,
  outbox,
  retryMessage,
  statusCounts,
  orderDetail,
  findOrder,
  confirmOrder,
  moveOrders,
  recordPayment,
  addNote,
  pinNote,
  createOrder,
  editOrder,
  assignOrder,
  reserveAgain,
  setExpectedDate,
  alternatives,
  splitOrder,
  holdOrder,
  findCustomers,
  findProducts,
  lifecycle,
  renameStatus,
  addStatus,
  removeStatus,
  setTransition,
  setStatusLimit,
  setSubStatus,
  openForPacking,
  takeApart,
  recordScan,
  undoLastScan,
  finishPacking,
  releaseClaim,
  shipOrder,
  carriers,
  shipParcels,
  shipBulk,
  waitingHandover,
  closeHandover,
  handover,
  importDeliveryStatus,
  stalledParcels,
  parcelMovements,
  stallDays,
  setStallDays,
  findReturn,
  receiveReturn,
  recentHandovers,
  printHandover,
  printReturnNote,
  cartons,
  openCarton,
  closeCarton,
  readScale,
  boxTypes,
  saveBoxType,
  cartonSettings,
  setCartonSettings,
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
  scannerTestCodes,
  checkScanner,
  printTestPage,
  about,
  dashboard,
  saveDashboardCsv,
  saveDashboardPdf,
  printJobs,
  orderPrintJobs,
  retryPrintJob,
  printOrderDocuments,
  printDocument,
  previewDocument,
  seller,
  saveSeller,
  packingDocuments,
  setPackingDocuments,
  receiveStock,
  moveStock,
  adjustStock,
  startCount,
  countScan,
  countSheet,
  approveCount,
  cancelCount,
  stockLedger,
  reorder,
  saveReorderCsv,
  bins,
  saveBin,
  product,
  saveProduct,
  backupSettings,
  saveBackupSettings,
  listBackups,
  backupNow,
  restoreOffer,
  restoreBackup,
  // The first-run wizard.
  probeDatabase,
  setupStatus,
  saveStoreDetails,
  chooseCarriers,
  finishSetup,
  // Receipts under 54-ФЗ (issue 15 item 3).
  orderReceipts,
  prepareReceipt,
  sendReceipts,
  receiptSettings,
  saveReceiptSettings,
  // Dropshipping (issue 15 item 4).
  suppliers,
  purchaseOrders,
  purchaseOrder,
  savePurchaseOrderPdf,
  savePurchaseOrderCsv,
  shipPurchaseOrder,
  mailPurchaseOrder,
  // Issue 15: the shop connection.
  shopApis,
  setShopApi,
  removeShopApi,
  shopCalls,
  retryShopCall,
  watchFolder,
  setWatchFolder,
  webhookSecrets,
  setWebhookSecret,
  webhookInbox,
  dismissWebhookDelivery,
  onOrdersChanged,
  onProgress,
  onDatabaseUnusable,
  onPageRenewalDue,
  renewPage,
  pageReady,
};

export type Ipc = typeof ipc;

/** A fresh client-side id for a scan, so a retried scan is counted once. */
export function newScanId(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') {
    return crypto.randomUUID();
  }
  // Insecure contexts (plain http on a LAN address) lack randomUUID.
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
