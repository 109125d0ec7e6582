// The packing station's logic, apart from its looks: which order is open,
// what the last scan did, and the strict queue every scan and action goes
// through so two quick scans are both recorded, in order. Driven by an
// injected backend, so tests run it without Tauri or Svelte components; the
// screen subscribes to it as a Svelte store.

import type { Ipc } from './ipc';
import { NO_APPROVAL, withApproval, type ApprovalPrompt, type ApprovalWhat } from './approval';
import { IpcError, toIpcError } from './ipc';
import type { Msg } from './i18n';
import { errorKey, weightNames } from './i18n';
import { mergeJobs, newlyFailed, retryPrinter } from './printing';
import { ScanStation, type Banner } from './scan-station';
import type { SoundKind } from './sound';
import type {
  Carton,
  CartonClosed,
  Credential,
  OrderDetail,
  OrderLine,
  PrintJob,
  RefusalDetail,
  ScanResult,
} from './bindings';

export type { Banner, Tone } from './scan-station';

export type Phase = 'idle' | 'packing' | 'handover';

export interface PackingState {
  phase: Phase;
  order: OrderDetail | null;
  /** The line the last scan or undo changed. */
  lastLineId: number | null;
  /** Bumped on every line change, to re-run the highlight. */
  flash: number;
  banner: Banner | null;
  carriers: string[];
  carrier: string | null;
  /** Scans and actions waiting or running. */
  pending: number;
  lastShipped: { number: string; carrier: string; tracking: string } | null;
  /** The open order's print jobs, newest first (order_print_jobs). */
  prints: PrintJob[];
  /** A print request (F8, Retry) is on its way. */
  printing: boolean;
  /** Why the last print request itself failed (not a printer's failure). */
  printError: Msg | null;
  /** The open order's cartons, first first, as core last said (cartons). */
  cartons: Carton[];
  /**
   * At the hand-over of an order in several cartons: one tracking number
   * per carton (the courier's label on each), not one for all of them.
   */
  perCarton: boolean;
  /** The tracking numbers per carton so far, in carton order ("" = none yet). */
  parcelTrackings: string[];
  /** The carton the next scanned tracking number is for (an index of `parcelTrackings`). */
  parcelAt: number;
}

/** What closing a carton came to, for the close-carton dialog. */
export type CloseResult =
  /** Closed; the banner says what its weight said. */
  | { kind: 'closed'; closed: CartonClosed }
  /**
   * The weight is off the tolerance: the difference in words. Recount
   * (scan, undo), or close again with a reason and a supervisor.
   */
  | { kind: 'off'; msg: Msg }
  /** Refused for another reason, in core's words. */
  | { kind: 'refused'; msg: Msg }
  /** The supervisor's approval was given up: nothing changed. */
  | { kind: 'not_approved' }
  /** No order being packed here any more: nothing was sent. */
  | { kind: 'nothing' };

/** What the scale said: grams, or why it could not be read. */
export type ScaleReading = { grams: number } | { error: Msg };

export type PackingIpc = Pick<
  Ipc,
  | 'openForPacking'
  | 'takeApart'
  | 'findOrder'
  | 'recordScan'
  | 'orderDetail'
  | 'undoLastScan'
  | 'finishPacking'
  | 'releaseClaim'
  | 'shipOrder'
  | 'shipParcels'
  | 'carriers'
  | 'orderPrintJobs'
  | 'printOrderDocuments'
  | 'retryPrintJob'
  | 'printSettings'
  | 'cartons'
  | 'openCarton'
  | 'closeCarton'
  | 'readScale'
>;

export interface PackingDeps {
  ipc: PackingIpc;
  /** Read at each completed order, so a settings change applies at once. */
  autoFinish: () => boolean;
  /**
   * The station has a scale (its device is set): the close-carton dialog
   * offers "Read scale". Read each time, so a settings change applies at once.
   */
  hasScale?: () => boolean;
  sound?: (kind: SoundKind) => void;
  newScanId?: () => string;
  /**
   * Asks for a supervisor's badge or PIN when core says an action needs one
   * (ship short, take apart, release another station's claim, accept a
   * carton's weight off the tolerance); without
   * it, such an action is given up.
   */
  approval?: ApprovalPrompt;
}

// What a refresh shows for an order already open (core decided how it
// opened; core says whether the packing station has anything to do with it).
function phaseOf(order: OrderDetail | null): Phase {
  if (!order || !order.opens_at_packing) return 'idle';
  return order.status === 'ready' ? 'handover' : 'packing';
}

function packedOf(lines: OrderLine[]): number {
  return lines.reduce((sum, l) => sum + l.packed, 0);
}

// No tracking number per carton asked for (another order, or shipped).
const NO_PARCELS = { perCarton: false, parcelTrackings: [] as string[], parcelAt: 0 };

function defaultId(): string {
  return crypto.randomUUID();
}

/** The open carton of a list from core: the one not closed yet. */
export function openCartonOf(cartons: Carton[]): Carton | null {
  return cartons.find((c) => c.closed_at === null) ?? null;
}

/** The parcels a hand-over ships: the closed cartons not shipped yet, first first. */
export function parcelsOf(cartons: Carton[]): Carton[] {
  return cartons.filter((c) => c.closed_at !== null && c.shipment_id === null);
}

/** What a closed carton's weight said, in words. */
export function closedMsg(c: CartonClosed): Msg {
  const { carton, verdict } = c;
  const seq = carton.seq;
  const weight = carton.weight_g;
  if (!verdict || weight === null) return { key: 'carton.closedNoWeight', params: { seq } };
  switch (verdict.verdict) {
    case 'within':
      return {
        key: 'carton.closedWithin',
        params: {
          seq,
          weight: weightNames(weight),
          expected: weightNames(verdict.expected_g),
          allowed: weightNames(verdict.allowed_g),
        },
      };
    case 'off':
      return {
        key: 'carton.closedAccepted',
        params: {
          seq,
          weight: weightNames(weight),
          expected: weightNames(verdict.expected_g),
          difference: differenceMsg(verdict.difference_g),
          approver: carton.approved_by ?? '—',
          reason: carton.weight_note ?? '—',
        },
      };
    case 'unknown':
      return {
        key: 'carton.closedUnchecked',
        params: { seq, weight: weightNames(weight), skus: verdict.skus.join(', ') },
      };
  }
}

function differenceMsg(g: number): Msg {
  return {
    key: g > 0 ? 'carton.heavier' : 'carton.lighter',
    params: { by: weightNames(Math.abs(g)) },
  };
}

/**
 * A refused weight in the station's words, from the figures core sends
 * with the refusal; null when the refusal is not about the weight.
 */
export function weightOffMsg(detail: RefusalDetail | null): Msg | null {
  if (detail?.type !== 'weight_off') return null;
  return {
    key: 'carton.weightOff',
    params: {
      weight: weightNames(detail.weight_g),
      expected: weightNames(detail.expected_g),
      allowed: weightNames(detail.allowed_g),
      difference: differenceMsg(detail.difference_g),
    },
  };
}

function errorMsg(e: unknown): Msg {
  const err = toIpcError(e);
  const d = err.detail;
  if (d?.type === 'close_carton_first') {
    return { key: 'scan.close_carton_first', params: { seq: d.seq, units: d.units } };
  }
  return {
    key: 'scan.error',
    params: { error: { key: errorKey(err.code) }, message: err.message },
  };
}

export class PackingStation extends ScanStation<PackingState> {
  private readonly deps: PackingDeps;
  // Bumped by every change made from a scan or action; a background refresh
  // that started before such a change is stale and is dropped.
  private changeSeq = 0;
  // The order the shown print jobs were fetched for (null: not yet), and a
  // counter that drops print answers overtaken by newer ones.
  private printsOf: string | null = null;
  private printSeq = 0;
  // Drops carton lists overtaken by a newer read or another order.
  private cartonSeq = 0;
  // The last item scan that got no verdict (the database out of reach, the
  // connection cut): scanned again next, it goes under the same id, so if
  // it was recorded after all it is counted once.
  private unanswered: { number: string; code: string; scanId: string } | null = null;

  constructor(deps: PackingDeps) {
    super(
      {
        phase: 'idle',
        order: null,
        lastLineId: null,
        flash: 0,
        banner: null,
        carriers: [],
        carrier: null,
        pending: 0,
        lastShipped: null,
        prints: [],
        printing: false,
        printError: null,
        cartons: [],
        perCarton: false,
        parcelTrackings: [],
        parcelAt: 0,
      },
      deps.sound,
    );
    this.deps = deps;
  }

  protected override set(patch: Partial<PackingState>) {
    const before = this.s.order?.number ?? null;
    const after = ('order' in patch ? patch.order : this.s.order)?.number ?? null;
    // Another order (or none): its print jobs replace the last one's.
    if (before !== after) {
      this.printsOf = null;
      this.printSeq++;
      // A print request for the last order must not disable F8 for this one.
      patch = {
        ...patch,
        prints: [],
        printError: null,
        printing: false,
        cartons: [],
        ...NO_PARCELS,
      };
      this.cartonSeq++;
    }
    super.set(patch);
    if (before !== after && after) {
      void this.refreshPrints();
      void this.refreshCartons();
    }
  }

  // ---- what the packer does -------------------------------------------

  /** A scan from the global scanner (or the order field). */
  scan(code: string): Promise<void> {
    const trimmed = code.trim();
    if (!trimmed) return this.settled();
    return this.enqueue(() => this.handleScan(trimmed));
  }

  /** Opens (claims) an order by number, as typed or picked from a list. */
  open(number: string): Promise<void> {
    return this.enqueue(() => this.claim(number.trim(), 'opened'));
  }

  undo(): Promise<void> {
    return this.enqueue(async () => {
      const order = this.s.order;
      if (!order || this.s.phase !== 'packing') return;
      const r = await this.deps.ipc.undoLastScan(order.number);
      this.changeSeq++;
      const lines = order.lines.map((l) => (l.id === r.line_id ? { ...l, packed: r.packed } : l));
      this.set({
        order: { ...order, lines, packed: packedOf(lines) },
        lastLineId: r.line_id,
        flash: this.s.flash + 1,
      });
      this.banner('info', 'undone', {
        key: 'scan.undone',
        params: { sku: r.sku, packed: r.packed, ordered: r.ordered },
      });
    });
  }

  /** Finishes packing; a short order needs `shortReason`. */
  finish(shortReason?: string): Promise<void> {
    return this.enqueue(async () => {
      const order = this.s.order;
      if (!order || this.s.phase !== 'packing') return;
      await this.doFinish(order.number, shortReason);
    });
  }

  /**
   * Opens the packed (ready) order's box again to change it: core moves it
   * back to packing at this station and keeps the reason in its history.
   */
  takeApart(reason: string): Promise<void> {
    return this.enqueue(async () => {
      const order = this.s.order;
      if (!order || this.s.phase !== 'handover') return;
      let detail: OrderDetail;
      try {
        const r = await this.approved('take_apart', (a) =>
          this.deps.ipc.takeApart(order.number, reason, a),
        );
        if (!r) return;
        detail = r;
      } catch (e) {
        this.errorBanner(e);
        return;
      }
      this.changeSeq++;
      this.set({ order: detail, phase: phaseOf(detail), lastLineId: null, carrier: null });
      this.banner('info', 'taken_apart', {
        key: 'scan.takenApart',
        params: { number: detail.number },
      });
    });
  }

  /** Puts the open ready order aside without handing it over (it stays ready). */
  putAside(): Promise<void> {
    return this.enqueue(async () => {
      const order = this.s.order;
      if (!order || this.s.phase !== 'handover') return;
      this.set({ order: null, phase: 'idle', lastLineId: null, carrier: null });
      this.banner('info', 'put_aside', { key: 'scan.putAside', params: { number: order.number } });
    });
  }

  release(): Promise<void> {
    return this.enqueue(async () => {
      const order = this.s.order;
      if (!order) return;
      const released = await this.approved('release_claim', (a) =>
        this.deps.ipc.releaseClaim(order.number, a),
      );
      if (!released) return;
      this.changeSeq++;
      this.set({ order: null, phase: 'idle', lastLineId: null, carrier: null });
      this.banner('info', 'released', { key: 'scan.released', params: { number: order.number } });
    });
  }

  // ---- cartons ---------------------------------------------------------

  /** Opens the order's next carton (Ctrl+B), in the store's default box. */
  openCarton(): Promise<void> {
    return this.enqueue(async () => {
      const order = this.s.order;
      if (!order || this.s.phase !== 'packing') return;
      let carton: Carton;
      try {
        carton = await this.deps.ipc.openCarton(order.number, null);
      } catch (e) {
        this.banner('bad', 'error', errorMsg(e));
        return;
      }
      this.changeSeq++;
      this.keepCarton(carton);
      this.banner('good', 'carton_opened', {
        key: 'scan.box_opened',
        params: { seq: carton.seq, box: carton.box_type },
      });
    });
  }

  /**
   * Closes the open carton with `weight` as typed or read (empty: none).
   * With `reason`, a weight off the tolerance is accepted once a
   * supervisor approves (the approval dialog asks). In the scan queue, so
   * a scan on its way goes into the carton before it closes.
   */
  closeCarton(weight: string, reason?: string): Promise<CloseResult> {
    let result: CloseResult = { kind: 'nothing' };
    return this.enqueue(async () => {
      result = await this.doCloseCarton(weight.trim(), reason?.trim() || undefined);
    }).then(() => result);
  }

  private async doCloseCarton(weight: string, reason?: string): Promise<CloseResult> {
    const order = this.s.order;
    if (!order || this.s.phase !== 'packing') return { kind: 'nothing' };
    let closed: CartonClosed | null;
    try {
      closed = await this.approved('accept_weight', (a) =>
        this.deps.ipc.closeCarton(order.number, weight || null, reason ?? null, a),
      );
    } catch (e) {
      const err = toIpcError(e);
      const off = weightOffMsg(err.detail);
      if (off) {
        this.banner('bad', 'weight_off', off);
        return { kind: 'off', msg: off };
      }
      const msg = errorMsg(err);
      this.banner('bad', 'error', msg);
      return { kind: 'refused', msg };
    }
    if (!closed) return { kind: 'not_approved' };
    this.changeSeq++;
    this.keepCarton(closed.carton);
    const verdict = closed.verdict?.verdict;
    this.banner(
      verdict === 'off' || verdict === 'unknown' ? 'info' : 'good',
      'carton_closed',
      closedMsg(closed),
    );
    if (verdict !== 'off' && verdict !== 'unknown') this.deps.sound?.('good');
    // The last carton of a complete order weighed (a store that weighs
    // every carton refuses to finish before): finish as the last scan would.
    const current = this.s.order;
    if (current && current.packed >= current.units && this.deps.autoFinish()) {
      await this.doFinish(current.number);
    }
    return { kind: 'closed', closed };
  }

  /** True when the station's settings name a scale device. */
  hasScale(): boolean {
    return this.deps.hasScale?.() ?? false;
  }

  /** The weight on this station's scale (up to 3 s); not in the scan queue. */
  async readScale(): Promise<ScaleReading> {
    try {
      return { grams: await this.deps.ipc.readScale() };
    } catch (e) {
      return { error: errorMsg(e) };
    }
  }

  /** Reads the open order's cartons again; a late answer is dropped. */
  async refreshCartons(): Promise<void> {
    const number = this.s.order?.number;
    if (!number) return;
    const seq = ++this.cartonSeq;
    try {
      const cartons = await this.deps.ipc.cartons(number);
      if (seq !== this.cartonSeq || this.s.order?.number !== number) return;
      this.set({ cartons });
    } catch (e) {
      // The last known cartons stay; the next change reads them again.
      if (!(e instanceof IpcError)) console.warn('cartons refresh failed', e);
    }
  }

  // A carton core just answered with replaces its old self in the list
  // (or joins it), then the whole list is read again.
  private keepCarton(carton: Carton) {
    this.cartonSeq++;
    const others = this.s.cartons.filter((c) => c.id !== carton.id);
    this.set({ cartons: [...others, carton].sort((a, b) => a.seq - b.seq) });
    void this.refreshCartons();
  }

  chooseCarrier(carrier: string | null) {
    this.set({ carrier });
  }

  /** Picks the n-th carrier (1-based), as the digit keys do. */
  chooseCarrierByIndex(n: number, forOrder?: string) {
    // A carrier key waits a moment before it counts (a scan's digits must
    // not choose); by then the hand-over it was pressed at may be gone: the
    // order shipped, another one opened. It chooses for that order only.
    if (
      forOrder !== undefined &&
      (this.s.phase !== 'handover' || this.s.order?.number !== forOrder)
    )
      return;
    const c = this.s.carriers[n - 1];
    if (c) this.set({ carrier: c });
  }

  /** Hands the ready order over with `tracking` (typed or scanned). */
  ship(tracking: string): Promise<void> {
    return this.enqueue(() => this.doShip(tracking.trim()));
  }

  /** The closed cartons the hand-over ships (more than one: a tracking number each may be given). */
  get parcels(): Carton[] {
    return parcelsOf(this.s.cartons);
  }

  /**
   * One tracking number per carton (`on`), or one for all of them (the
   * default); those given so far are dropped either way.
   */
  setPerCarton(on: boolean) {
    const n = on ? this.parcels.length : 0;
    const perCarton = on && n > 1;
    if (perCarton === this.s.perCarton) return;
    this.set({ perCarton, parcelTrackings: Array<string>(n).fill(''), parcelAt: 0 });
    this.banner('info', perCarton ? 'per_carton' : 'one_for_all', {
      key: perCarton ? 'packing.handoverPerCarton' : 'packing.handover',
    });
  }

  /** The tracking number of the carton at `index` (0-based), as typed. */
  setParcelTracking(index: number, tracking: string) {
    const next = this.slots();
    if (index < 0 || index >= next.length) return;
    next[index] = tracking;
    this.set({ parcelTrackings: next });
  }

  /** The next scanned tracking number is for the carton at `index` (its field has the focus). */
  parcelFocus(index: number) {
    if (index >= 0 && index < this.slots().length) this.set({ parcelAt: index });
  }

  /** Hands the ready order over with the tracking numbers given per carton. */
  shipPerCarton(): Promise<void> {
    return this.enqueue(() => this.doShipParcels(this.slots().map((t) => t.trim())));
  }

  // One slot per parcel, whatever the last carton read said.
  private slots(): string[] {
    const n = this.parcels.length;
    const have = this.s.parcelTrackings;
    return Array.from({ length: n }, (_, i) => have[i] ?? '');
  }

  /** `orders-changed`: refresh the open order if it is among them. */
  ordersChanged(numbers: string[]) {
    const order = this.s.order;
    if (!order || !numbers.includes(order.number)) return;
    if (this.s.pending === 0) this.refreshInBackground();
    // Auto-print's outcome arrives this way, seconds after the finish. While
    // packing with nothing printed there is nothing to follow, so the scans'
    // own changes do not each cost a query.
    if (this.s.phase === 'handover' || this.s.prints.length > 0 || this.s.printing) {
      void this.refreshPrints();
    }
  }

  // ---- printing: beside the scan queue, never in it -------------------
  //
  // A print can wait seconds for lp; packing and the hand-over must not.

  /** "Print again" (F8): the open order's invoice and label, now. */
  async printAgain(): Promise<void> {
    const order = this.s.order;
    if (!order || this.s.printing) return;
    await this.printRequest(order.number, () => this.deps.ipc.printOrderDocuments(order.number));
  }

  /** Sends one of the open order's jobs again (a failed one, usually). */
  async retryPrint(id: number, printer?: string): Promise<void> {
    const order = this.s.order;
    const job = this.s.prints.find((j) => j.id === id);
    if (!order || !job) return;
    await this.printRequest(order.number, async () => {
      let target = printer;
      // A job that waits for a printer goes to the one chosen since.
      if (!target && !job.printer) {
        target = retryPrinter(job, await this.deps.ipc.printSettings().catch(() => null));
      }
      return [await this.deps.ipc.retryPrintJob(id, target)];
    });
  }

  private async printRequest(number: string, request: () => Promise<PrintJob[]>) {
    this.set({ printing: true, printError: null });
    try {
      const jobs = await request();
      if (this.s.order?.number !== number) return;
      this.printSeq++;
      this.applyPrints(mergeJobs(this.s.prints, jobs), jobs);
    } catch (e) {
      if (this.s.order?.number !== number) return;
      const err = toIpcError(e);
      this.set({
        printError: {
          key: 'print.error',
          params: { error: { key: errorKey(err.code) }, message: err.message },
        },
      });
      this.deps.sound?.('bad');
    } finally {
      this.set({ printing: false });
    }
  }

  /** Fetches the open order's print jobs; a late answer is dropped. */
  async refreshPrints(): Promise<void> {
    const number = this.s.order?.number;
    if (!number) return;
    const seq = ++this.printSeq;
    try {
      const jobs = await this.deps.ipc.orderPrintJobs(number);
      if (seq !== this.printSeq || this.s.order?.number !== number) return;
      this.applyPrints(jobs);
    } catch (e) {
      // The last known jobs stay; the next change tries again.
      if (!(e instanceof IpcError)) console.warn('print jobs refresh failed', e);
    }
  }

  // A print that fails while the order is open sounds like a refusal: the
  // packer may be looking at the courier, not the screen. Failures already
  // there when the order opened are shown, not sounded again; the answer to
  // a request (`answered`) is always news.
  private applyPrints(jobs: PrintJob[], answered?: PrintJob[]) {
    const number = this.s.order?.number ?? null;
    // A failure already on screen (same job, same attempt) is not news again.
    const shown = (j: PrintJob) =>
      this.s.prints.some(
        (p) => p.id === j.id && p.status === 'failed' && p.updated_at === j.updated_at,
      );
    const fresh = answered
      ? answered.filter((j) => j.status === 'failed' && !shown(j))
      : this.printsOf === number
        ? newlyFailed(this.s.prints, jobs)
        : [];
    this.printsOf = number;
    this.set({ prints: jobs });
    if (fresh.length > 0) this.deps.sound?.('bad');
  }

  /** Forget the last banner (e.g. when coming back to the screen). */
  clearBanner() {
    this.set({ banner: null });
  }

  // ---- the rules of a scan --------------------------------------------

  private async handleScan(code: string) {
    const { phase, order } = this.s;
    if (phase === 'idle' || !order) {
      await this.claimScanned(code);
    } else if (phase === 'handover') {
      await this.handoverScan(code);
    } else {
      await this.itemScan(order, code);
    }
  }

  // With no order open a scan is an order number, or a code that names one
  // (find_order knows label barcodes and the like).
  private async claimScanned(code: string) {
    try {
      await this.claim(code, 'opened', code, true);
    } catch (e) {
      const err = toIpcError(e);
      if (err.code !== 'not_found') throw err;
      const number = await this.deps.ipc.findOrder(code);
      if (number && number !== code) {
        await this.claim(number, 'opened', code);
      } else {
        this.banner(
          'bad',
          'order_not_found',
          { key: 'scan.orderNotFound', params: { code } },
          code,
        );
      }
    }
  }

  private async claim(
    number: string,
    how: 'opened' | 'switched',
    code?: string,
    rethrowNotFound = false,
  ) {
    if (!number) return;
    let detail: OrderDetail;
    let phase: Phase;
    try {
      // Core decides: a confirmed or picked order is claimed here, one this
      // station packs carries on, a packed one goes to the hand-over
      // unchanged (never back to packing).
      const opened = await this.deps.ipc.openForPacking(number);
      detail = opened.order;
      phase = opened.mode === 'hand_over' ? 'handover' : 'packing';
    } catch (e) {
      const err = toIpcError(e);
      if (err.code === 'not_found' && rethrowNotFound) throw err;
      if (err.code === 'not_found') {
        this.banner('bad', 'order_not_found', {
          key: 'scan.orderNotFound',
          params: { code: number },
        });
        return;
      }
      if (err.code === 'invalid_transition') {
        // New, shipped, cancelled...: not packed from. Say which status it has.
        // As the store names it (core computed it, in both languages).
        const status = await this.deps.ipc.orderDetail(number).then(
          (d) => d.status_name,
          () => null,
        );
        if (status) {
          this.banner(
            'bad',
            'not_packable',
            { key: 'scan.notPackable', params: { number, status } },
            code,
          );
          return;
        }
      }
      this.errorBanner(err, code);
      return;
    }
    this.changeSeq++;
    this.set({ order: detail, phase, lastLineId: null, carrier: null });
    if (phase === 'handover') {
      await this.prepareHandover(detail);
      this.banner('info', 'opened', { key: 'scan.finished', params: { number: detail.number } });
      return;
    }
    this.banner(
      'info',
      how,
      {
        key: how === 'switched' ? 'scan.switched' : 'scan.opened',
        params: { number: detail.number },
      },
      code,
    );
  }

  private async itemScan(order: OrderDetail, code: string) {
    const again = this.unanswered;
    this.unanswered = null;
    const scanId =
      again?.number === order.number && again.code === code
        ? again.scanId
        : (this.deps.newScanId ?? defaultId)();
    let r: ScanResult;
    try {
      r = await this.deps.ipc.recordScan(order.number, code, scanId);
    } catch (e) {
      this.unanswered = { number: order.number, code, scanId };
      this.errorBanner(e, code);
      return;
    }
    switch (r.outcome) {
      case 'accepted': {
        this.changeSeq++;
        const current = this.s.order ?? order;
        const lines = current.lines.map((l) =>
          l.id === r.line_id ? { ...l, packed: r.packed, quantity: r.ordered } : l,
        );
        this.set({
          order: { ...current, lines, packed: packedOf(lines) },
          lastLineId: r.line_id,
          flash: this.s.flash + 1,
        });
        const params = { name: r.name, sku: r.sku, packed: r.packed, ordered: r.ordered };
        if (r.order_complete && this.deps.autoFinish()) {
          this.deps.sound?.('good');
          await this.doFinish(order.number);
        } else if (r.order_complete) {
          this.banner('good', 'accepted', { key: 'scan.allPacked' }, code);
        } else {
          this.banner(
            'good',
            'accepted',
            { key: r.duplicate ? 'scan.duplicate' : 'scan.accepted', params },
            code,
          );
        }
        return;
      }
      case 'over_scan':
        this.set({ lastLineId: r.line_id, flash: this.s.flash + 1 });
        this.banner(
          'bad',
          r.outcome,
          {
            key: 'scan.over_scan',
            params: { name: r.name, sku: r.sku, packed: r.packed, ordered: r.ordered },
          },
          code,
          r.line_id,
        );
        return;
      case 'wrong_item':
        this.banner(
          'bad',
          r.outcome,
          { key: 'scan.wrong_item', params: { name: r.name, sku: r.sku } },
          code,
        );
        return;
      case 'invalid_barcode':
        this.banner(
          'bad',
          r.outcome,
          { key: 'scan.invalid_barcode', params: { code, reason: r.reason } },
          code,
        );
        return;
      case 'not_claimed':
        this.banner(
          'bad',
          r.outcome,
          r.held_by
            ? { key: 'scan.not_claimed', params: { number: order.number, held_by: r.held_by } }
            : { key: 'scan.not_claimed_free', params: { number: order.number } },
          code,
        );
        return;
      case 'box_opened':
        // A box's barcode: core opened the next carton in it (or changed
        // the box of an empty open one).
        this.changeSeq++;
        this.banner(
          'good',
          r.outcome,
          { key: 'scan.box_opened', params: { seq: r.seq, box: r.box_type } },
          code,
        );
        void this.refreshCartons();
        return;
      case 'close_carton_first':
        this.banner(
          'bad',
          r.outcome,
          { key: 'scan.close_carton_first', params: { seq: r.seq, units: r.units } },
          code,
        );
        return;
      case 'marking_required':
        // A marked product's EAN: only its DataMatrix packs it.
        this.banner(
          'bad',
          r.outcome,
          { key: 'scan.marking_required', params: { name: r.name, sku: r.sku } },
          code,
        );
        return;
      case 'marking_used':
        this.banner(
          'bad',
          r.outcome,
          { key: 'scan.marking_used', params: { name: r.name, number: r.number } },
          code,
        );
        return;
      case 'unknown_barcode': {
        // Not a product: maybe the next order's number.
        const number = await this.deps.ipc.findOrder(code);
        if (number && number === order.number) {
          this.banner(
            'info',
            'already_open',
            { key: 'scan.alreadyOpen', params: { number } },
            code,
          );
        } else if (number) {
          await this.claim(number, 'switched', code);
        } else {
          this.banner('bad', r.outcome, { key: 'scan.unknown_barcode', params: { code } }, code);
        }
        return;
      }
    }
  }

  private async handoverScan(code: string) {
    const order = this.s.order;
    if (!order) return;
    const number = await this.deps.ipc.findOrder(code);
    if (number && number !== order.number) {
      await this.claim(number, 'switched', code);
      return;
    }
    if (number === order.number) {
      this.banner('info', 'already_open', { key: 'scan.alreadyOpen', params: { number } }, code);
      return;
    }
    if (this.s.perCarton && this.parcels.length > 1) {
      await this.parcelScan(code);
      return;
    }
    await this.doShip(code);
  }

  // A courier's label scanned for one carton: it goes to the carton whose
  // field has the focus, and the next carton without one is next. Once
  // every carton has its number the order ships, as one scan ships an
  // order in one carton.
  private async parcelScan(code: string) {
    const slots = this.slots();
    const at = Math.min(Math.max(this.s.parcelAt, 0), slots.length - 1);
    slots[at] = code;
    const empty = (i: number) => !slots[i]!.trim();
    const after = slots.findIndex((_, i) => i > at && empty(i));
    const next = after >= 0 ? after : slots.findIndex((_, i) => empty(i));
    this.set({ parcelTrackings: slots, parcelAt: next >= 0 ? next : at });
    if (next >= 0) {
      this.banner('info', 'parcel_tracking', {
        key: 'scan.parcelTracking',
        params: { seq: this.parcels[at]?.seq ?? at + 1, tracking: code },
      });
      return;
    }
    await this.doShipParcels(slots.map((t) => t.trim()));
  }

  /**
   * Runs `call`; when core asks for a supervisor, the approval dialog asks
   * for a badge or PIN and `call` goes again with it. Null (and a banner
   * saying nothing changed) when the packer gave up.
   */
  private async approved<T>(
    what: ApprovalWhat,
    call: (approval: Credential | null) => Promise<T>,
  ): Promise<T | null> {
    const r = await withApproval(what, call, this.deps.approval ?? NO_APPROVAL);
    if (r.done) return r.value;
    this.banner('info', 'not_approved', { key: 'approval.cancelled' });
    return null;
  }

  private async doFinish(number: string, shortReason?: string) {
    const packed = await this.approved('short_ship', (a) =>
      this.deps.ipc.finishPacking(number, shortReason, a),
    );
    if (!packed) return;
    const detail = packed.order;
    this.changeSeq++;
    this.set({ order: detail, phase: phaseOf(detail) });
    if (phaseOf(detail) === 'handover') await this.prepareHandover(detail);
    this.banner('done', 'finished', { key: 'scan.finished', params: { number } });
    // Auto-print has started in the background: show its jobs as they come.
    void this.refreshPrints();
    // Finishing closed the last carton.
    void this.refreshCartons();
  }

  private async prepareHandover(order: OrderDetail) {
    let carriers = this.s.carriers;
    if (carriers.length === 0) {
      try {
        carriers = await this.deps.ipc.carriers();
      } catch {
        carriers = [];
      }
    }
    const carrier = carriers.includes(order.delivery_method) ? order.delivery_method : null;
    this.set({ carriers, carrier: this.s.carrier ?? carrier });
  }

  private async doShip(tracking: string) {
    const order = this.s.order;
    if (!order || this.s.phase !== 'handover' || !tracking) return;
    const carrier = this.s.carrier;
    if (!carrier) {
      this.banner('bad', 'choose_carrier', { key: 'scan.chooseCarrier' }, tracking);
      return;
    }
    let detail: OrderDetail;
    try {
      // In several cartons: one tracking number for all of them (a
      // multi-piece waybill); core puts it on every carton.
      detail =
        this.parcels.length > 1
          ? await this.deps.ipc.shipParcels(order.number, carrier, [tracking])
          : await this.deps.ipc.shipOrder(order.number, carrier, tracking);
    } catch (e) {
      this.errorBanner(e, tracking);
      return;
    }
    this.shipped(detail, carrier, tracking);
  }

  private async doShipParcels(trackings: string[]) {
    const order = this.s.order;
    if (!order || this.s.phase !== 'handover' || trackings.length === 0) return;
    const carrier = this.s.carrier;
    const all = trackings.join(', ');
    if (!carrier) {
      this.banner('bad', 'choose_carrier', { key: 'scan.chooseCarrier' }, all);
      return;
    }
    let detail: OrderDetail;
    try {
      // Sent as given, a carton left without one too: core says what is missing.
      detail = await this.deps.ipc.shipParcels(order.number, carrier, trackings);
    } catch (e) {
      this.errorBanner(e, all);
      return;
    }
    this.shipped(detail, carrier, all, true);
  }

  private shipped(detail: OrderDetail, carrier: string, tracking: string, perCarton = false) {
    this.changeSeq++;
    this.set({
      order: null,
      phase: 'idle',
      lastLineId: null,
      carrier: null,
      lastShipped: {
        number: detail.number,
        carrier: detail.carrier ?? carrier,
        tracking: perCarton ? tracking : (detail.tracking_number ?? tracking),
      },
    });
    this.banner('done', 'shipped', {
      key: 'scan.shipped',
      params: { number: detail.number, carrier, tracking },
    });
  }

  // After the queue empties, fetch the whole order again (other fields,
  // history, a change from another station). Dropped if anything changed
  // meanwhile, so a slow refresh never rolls back a newer scan.
  protected refreshInBackground() {
    const order = this.s.order;
    if (!order) return;
    const seq = this.changeSeq;
    this.deps.ipc.orderDetail(order.number).then(
      (detail) => {
        if (seq !== this.changeSeq || this.s.pending > 0) return;
        if (this.s.order?.number !== detail.number) return;
        const phase = phaseOf(detail);
        this.set({ order: phase === 'idle' ? null : detail, phase });
        if (phase === 'handover' && this.s.carriers.length === 0) {
          void this.prepareHandover(detail);
        }
        // Scans went into the open carton (or opened one): its units.
        if (phase !== 'idle') void this.refreshCartons();
      },
      (e: unknown) => {
        // The next scan will show a real problem; a failed refresh alone
        // must not cover the last scan's banner.
        if (!(e instanceof IpcError)) console.warn('order refresh failed', e);
      },
    );
  }
}
