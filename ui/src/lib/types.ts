// Hand-written mirror of docs/IPC.md (the JSON serde produces). Keep it in
// step with that document until bindings.ts is generated from Rust; the
// names and field spellings here are the contract, not a UI choice.

export type OrderStatus =
  | 'new'
  | 'confirmed'
  | 'picking'
  | 'packing'
  | 'ready'
  | 'shipped'
  | 'delivered'
  | 'completed'
  | 'returned'
  | 'cancelled';

export const ORDER_STATUSES: readonly OrderStatus[] = [
  'new',
  'confirmed',
  'picking',
  'packing',
  'ready',
  'shipped',
  'delivered',
  'completed',
  'returned',
  'cancelled',
];

export type PaymentStatus = 'awaiting_payment' | 'paid' | 'partially_refunded' | 'refunded';

export type Role = 'picker' | 'packer' | 'supervisor' | 'admin';
export type Language = 'ru' | 'en';

export interface AppInfo {
  version: string;
  station: string;
  user: string;
  role: Role;
  /** "SQLite /path" or "PostgreSQL postgres://user@host/db" (no password) */
  database: string;
  engine: 'SQLite' | 'PostgreSQL';
  /** PACKBENCH_DATABASE_URL chose the database: the saved setting is not used */
  database_from_env: boolean;
  language: Language;
  auto_finish: boolean;
  /** no orders yet: show the welcome screen */
  empty_database: boolean;
  /** database unreachable / migration failed: show it with what to do */
  startup_error: string | null;
}

export interface Settings {
  station: string;
  user: string;
  /** "" = default local file */
  database: string;
  language: Language;
  auto_finish: boolean;
}

export interface DbTest {
  ok: boolean;
  engine: string | null;
  message: string;
}

export interface OrderSummary {
  number: string;
  status: OrderStatus;
  customer_name: string;
  channel: string;
  delivery_method: string;
  created_at: string;
  units: number;
  packed: number;
  total_minor: number;
  currency: string;
  claimed_station: string | null;
  overdue: boolean;
}

export interface StatusCount {
  status: OrderStatus;
  count: number;
  overdue: number;
}

export interface LineRow {
  id: number;
  position: number;
  product_id: number | null;
  sku: string;
  name: string;
  quantity: number;
  unit_price_minor: number;
  discount_minor: number;
  tax_rate_bp: number;
  packed: number;
  bin: string | null;
}

export interface EventView {
  at: string;
  user: string;
  station: string;
  kind: string;
  // The contract says `any`: before/after are free-form JSON snapshots.
  before: unknown;
  after: unknown;
}

export interface ScanView {
  at: string;
  user: string;
  station: string;
  code: string;
  outcome: string;
  units: number;
}

export interface OrderDetail {
  id: number;
  number: string;
  channel: string;
  customer_name: string;
  email: string;
  phone: string;
  shipping_address: string;
  delivery_method: string;
  delivery_cost_minor: number;
  currency: string;
  payment_status: PaymentStatus;
  comment: string;
  status: OrderStatus;
  status_changed_at: string;
  created_at: string;
  claimed_station: string | null;
  claimed_by: string | null;
  carrier: string | null;
  tracking_number: string | null;
  shipped_at: string | null;
  short_reason: string | null;
  lines: LineRow[];
  units: number;
  packed: number;
  goods_total_minor: number;
  total_minor: number;
  events: EventView[];
  scans: ScanView[];
}

export type ScanOutcome =
  | {
      outcome: 'accepted';
      line_id: number;
      sku: string;
      name: string;
      units: number;
      packed: number;
      ordered: number;
      order_complete: boolean;
    }
  | { outcome: 'wrong_item'; sku: string; name: string }
  | {
      outcome: 'over_scan';
      line_id: number;
      sku: string;
      name: string;
      units: number;
      packed: number;
      ordered: number;
    }
  | { outcome: 'unknown_barcode' }
  | { outcome: 'invalid_barcode'; reason: string }
  | { outcome: 'not_claimed'; held_by: string | null };

export type ScanResult = ScanOutcome & {
  code: string;
  scan_id: string;
  duplicate: boolean;
  message: string;
};

export interface UndoResult {
  code: string;
  line_id: number;
  sku: string;
  units: number;
  packed: number;
  ordered: number;
}

export interface DemoSummary {
  products: number;
  orders: number;
}

export interface PickLine {
  id: number;
  bin: string;
  sku: string;
  name: string;
  barcode: string | null;
  quantity: number;
  picked: number;
  short: number;
  short_reason: string | null;
  orders: string[];
}

export interface PickList {
  id: number;
  status: 'open' | 'done';
  created_at: string;
  created_by: string;
  orders: string[];
  /** sorted by bin, natural order: A-2 before A-10 */
  lines: PickLine[];
}

export interface PickListSummary {
  id: number;
  status: 'open' | 'done';
  created_at: string;
  created_by: string;
  orders: number;
  lines: number;
  units: number;
  picked: number;
}

export type PickOutcome =
  | { outcome: 'bin_confirmed'; bin: string }
  | {
      outcome: 'picked';
      line_id: number;
      sku: string;
      name: string;
      bin: string;
      picked: number;
      quantity: number;
      list_complete: boolean;
    }
  | { outcome: 'scan_bin_first' }
  | { outcome: 'wrong_bin'; sku: string; name: string; expected_bin: string }
  | { outcome: 'not_in_list'; sku: string; name: string }
  | { outcome: 'over_pick'; line_id: number; sku: string; picked: number; quantity: number }
  | { outcome: 'unknown_barcode' }
  | { outcome: 'invalid_barcode'; reason: string };

export type PickScanResult = PickOutcome & { code: string; message: string };

// ---- Documents and printing (issue 4) ---------------------------------

export type DocumentKind = 'invoice' | 'packing_slip' | 'label' | 'pick_list' | 'manifest';

export const DOCUMENT_KINDS: readonly DocumentKind[] = [
  'invoice',
  'packing_slip',
  'label',
  'pick_list',
  'manifest',
];

/** zpl: labels only */
export type DocFormat = 'pdf' | 'zpl';
/** a5: packing slip only; labels: label paper only */
export type Paper = 'a4' | 'a5' | 'label_4x6' | 'label_100x150';
/** used by zpl */
export type Dpi = '203' | '300';
/** the document's language */
export type Lang = 'ru' | 'en';

export interface DocumentSettings {
  /** CUPS queue; null = jobs wait in the queue */
  printer: string | null;
  paper: Paper;
  format: DocFormat;
  dpi: Dpi;
  lang: Lang;
}

export interface PrintSettings {
  /** invoice + label when packing finishes */
  auto_print: boolean;
  invoice: DocumentSettings;
  packing_slip: DocumentSettings;
  label: DocumentSettings;
  pick_list: DocumentSettings;
  manifest: DocumentSettings;
}

export type DocumentKey =
  /** invoice, packing_slip, label */
  | { type: 'order'; number: string }
  /** pick_list */
  | { type: 'pick_list'; id: number }
  /** manifest; date is YYYY-MM-DD */
  | { type: 'manifest'; carrier: string; date: string };

export type PrintStatus = 'queued' | 'sent' | 'failed';

export const PRINT_STATUSES: readonly PrintStatus[] = ['queued', 'sent', 'failed'];

export interface PrintJob {
  id: number;
  kind: DocumentKind;
  key: DocumentKey;
  format: DocFormat;
  paper: Paper;
  dpi: Dpi;
  lang: Lang;
  printer: string | null;
  status: PrintStatus;
  /** failed: the printer's or lp's words; sent: "sent to X as X-12"; queued: why it waits */
  message: string;
  cups_job: string | null;
  attempts: number;
  created_at: string;
  updated_at: string;
  station: string;
  user: string;
}

export type PrinterState = 'idle' | 'printing' | 'stopped' | 'unknown';

export interface Printer {
  name: string;
  state: PrinterState;
  message: string;
  is_default: boolean;
}

export interface DocumentPreview {
  kind: DocumentKind;
  format: DocFormat;
  paper: Paper;
  /** size of what the printer receives */
  bytes: number;
  /** "data:image/png;base64,..." one per page, at most 10 */
  pages: string[];
  page_count: number;
  /** the ZPL text when format = zpl (the images then show the same label as PDF) */
  zpl: string | null;
  /** "invoice-1001.pdf" */
  file_name: string;
}

export interface Seller {
  name: string;
  address: string;
  phone: string;
  email: string;
  inn: string;
  kpp: string;
  bank_name: string;
  bik: string;
  account: string;
  corr_account: string;
}

export const ERROR_CODES = [
  'not_found',
  'invalid_transition',
  'conflict',
  'refused',
  'invalid',
  'forbidden',
  'unavailable',
  'storage',
  'migration',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** The payload of the `orders-changed` event. */
export interface OrdersChanged {
  numbers: string[];
}

export interface ListOrdersArgs {
  status?: OrderStatus;
  search?: string;
  limit?: number;
}
