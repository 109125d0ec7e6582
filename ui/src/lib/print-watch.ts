// Print failures of this station, wherever the packer is. Auto-print runs in
// the background after a pack and lp may take up to 5 s to give up; by then
// the parcel may be handed over and the packer on the next order. On every
// orders-changed the newest jobs are read again, and a job of this station
// that has failed since the app started (or failed again after a retry) is
// raised once, until it is dismissed, printed, or the queue is opened.

import type { PrintJob } from './bindings';

export interface PrintWatchIpc {
  printJobs: (limit?: number) => Promise<PrintJob[]>;
}

/** How many of the newest jobs are looked at per change. */
export const WATCH_JOBS = 30;

export class PrintWatch {
  /** Failed jobs to show, newest first. */
  failures: PrintJob[] = [];
  private readonly ipc: PrintWatchIpc;
  private readonly station: () => string | null;
  private readonly onChange: (failures: PrintJob[]) => void;
  /** job id → updated_at of a failure already raised (or there at start). */
  private readonly known = new Map<number, string>();
  private started = false;
  private running: Promise<void> | null = null;
  private again = false;

  constructor(opts: {
    ipc: PrintWatchIpc;
    station: () => string | null;
    onChange: (failures: PrintJob[]) => void;
  }) {
    this.ipc = opts.ipc;
    this.station = opts.station;
    this.onChange = opts.onChange;
  }

  /** Reads the queue; one read at a time, a change during a read reads again. */
  check(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          let jobs: PrintJob[];
          try {
            jobs = await this.ipc.printJobs(WATCH_JOBS);
          } catch {
            // The queue cannot be read now (database down): the next change tries again.
            continue;
          }
          this.update(jobs);
        } while (this.again);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  private update(jobs: PrintJob[]) {
    const station = this.station();
    const mine = jobs.filter((j) => station === null || j.station === station);
    if (!this.started) {
      // What had failed before this session is the queue screen's business.
      for (const j of mine) if (j.status === 'failed') this.known.set(j.id, j.updated_at);
      this.started = true;
      return;
    }
    let changed = false;
    const byId = new Map(mine.map((j) => [j.id, j]));
    // A shown failure that is now sent (retried elsewhere) or queued again goes.
    const kept = this.failures.filter((f) => {
      const now = byId.get(f.id);
      return !now || now.status === 'failed';
    });
    if (kept.length !== this.failures.length) changed = true;
    const fresh: PrintJob[] = [];
    for (const j of mine) {
      if (j.status !== 'failed' || this.known.get(j.id) === j.updated_at) continue;
      this.known.set(j.id, j.updated_at);
      fresh.push(j);
    }
    if (fresh.length) changed = true;
    const freshIds = new Set(fresh.map((j) => j.id));
    const next = [...fresh, ...kept.filter((f) => !freshIds.has(f.id))];
    if (changed) {
      this.failures = next;
      this.onChange(this.failures);
    }
  }

  /** The packer has seen them (closed the notice or opened the queue). */
  dismiss() {
    if (!this.failures.length) return;
    this.failures = [];
    this.onChange(this.failures);
  }
}
