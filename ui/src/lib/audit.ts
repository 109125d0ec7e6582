// The audit trail screen's logic apart from its looks: the filter as the
// form holds it and as core wants it, and the pages read newest first
// ("more" asks for the entries older than the last one shown). Core does
// the filtering; this only builds the question and keeps the answers.

import { writable, type Readable } from 'svelte/store';
import type { AuditEntry, AuditFilter, EventKind } from './bindings';
import type { Ipc } from './ipc';

/** Entries per page. */
export const PAGE = 50;

/** The filter as the person fills it in. */
export interface AuditForm {
  /** A person's name as the history shows it ("" = everyone). */
  user: string;
  station: string;
  order: string;
  /** Empty: every kind. */
  kinds: EventKind[];
  /** Days as the date field writes them (YYYY-MM-DD); "" = open. */
  from: string;
  to: string;
}

export const EMPTY_FORM: AuditForm = {
  user: '',
  station: '',
  order: '',
  kinds: [],
  from: '',
  to: '',
};

/**
 * Local midnight of `day`, `plusDays` later, as a UTC instant; null when it
 * is no day. The date field gives YYYY-MM-DD; where the webview has no date
 * picker a person types DD.MM.YYYY as well.
 */
export function dayStart(day: string, plusDays = 0): string | null {
  const typed = day.trim();
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(typed);
  const ru = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(typed);
  const [y, m, d] = iso
    ? [iso[1], iso[2], iso[3]]
    : ru
      ? [ru[3], ru[2], ru[1]]
      : [null, null, null];
  if (!y) return null;
  const month = Number(m) - 1;
  const date = new Date(Number(y), month, Number(d));
  // 31.02 is no day (Date would roll it over into March).
  if (date.getMonth() !== month || date.getDate() !== Number(d)) return null;
  date.setDate(date.getDate() + plusDays);
  return date.toISOString();
}

const text = (v: string) => v.trim() || null;

/**
 * The form as core's filter: blanks are no filter, the days are local
 * days (the "to" day included: core's `to` is the next midnight, not
 * included).
 */
export function auditFilter(form: AuditForm, beforeId: number | null = null): AuditFilter {
  return {
    user: text(form.user),
    station: text(form.station),
    order: text(form.order),
    kinds: [...form.kinds],
    from: dayStart(form.from),
    to: dayStart(form.to, 1),
    before_id: beforeId,
    limit: PAGE,
  };
}

export interface AuditState {
  entries: AuditEntry[];
  loading: boolean;
  /** The last page was short: nothing older matches. */
  end: boolean;
  error: unknown;
}

/** The pages of the trail the screen shows, for one filter at a time. */
export class AuditTrail implements Readable<AuditState> {
  private s: AuditState = { entries: [], loading: false, end: false, error: null };
  private readonly store = writable(this.s);
  private form: AuditForm = EMPTY_FORM;
  // Drops an answer to a filter that has been changed since.
  private seq = 0;

  constructor(private readonly ipc: Pick<Ipc, 'audit'>) {}

  subscribe = this.store.subscribe;

  get state(): AuditState {
    return this.s;
  }

  /** The newest page for `form`. */
  show(form: AuditForm): Promise<void> {
    this.form = { ...form, kinds: [...form.kinds] };
    return this.fetch(null);
  }

  /** The page older than the last entry shown. */
  more(): Promise<void> {
    const last = this.s.entries.at(-1);
    if (!last || this.s.end || this.s.loading) return Promise.resolve();
    return this.fetch(last.id);
  }

  /** The filter of what is shown, for the export. */
  filter(): AuditFilter {
    return auditFilter(this.form);
  }

  private async fetch(beforeId: number | null) {
    const seq = ++this.seq;
    // What is shown stays (dimmed) until the answer replaces it.
    this.set({ loading: true, error: null });
    try {
      const page = await this.ipc.audit(auditFilter(this.form, beforeId));
      if (seq !== this.seq) return;
      this.set({
        entries: beforeId === null ? page : [...this.s.entries, ...page],
        end: page.length < PAGE,
        loading: false,
      });
    } catch (e) {
      if (seq !== this.seq) return;
      this.set({ loading: false, error: e });
    }
  }

  private set(patch: Partial<AuditState>) {
    this.s = { ...this.s, ...patch };
    this.store.set(this.s);
  }
}
