// The stock screen's scanning work: receiving goods into a bin, moving them
// between bins and counting a bin. A bin label scanned names the bin (the
// bins are core's list, read on show); anything else scanned is goods and
// goes to core at once, through the same strict queue as the packing table
// (scan-station.ts), with its own scan id so a scanner's retry counts once.
// Core reads the code, checks the bin, the free units and the role, and
// refuses in words; nothing here decides what may be booked.

import { ScanStation, type Banner } from './scan-station';
import { ApprovalGate, withApproval, type ApprovalPrompt, type ApprovalWhat } from './approval';
import { newScanId, toIpcError, type Ipc } from './ipc';
import type { SoundKind } from './sound';
import type {
  AdjustReason,
  BinView,
  CountLine,
  CountSheet,
  Op,
  ProductBarcode,
  ProductInput,
  ProductView,
  StockChange,
} from './bindings';
import { errorKey, type MessageKey, type Msg } from './i18n';

/** What the stock screen is doing; null: its menu. */
export type StockMode =
  'receive' | 'move' | 'count' | 'adjust' | 'ledger' | 'reorder' | 'products' | 'bins';

/** The modes in menu order, each with the op that offers it (null: everyone signed in). */
export const STOCK_MODES: readonly { mode: StockMode; op: Op | null }[] = [
  { mode: 'receive', op: 'receive_stock' },
  { mode: 'move', op: 'move_stock' },
  { mode: 'count', op: 'count_stock' },
  { mode: 'adjust', op: 'adjust_stock' },
  { mode: 'ledger', op: null },
  { mode: 'reorder', op: null },
  { mode: 'products', op: 'edit_products' },
  { mode: 'bins', op: 'edit_products' },
];

/** The modes this person is offered (core decides all the same). */
export function modesFor(may: (op: Op) => boolean): StockMode[] {
  return STOCK_MODES.filter((m) => m.op === null || may(m.op)).map((m) => m.mode);
}

/** The modes a scan means something in. */
export function scanMode(mode: StockMode | null): mode is 'receive' | 'move' | 'count' {
  return mode === 'receive' || mode === 'move' || mode === 'count';
}

/** The reasons of an adjustment, in the order the select lists them. */
export const ADJUST_REASONS: readonly AdjustReason[] = [
  'damaged',
  'lost',
  'expired',
  'sample',
  'found',
  'correction',
];

export function reasonKey(reason: string): MessageKey | null {
  return (ADJUST_REASONS as readonly string[]).includes(reason)
    ? (`stock.reason.${reason}` as MessageKey)
    : null;
}

const KINDS = ['received', 'moved', 'adjusted', 'counted', 'shipped', 'found', 'import', 'opening'];

/** The words for a ledger row's kind, when the UI has them (else core's word is shown). */
export function kindKey(kind: string): MessageKey | null {
  return KINDS.includes(kind) ? (`stock.kind.${kind}` as MessageKey) : null;
}

/**
 * A whole number as typed ("12", "-3", "+2"); null for anything else. What
 * the number may be (its sign for a reason, its range) is core's to say.
 */
export function parseWhole(text: string): number | null {
  const t = text.trim().replace(/^\u2212/, '-');
  if (!/^[+-]?\d{1,12}$/.test(t)) return null;
  return Number(t);
}

/** One booking of this session (a receipt or a move), newest first in the list. */
export interface Booking {
  seq: number;
  /** When it was booked, ms (the station's clock: for the list only). */
  at: number;
  sku: string;
  name: string;
  units: number;
  /** The bins it touched, after it (a move: from, then to). */
  bins: StockChange['bins'];
}

export interface StockState {
  mode: StockMode | null;
  /** The bin goods are received into. */
  bin: string | null;
  /** A move's bins. */
  from: string | null;
  to: string | null;
  /** The count on show (open, or just decided). */
  sheet: CountSheet | null;
  /** The SKU scanned last (its line lights up). */
  lastSku: string | null;
  flash: number;
  receipts: Booking[];
  moves: Booking[];
  bins: BinView[];
  banner: Banner | null;
  pending: number;
}

export type StockIpc = Pick<
  Ipc,
  | 'receiveStock'
  | 'moveStock'
  | 'startCount'
  | 'countScan'
  | 'countSheet'
  | 'approveCount'
  | 'cancelCount'
  | 'bins'
>;

export interface StockDeps {
  ipc: StockIpc;
  sound?: (kind: SoundKind) => void;
  newScanId?: () => string;
  /** Who asks for a supervisor when core wants one for a count; the station's own gate by default. */
  approval?: ApprovalPrompt;
  /** The clock for the session's lists. */
  now?: () => number;
}

// A count is approved through the same withApproval, gate and dialog as the
// packing table's actions.
const APPROVE_COUNT: ApprovalWhat = 'approve_count';

/** The line whose count went up between two sheets of the same count. */
export function countedLine(before: CountSheet | null, after: CountSheet): CountLine | null {
  const old = before?.count.id === after.count.id ? before.lines : [];
  return (
    after.lines.find((l) => {
      const was = old.find((o) => o.sku === l.sku);
      return l.counted > (was?.counted ?? 0);
    }) ?? null
  );
}

/** Keeps the newest `n` bookings. */
const KEEP = 200;

export class StockStation extends ScanStation<StockState> {
  private readonly deps: StockDeps;
  /** The count dialog's gate, when no other prompt was given. */
  readonly approvals = new ApprovalGate();
  private bookingSeq = 0;
  private sheetSeq = 0;

  constructor(deps: StockDeps) {
    super(
      {
        mode: null,
        bin: null,
        from: null,
        to: null,
        sheet: null,
        lastSku: null,
        flash: 0,
        receipts: [],
        moves: [],
        bins: [],
        banner: null,
        pending: 0,
      },
      deps.sound,
    );
    this.deps = deps;
  }

  /** Shows a mode (null: the menu); the banner of the last one goes. */
  setMode(mode: StockMode | null) {
    if (mode === this.s.mode) return;
    this.set({ mode, banner: null });
  }

  /** Reads the bins again (on show, and when a scan names none of them). */
  loadBins(): Promise<void> {
    return this.enqueue(() => this.readBins());
  }

  private async readBins() {
    this.set({ bins: await this.deps.ipc.bins() });
  }

  /** Bins just saved on the bins page. */
  showBins(bins: BinView[]) {
    this.set({ bins });
  }

  /** A scan (or a code typed and Enter): a bin label, or goods `times` over. */
  scan(code: string, times = 1): Promise<void> {
    const trimmed = code.trim();
    if (!trimmed) return this.settled();
    return this.enqueue(() => this.handleScan(trimmed, times));
  }

  /** Forgets a move's bins: the next bin scanned is where goods come from. */
  resetMove() {
    this.set({ from: null, to: null, banner: null });
  }

  /** Leaves the count on show (an open one stays open: scanning its bin goes on with it). */
  closeSheet() {
    this.sheetSeq++;
    this.set({ sheet: null, lastSku: null, banner: null });
  }

  approveCount(): Promise<void> {
    return this.enqueue(async () => {
      const sheet = this.s.sheet;
      if (!sheet || sheet.count.state !== 'open') return;
      const id = sheet.count.id;
      const r = await withApproval(
        APPROVE_COUNT,
        (approval) => this.deps.ipc.approveCount(id, approval),
        this.deps.approval ?? this.approvals,
      );
      if (!r.done) {
        this.banner('info', 'not_approved', { key: 'stock.count.notApproved' });
        return;
      }
      // Core answers with the bin as it now is (books = counted): the
      // sheet keeps the lines as they were approved, so the differences
      // booked stay in sight.
      const approved = this.s.sheet?.count.id === id ? this.s.sheet : sheet;
      this.showSheet({ count: r.value.count, lines: approved.lines });
      this.banner('done', 'approved', {
        key: 'stock.count.approved',
        params: { id, bin: r.value.count.bin },
      });
      void this.readBins().catch(() => {});
    });
  }

  cancelCount(): Promise<void> {
    return this.enqueue(async () => {
      const sheet = this.s.sheet;
      if (!sheet || sheet.count.state !== 'open') return;
      const after = await this.deps.ipc.cancelCount(sheet.count.id);
      this.showSheet(after);
      this.banner('info', 'cancelled', {
        key: 'stock.count.cancelled',
        params: { id: after.count.id, bin: after.count.bin },
      });
    });
  }

  /** The bin code a scan names, as core spells it; null when it is no bin. */
  binOf(code: string): string | null {
    const c = code.trim().toLocaleUpperCase();
    return this.s.bins.find((b) => b.code.toLocaleUpperCase() === c)?.code ?? null;
  }

  private async knownBin(code: string): Promise<string | null> {
    const hit = this.binOf(code);
    if (hit) return hit;
    // A bin added at another station since the list was read.
    try {
      await this.readBins();
    } catch {
      return null;
    }
    return this.binOf(code);
  }

  private async handleScan(code: string, times: number) {
    const mode = this.s.mode;
    if (!scanMode(mode)) return;
    if (this.s.bins.length === 0) await this.readBins();
    const bin = this.binOf(code);
    if (mode === 'receive') return this.receive(code, bin, times);
    if (mode === 'move') return this.move(code, bin, times);
    return this.count(code, bin, times);
  }

  private id(): string {
    return (this.deps.newScanId ?? newScanId)();
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  private booking(change: StockChange): Booking {
    return {
      seq: ++this.bookingSeq,
      at: this.now(),
      sku: change.product.sku,
      name: change.product.name,
      units: change.units,
      bins: change.bins,
    };
  }

  private duplicate(change: StockChange, code: string) {
    this.set({ lastSku: change.product.sku, flash: this.s.flash + 1 });
    this.banner(
      'info',
      'duplicate',
      { key: 'stock.duplicate', params: { name: change.product.name, sku: change.product.sku } },
      code,
    );
  }

  private async receive(code: string, bin: string | null, times: number) {
    if (bin) {
      this.set({ bin });
      this.banner('info', 'bin', { key: 'stock.receive.scanGoods', params: { bin } }, code);
      return;
    }
    const into = this.s.bin ?? (await this.knownBin(code));
    if (!this.s.bin) {
      if (into) {
        this.set({ bin: into });
        this.banner('info', 'bin', { key: 'stock.receive.scanGoods', params: { bin: into } }, code);
      } else {
        this.banner('bad', 'scan_bin_first', { key: 'stock.scanBinFirst', params: { code } }, code);
      }
      return;
    }
    const change = await this.deps.ipc.receiveStock(this.s.bin, code, times, this.id());
    if (change.duplicate) return this.duplicate(change, code);
    const level = change.bins[0];
    this.set({
      receipts: [this.booking(change), ...this.s.receipts].slice(0, KEEP),
      lastSku: change.product.sku,
      flash: this.s.flash + 1,
    });
    this.banner(
      'good',
      'received',
      {
        key: 'stock.received',
        params: {
          name: change.product.name,
          sku: change.product.sku,
          units: change.units,
          bin: level?.bin ?? this.s.bin,
          on_hand: level?.on_hand ?? '?',
        },
      },
      code,
    );
  }

  private async move(code: string, bin: string | null, times: number) {
    const { from, to } = this.s;
    const named = bin ?? (!from || !to ? await this.knownBin(code) : null);
    if (named) {
      if (!from || (from && to)) {
        this.set({ from: named, to: null });
        this.banner('info', 'from', { key: 'stock.move.scanTo', params: { from: named } }, code);
      } else if (named === from) {
        this.banner('info', 'from', { key: 'stock.move.scanTo', params: { from } }, code);
      } else {
        this.set({ to: named });
        this.banner(
          'info',
          'to',
          { key: 'stock.move.scanGoods', params: { from, to: named } },
          code,
        );
      }
      return;
    }
    if (!from || !to) {
      this.banner(
        'bad',
        'scan_bin_first',
        { key: from ? 'stock.move.binFirstTo' : 'stock.scanBinFirst', params: { code, from } },
        code,
      );
      return;
    }
    const change = await this.deps.ipc.moveStock(from, to, code, times, this.id());
    if (change.duplicate) return this.duplicate(change, code);
    const left = change.bins.find((b) => b.bin === from);
    const now = change.bins.find((b) => b.bin === to);
    this.set({
      moves: [this.booking(change), ...this.s.moves].slice(0, KEEP),
      lastSku: change.product.sku,
      flash: this.s.flash + 1,
    });
    this.banner(
      'good',
      'moved',
      {
        key: 'stock.moved',
        params: {
          name: change.product.name,
          sku: change.product.sku,
          units: change.units,
          from,
          to,
          from_left: left?.on_hand ?? '?',
          to_now: now?.on_hand ?? '?',
        },
      },
      code,
    );
  }

  private async count(code: string, bin: string | null, times: number) {
    const sheet = this.s.sheet;
    const open = sheet?.count.state === 'open' ? sheet : null;
    const named = bin ?? (open ? null : await this.knownBin(code));
    if (named) {
      if (open && open.count.bin === named) {
        this.banner(
          'info',
          'count',
          { key: 'stock.count.scanGoods', params: { id: open.count.id, bin: named } },
          code,
        );
        return;
      }
      const started = await this.deps.ipc.startCount(named);
      this.showSheet(started);
      this.set({ lastSku: null });
      this.banner(
        'info',
        'count',
        { key: 'stock.count.scanGoods', params: { id: started.count.id, bin: named } },
        code,
      );
      return;
    }
    if (!open) {
      this.banner('bad', 'scan_bin_first', { key: 'stock.scanBinFirst', params: { code } }, code);
      return;
    }
    const after = await this.deps.ipc.countScan(open.count.id, code, times, this.id());
    const line = countedLine(this.s.sheet, after);
    this.showSheet(after);
    if (!line) {
      this.banner('info', 'duplicate', { key: 'stock.count.again' }, code);
      return;
    }
    this.set({ lastSku: line.sku, flash: this.s.flash + 1 });
    this.banner(
      'good',
      'counted',
      {
        key: 'stock.count.scanned',
        params: { name: line.name, sku: line.sku, counted: line.counted, on_hand: line.on_hand },
      },
      code,
    );
  }

  private showSheet(sheet: CountSheet) {
    this.sheetSeq++;
    this.set({ sheet });
  }

  /** Reads the count on show again (another station may scan the same bin). */
  refresh() {
    if (this.s.pending === 0) this.refreshInBackground();
  }

  protected refreshInBackground() {
    const sheet = this.s.sheet;
    if (!sheet || sheet.count.state !== 'open' || this.s.mode !== 'count') return;
    const seq = this.sheetSeq;
    this.deps.ipc.countSheet(sheet.count.id).then(
      (fresh) => {
        if (seq !== this.sheetSeq || this.s.pending > 0) return;
        this.set({ sheet: fresh });
      },
      () => {
        // The last sheet stays; the next scan tells.
      },
    );
  }
}

/** A product as its form holds it: numbers as typed. */
export interface ProductDraft {
  sku: string;
  name: string;
  category: string;
  weight: string;
  defaultBin: string;
  lowStock: string;
  marked: boolean;
  barcodes: ProductBarcode[];
}

/** The form for a product on show, or an empty one for a new product. */
export function draftOf(view: ProductView | null): ProductDraft {
  return {
    sku: view?.sku ?? '',
    name: view?.name ?? '',
    category: view?.category ?? '',
    weight: view ? String(view.weight_g) : '0',
    defaultBin: view?.default_bin ?? '',
    lowStock:
      view?.low_stock === null || view?.low_stock === undefined ? '' : String(view.low_stock),
    marked: view?.marked ?? false,
    barcodes: view ? view.barcodes.map((b) => ({ ...b })) : [],
  };
}

/**
 * What save_product is sent, or the field that is no whole number. Only
 * the reading of numbers happens here; what they may be is core's to say.
 */
export function productInput(
  d: ProductDraft,
): { input: ProductInput } | { field: 'weight' | 'lowStock' } {
  const weight = parseWhole(d.weight || '0');
  if (weight === null) return { field: 'weight' };
  const low = d.lowStock.trim() === '' ? null : parseWhole(d.lowStock);
  if (low === null && d.lowStock.trim() !== '') return { field: 'lowStock' };
  return {
    input: {
      sku: d.sku.trim(),
      name: d.name.trim(),
      category: d.category.trim(),
      weight_g: weight,
      default_bin: d.defaultBin.trim() || null,
      low_stock: low,
      marked: d.marked,
      barcodes: d.barcodes.map((b) => ({ code: b.code.trim(), units: b.units })),
    },
  };
}

/** A failed call in words to show (translated when shown): the kind of failure, then core's own words. */
export function refusal(e: unknown): Msg {
  const err = toIpcError(e);
  return {
    key: 'scan.error',
    params: { error: { key: errorKey(err.code) }, message: err.message },
  };
}
