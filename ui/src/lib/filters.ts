// The order list's filter as the screens hold it and as core wants it: one
// OrderFilter (generated from core) for the list, the count, the groups,
// the export and the saved filters. Core does the filtering and reads the
// amounts as typed ("1 500,50"), refusing a bad one in words; this module
// only builds the question, names what is asked in chips, and turns the
// form's fields (a local date and time, a whole number) into the filter's.

import type { ExportRequest, GroupBy, OrderFilter, OrderStatus, PaymentStatus } from './bindings';
import { paymentKey, type Language, type MessageKey, type Params } from './i18n';

/** Orders per page of the list ("Show more" asks for the next one). */
export const PAGE = 50;

/**
 * A filter with every field there, as the screens hold it. `limit` and
 * `before` stay 0 and null here: the page is added when asking.
 */
export type Filter = { [K in keyof OrderFilter]-?: Exclude<OrderFilter[K], undefined> };

/** Nothing narrows the list: every order. */
export function emptyFilter(): Filter {
  return {
    search: null,
    statuses: [],
    payment: [],
    channels: [],
    delivery_methods: [],
    created_from: null,
    created_to: null,
    total_min: null,
    total_max: null,
    delivery_cost_min: null,
    delivery_cost_max: null,
    units_min: null,
    units_max: null,
    product: null,
    note: null,
    overdue: false,
    manager: null,
    limit: 0,
    before: null,
  };
}

/**
 * Only the fields that narrow: no nulls, blank words, empty lists, `false`
 * or 0 (core's defaults). The same question always goes over the wire as
 * the same object, the smallest one.
 */
export function compact(f: OrderFilter): OrderFilter {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(f) as [string, unknown][]) {
    if (v === null || v === undefined || v === false || v === 0) continue;
    if (typeof v === 'string' && v.trim() === '') continue;
    if (Array.isArray(v) && v.length === 0) continue;
    out[k] = Array.isArray(v) ? [...(v as unknown[])] : v;
  }
  return out as OrderFilter;
}

/** A filter core sent (a saved one) as the screens hold it, without a page. */
export function normalize(f: OrderFilter): Filter {
  const known = emptyFilter();
  const given = Object.fromEntries(
    Object.entries(f).filter(([k, v]) => k in known && v !== null && v !== undefined),
  );
  return { ...known, ...given, limit: 0, before: null };
}

/** The filter without its page: what is counted, grouped, exported or saved. */
export function whole(f: OrderFilter): OrderFilter {
  return compact({ ...f, limit: 0, before: null });
}

/** A page of the list: the first one, or the one after the order `before` (its id). */
export function pageRequest(
  f: OrderFilter,
  before: number | null = null,
  limit = PAGE,
): OrderFilter {
  return compact({ ...f, limit, before });
}

/** True when `a` and `b` find the same orders (their pages aside). */
export function sameFilter(a: OrderFilter, b: OrderFilter): boolean {
  const key = (f: OrderFilter) => {
    const w = whole(f) as Record<string, unknown>;
    return JSON.stringify(
      Object.keys(w)
        .sort()
        .map((k) => [k, w[k]]),
    );
  };
  return key(a) === key(b);
}

/** True when nothing narrows the list. */
export function isEmpty(f: OrderFilter): boolean {
  return Object.keys(whole(f)).length === 0;
}

/** The user's time zone now, minutes east of UTC (Moscow: 180), as core wants it. */
export function utcOffset(now: Date = new Date()): number {
  return -now.getTimezoneOffset();
}

export type ExportFormat = ExportRequest['format'];
export type ExportRows = ExportRequest['rows'];

/** What the export dialog asks core for: the filter's every order, in the user's words and zone. */
export function exportRequest(
  f: OrderFilter,
  format: ExportFormat,
  rows: ExportRows,
  lang: Language,
  utcOffsetMinutes: number,
): ExportRequest {
  return { filter: whole(f), format, rows, lang, utc_offset_minutes: utcOffsetMinutes };
}

// ---- Groups ----

/** What the list can be grouped by, in the order the select offers them. */
export const GROUPINGS = [
  'status',
  'payment',
  'day',
  'delivery_method',
  'channel',
  'category',
] as const satisfies readonly GroupBy[];

/**
 * The day `YYYY-MM-DD` of a group as created_from/created_to: its midnight
 * to the next one in the zone `utcOffsetMinutes` east of UTC (the zone the
 * groups were counted in, so the list finds what the group counted).
 */
export function dayRange(
  key: string,
  utcOffsetMinutes: number,
): { created_from: number; created_to: number } | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(key);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]) - 1, Number(m[3])];
  const midnight = Date.UTC(y, mo, d);
  const check = new Date(midnight);
  // 2026-02-31 is no day.
  if (check.getUTCMonth() !== mo || check.getUTCDate() !== d) return null;
  const from = midnight - utcOffsetMinutes * 60_000;
  return { created_from: from, created_to: from + 86_400_000 };
}

/**
 * The filter narrowed to one group, or null where a group is no filter (a
 * category, an empty key: "none"). A day keeps any part of the range
 * already asked for inside it.
 */
export function narrowToGroup(
  f: Filter,
  by: GroupBy,
  key: string,
  utcOffsetMinutes: number,
): Filter | null {
  if (key === '') return null;
  switch (by) {
    case 'status':
      return { ...f, statuses: [key as OrderStatus] };
    case 'payment':
      return { ...f, payment: [key as PaymentStatus] };
    case 'channel':
      return { ...f, channels: [key] };
    case 'delivery_method':
      return { ...f, delivery_methods: [key] };
    case 'day': {
      const day = dayRange(key, utcOffsetMinutes);
      if (!day) return null;
      return {
        ...f,
        created_from: Math.max(day.created_from, f.created_from ?? day.created_from),
        created_to: Math.min(day.created_to, f.created_to ?? day.created_to),
      };
    }
    default:
      return null;
  }
}

// ---- Chips ----

/** What a chip stands for: a field, or a pair of fields (a range). */
export type ChipField =
  | 'search'
  | 'statuses'
  | 'payment'
  | 'channels'
  | 'delivery_methods'
  | 'created'
  | 'total'
  | 'delivery_cost'
  | 'units'
  | 'product'
  | 'note'
  | 'overdue'
  | 'manager';

/** One active filter above the list; `value` picks one of a list's values. */
export interface Chip {
  field: ChipField;
  value?: string;
  label: string;
}

/** How chips speak: the UI's words, a status's name, an instant as local date and time. */
export interface ChipWords {
  t: (key: MessageKey, params?: Params) => string;
  status: (status: OrderStatus) => string;
  time: (utcMs: number) => string;
}

const blank = (v: string | null | undefined): v is null | undefined | '' => !v || !v.trim();

function range(
  w: ChipWords,
  from: string | null | undefined,
  to: string | null | undefined,
): string | null {
  if (blank(from) && blank(to)) return null;
  if (blank(to)) return w.t('filters.range.from', { from: from!.trim() });
  if (blank(from)) return w.t('filters.range.to', { to: to.trim() });
  return w.t('filters.range.both', { from: from.trim(), to: to.trim() });
}

const asText = (n: number | null | undefined) => (n === null || n === undefined ? null : String(n));

/** Every active filter as a chip, in the order of the panel's fields. */
export function chips(f: Filter, w: ChipWords): Chip[] {
  const out: Chip[] = [];
  const chip = (field: ChipField, name: MessageKey, value: string, which?: string) =>
    out.push({
      field,
      ...(which === undefined ? {} : { value: which }),
      label: w.t('filters.chip', { name: w.t(name), value }),
    });
  if (!blank(f.search)) chip('search', 'filters.search', f.search.trim());
  for (const s of f.statuses) chip('statuses', 'filters.status', w.status(s), s);
  for (const p of f.payment) chip('payment', 'filters.payment', w.t(paymentKey(p)), p);
  for (const c of f.channels) chip('channels', 'filters.channel', c, c);
  for (const d of f.delivery_methods) chip('delivery_methods', 'filters.delivery', d, d);
  const created = range(
    w,
    f.created_from === null ? null : w.time(f.created_from),
    f.created_to === null ? null : w.time(f.created_to),
  );
  if (created) chip('created', 'filters.created', created);
  const total = range(w, f.total_min, f.total_max);
  if (total) chip('total', 'filters.total', total);
  const delivery = range(w, f.delivery_cost_min, f.delivery_cost_max);
  if (delivery) chip('delivery_cost', 'filters.deliveryCost', delivery);
  const units = range(w, asText(f.units_min), asText(f.units_max));
  if (units) chip('units', 'filters.units', units);
  if (!blank(f.product)) chip('product', 'filters.product', f.product.trim());
  if (!blank(f.note)) chip('note', 'filters.note', f.note.trim());
  if (f.overdue) out.push({ field: 'overdue', label: w.t('filters.overdueOnly') });
  if (!blank(f.manager)) chip('manager', 'filters.manager', f.manager.trim());
  return out;
}

/** The filter without what `chip` stands for (one value of a list, or the whole field). */
export function removeChip(f: Filter, chip: Pick<Chip, 'field' | 'value'>): Filter {
  const without = <T extends string>(list: T[]) =>
    chip.value === undefined ? [] : list.filter((x) => x !== chip.value);
  switch (chip.field) {
    case 'statuses':
      return { ...f, statuses: without(f.statuses) };
    case 'payment':
      return { ...f, payment: without(f.payment) };
    case 'channels':
      return { ...f, channels: without(f.channels) };
    case 'delivery_methods':
      return { ...f, delivery_methods: without(f.delivery_methods) };
    case 'created':
      return { ...f, created_from: null, created_to: null };
    case 'total':
      return { ...f, total_min: null, total_max: null };
    case 'delivery_cost':
      return { ...f, delivery_cost_min: null, delivery_cost_max: null };
    case 'units':
      return { ...f, units_min: null, units_max: null };
    case 'overdue':
      return { ...f, overdue: false };
    default:
      return { ...f, [chip.field]: null };
  }
}

// ---- The panel's form ----

/**
 * The panel's fields as the inputs hold them: the dates as a
 * `datetime-local` writes them (local time), the rest as typed.
 */
export interface FilterForm {
  search: string;
  created_from: string;
  created_to: string;
  statuses: OrderStatus[];
  payment: PaymentStatus[];
  channels: string[];
  delivery_methods: string[];
  total_min: string;
  total_max: string;
  delivery_cost_min: string;
  delivery_cost_max: string;
  units_min: string;
  units_max: string;
  product: string;
  note: string;
  overdue: boolean;
  manager: string;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** A UTC instant as a `datetime-local` value in the local zone ("2026-11-23T10:00"). */
export function toLocalInput(utcMs: number | null): string {
  if (utcMs === null) return '';
  const d = new Date(utcMs);
  if (Number.isNaN(d.getTime())) return '';
  const base = `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return d.getSeconds() || d.getMilliseconds() ? `${base}:${pad(d.getSeconds())}` : base;
}

/**
 * A `datetime-local` value (local time; a day alone is its midnight) as
 * UTC ms; null when blank, NaN when it is no date.
 */
export function fromLocalInput(value: string): number | null {
  const v = value.trim();
  if (!v) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(v);
  if (!m) return NaN;
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0)) as number[];
  const date = new Date(y!, mo! - 1, d!, h!, mi!, s!);
  if (date.getMonth() !== mo! - 1 || date.getDate() !== d) return NaN;
  return date.getTime();
}

/** The filter as the panel shows it. */
export function toForm(f: Filter): FilterForm {
  return {
    search: f.search ?? '',
    created_from: toLocalInput(f.created_from),
    created_to: toLocalInput(f.created_to),
    statuses: [...f.statuses],
    payment: [...f.payment],
    channels: [...f.channels],
    delivery_methods: [...f.delivery_methods],
    total_min: f.total_min ?? '',
    total_max: f.total_max ?? '',
    delivery_cost_min: f.delivery_cost_min ?? '',
    delivery_cost_max: f.delivery_cost_max ?? '',
    units_min: asText(f.units_min) ?? '',
    units_max: asText(f.units_max) ?? '',
    product: f.product ?? '',
    note: f.note ?? '',
    overdue: f.overdue,
    manager: f.manager ?? '',
  };
}

/** A field of the form that cannot be read, and the words saying why. */
export interface FormProblem {
  field: keyof FilterForm;
  key: MessageKey;
}

const text = (v: string) => v.trim() || null;

function units(v: string): number | null {
  const t = v.trim();
  if (!t) return null;
  return /^\d{1,9}$/.test(t) ? Number(t) : NaN;
}

/**
 * The panel's fields as a filter. The amounts go as typed (core reads them
 * and names a bad one); a date or a count of units that is no date or
 * number is the form's problem, said before asking.
 */
export function fromForm(form: FilterForm): { filter: Filter } | { problem: FormProblem } {
  const from = fromLocalInput(form.created_from);
  const to = fromLocalInput(form.created_to);
  const lo = units(form.units_min);
  const hi = units(form.units_max);
  if (Number.isNaN(from)) return { problem: { field: 'created_from', key: 'filters.badDate' } };
  if (Number.isNaN(to)) return { problem: { field: 'created_to', key: 'filters.badDate' } };
  if (Number.isNaN(lo)) return { problem: { field: 'units_min', key: 'filters.badUnits' } };
  if (Number.isNaN(hi)) return { problem: { field: 'units_max', key: 'filters.badUnits' } };
  const amount = (v: string) => (v.trim() ? v : null);
  return {
    filter: {
      ...emptyFilter(),
      search: text(form.search),
      statuses: [...form.statuses],
      payment: [...form.payment],
      channels: [...form.channels],
      delivery_methods: [...form.delivery_methods],
      created_from: from,
      created_to: to,
      total_min: amount(form.total_min),
      total_max: amount(form.total_max),
      delivery_cost_min: amount(form.delivery_cost_min),
      delivery_cost_max: amount(form.delivery_cost_max),
      units_min: lo,
      units_max: hi,
      product: text(form.product),
      note: text(form.note),
      overdue: form.overdue,
      manager: text(form.manager),
    },
  };
}
