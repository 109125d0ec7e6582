// The pick-list walk: confirm a bin by scanning its label, then scan what
// is taken from it. The bin confirmed last goes with every item scan, so the
// backend can refuse an item taken from the wrong bin. Same queue and
// store as packing.ts (scan-station.ts).

import type { Ipc } from './ipc';
import { ScanStation, type Banner } from './scan-station';
import type { SoundKind } from './sound';
import type { PickList, PickLine } from './bindings';

export interface PickingState {
  list: PickList | null;
  /** The bin the picker confirmed last. */
  bin: string | null;
  lastLineId: number | null;
  flash: number;
  banner: Banner | null;
  pending: number;
}

export type PickingIpc = Pick<Ipc, 'pickList' | 'pickScan' | 'shortPick' | 'completePickList'>;

export interface PickingDeps {
  ipc: PickingIpc;
  sound?: (kind: SoundKind) => void;
  newScanId?: () => string;
}

/** The bin to walk to: the confirmed one, else the first with work left. */
export function currentBin(state: Pick<PickingState, 'list' | 'bin'>): string | null {
  if (state.bin) return state.bin;
  const next = state.list?.lines.find((l) => l.picked + l.short < l.quantity);
  return next?.bin ?? null;
}

export function lineDone(l: PickLine): boolean {
  return l.picked + l.short >= l.quantity;
}

export class PickingStation extends ScanStation<PickingState> {
  private readonly deps: PickingDeps;
  private changeSeq = 0;

  constructor(deps: PickingDeps) {
    super(
      { list: null, bin: null, lastLineId: null, flash: 0, banner: null, pending: 0 },
      deps.sound,
    );
    this.deps = deps;
  }

  open(id: number): Promise<void> {
    return this.enqueue(async () => {
      const list = await this.deps.ipc.pickList(id);
      this.changeSeq++;
      this.set({ list, bin: null, lastLineId: null, banner: null });
    });
  }

  /** Shows a list just created or fetched elsewhere. */
  show(list: PickList) {
    this.changeSeq++;
    this.set({ list, bin: null, lastLineId: null, banner: null });
  }

  close() {
    this.changeSeq++;
    this.set({ list: null, bin: null, lastLineId: null, banner: null });
  }

  scan(code: string): Promise<void> {
    const trimmed = code.trim();
    if (!trimmed) return this.settled();
    return this.enqueue(() => this.handleScan(trimmed));
  }

  shortPick(lineId: number, reason: string): Promise<void> {
    return this.enqueue(async () => {
      const list = this.s.list;
      if (!list) return;
      const updated = await this.deps.ipc.shortPick(list.id, lineId, reason);
      this.changeSeq++;
      this.set({ list: updated, lastLineId: lineId, flash: this.s.flash + 1 });
    });
  }

  complete(): Promise<void> {
    return this.enqueue(async () => {
      const list = this.s.list;
      if (!list) return;
      const updated = await this.deps.ipc.completePickList(list.id);
      this.changeSeq++;
      this.set({ list: updated, bin: null });
      this.banner('done', 'completed', { key: 'pick.completed', params: { id: updated.id } });
    });
  }

  refresh() {
    if (this.s.pending === 0) this.refreshInBackground();
  }

  private async handleScan(code: string) {
    const list = this.s.list;
    if (!list) {
      this.banner('bad', 'no_list', { key: 'pick.noList' }, code);
      return;
    }
    const scanId = (this.deps.newScanId ?? (() => crypto.randomUUID()))();
    const r = await this.deps.ipc.pickScan(list.id, this.s.bin ?? undefined, code, scanId);
    switch (r.outcome) {
      case 'bin_confirmed':
        this.set({ bin: r.bin });
        this.banner('info', r.outcome, { key: 'pick.bin_confirmed', params: { bin: r.bin } }, code);
        return;
      case 'picked': {
        this.changeSeq++;
        const current = this.s.list ?? list;
        const lines = current.lines.map((l) =>
          l.id === r.line_id ? { ...l, picked: r.picked, quantity: r.quantity } : l,
        );
        this.set({
          list: { ...current, lines },
          lastLineId: r.line_id,
          flash: this.s.flash + 1,
        });
        if (r.list_complete) {
          this.banner('done', r.outcome, { key: 'pick.list_complete' }, code);
        } else {
          this.banner(
            'good',
            r.outcome,
            {
              key: 'pick.picked_ok',
              params: { name: r.name, sku: r.sku, picked: r.picked, quantity: r.quantity },
            },
            code,
          );
        }
        return;
      }
      case 'scan_bin_first':
        this.banner('bad', r.outcome, { key: 'pick.scan_bin_first' }, code);
        return;
      case 'wrong_bin':
        this.banner(
          'bad',
          r.outcome,
          {
            key: 'pick.wrong_bin',
            params: { name: r.name, sku: r.sku, expected_bin: r.expected_bin },
          },
          code,
        );
        return;
      case 'not_in_list':
        this.banner(
          'bad',
          r.outcome,
          { key: 'pick.not_in_list', params: { name: r.name, sku: r.sku } },
          code,
        );
        return;
      case 'over_pick':
        this.set({ lastLineId: r.line_id, flash: this.s.flash + 1 });
        this.banner(
          'bad',
          r.outcome,
          { key: 'pick.over_pick', params: { sku: r.sku, picked: r.picked, quantity: r.quantity } },
          code,
          r.line_id,
        );
        return;
      case 'unknown_barcode':
        this.banner('bad', r.outcome, { key: 'scan.unknown_barcode', params: { code } }, code);
        return;
      case 'invalid_barcode':
        this.banner(
          'bad',
          r.outcome,
          { key: 'scan.invalid_barcode', params: { code, reason: r.reason } },
          code,
        );
        return;
    }
  }

  protected refreshInBackground() {
    const list = this.s.list;
    if (!list) return;
    const seq = this.changeSeq;
    this.deps.ipc.pickList(list.id).then(
      (fresh) => {
        if (seq !== this.changeSeq || this.s.pending > 0) return;
        if (this.s.list?.id !== fresh.id) return;
        this.set({ list: fresh });
      },
      () => {
        // A failed refresh leaves the last known list; the next scan tells.
      },
    );
  }
}
