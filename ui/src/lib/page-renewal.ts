// A fresh page when the station says WebKit's web process has grown past
// its limit (`page-renewal-due`, src-tauri/src/page.rs). The station
// decides when it is due and how long the quiet must be; the page only
// knows what it holds, so it asks for `renew_page` at a moment when a
// reload loses nothing: a packer signed in on the packing table between
// orders, nothing queued, no dialog open, no key or click for the quiet
// time. Who is signed in lives in core, so the new page opens the same
// packing table. The station holds the window's keys while the new page
// loads and gives them to it once it calls `page_ready`
// (src-tauri/src/keyhold.rs), so a scan made meanwhile is not lost.

import type { PageRenewalDue } from './bindings';

/** What the page holds now, as far as a reload is concerned. */
export interface Holding {
  /** A packer (or anyone) signed in and the packing table on screen, no
   * sign-in screen over it. */
  packingShown: boolean;
  /** The packing table between orders, with nothing queued. */
  packingIdle: boolean;
  /** An open pick list, a stock task, a scan queued there. */
  otherWork: boolean;
  /** A dialog is open (an approval, the list of keys). */
  dialog: boolean;
}

export interface PageRenewalDeps {
  renew: () => Promise<unknown>;
  now?: () => number;
}

export class PageRenewal {
  private due: PageRenewalDue | null = null;
  private lastActivity: number;
  private asked = false;
  private readonly now: () => number;

  constructor(private readonly deps: PageRenewalDeps) {
    this.now = deps.now ?? (() => Date.now());
    this.lastActivity = this.now();
  }

  /** The station said the page is due. */
  onDue(e: PageRenewalDue) {
    this.due = e;
  }

  /** A key or a click: the quiet starts again. */
  activity() {
    this.lastActivity = this.now();
  }

  /** True when a reload now would lose nothing and the station asked for one. */
  ready(h: Holding): boolean {
    if (!this.due || this.asked) return false;
    if (!h.packingShown || !h.packingIdle || h.otherWork || h.dialog) return false;
    return this.now() - this.lastActivity >= this.due.quiet_ms;
  }

  /** Asks for the renewal when ready; once (the page that asked is replaced). */
  async check(h: Holding): Promise<boolean> {
    if (!this.ready(h)) return false;
    this.asked = true;
    try {
      await this.deps.renew();
    } catch (e) {
      // The page stays as it is (the station refuses within a second of a
      // key: a scan being typed); the next `page-renewal-due` tries again.
      console.warn('renew_page failed', e);
      this.asked = false;
      this.due = null;
      return false;
    }
    return true;
  }
}
