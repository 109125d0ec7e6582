// The history's words for what happened: an edit's before → after (fields
// by name, lines as "PB-0001 × 2 → × 3", money as money), a manager
// given, a hold, a back-order's expected day, a split with the other order
// to open, a status moved, a print job, a payment, a note, and what was
// done to the people (a user added or changed, a sign-in, a lock-out).
// Core writes before/after holding only what changed; this only puts it in
// words, in the language given. The order history and the audit trail
// both speak through it.

import type { MessageKey, Msg, Params } from './i18n';
import { historyKey, paymentKey, roleKey } from './i18n';
import type { DocumentKind, OrderStatus, PaymentStatus, Role } from './bindings';
import { DOCUMENT_KINDS, ORDER_STATUSES, PAYMENT_STATUSES, ROLES } from './enums';
import { kindKey, printerSaid } from './printing';

export interface Words {
  t: (key: MessageKey, params?: Params) => string;
  /** Minor units of the order's currency as money. */
  money: (minor: number) => string;
  /** "2026-12-05" as the language writes a day. */
  day: (iso: string) => string;
}

/** One history entry in words, and the orders it names (opened by a click). */
export interface Described {
  text: string;
  links: string[];
}

type Obj = Record<string, unknown>;

const FIELD_KEYS: Record<string, MessageKey> = {
  number: 'field.number',
  customer_name: 'field.customer_name',
  phone: 'field.phone',
  email: 'field.email',
  shipping_address: 'field.shipping_address',
  delivery_method: 'field.delivery_method',
  delivery_cost_minor: 'field.delivery_cost',
  comment: 'field.comment',
};

interface LineWas {
  sku: string;
  quantity: number;
  unit_price_minor: number;
  discount_minor: number;
  tax_rate_bp: number;
}

function obj(v: unknown): Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {};
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function linesIn(v: unknown): LineWas[] {
  if (!Array.isArray(v)) return [];
  return v.map((x) => {
    const o = obj(x);
    return {
      sku: str(o.sku) ?? '?',
      quantity: num(o.quantity) ?? 0,
      unit_price_minor: num(o.unit_price_minor) ?? 0,
      discount_minor: num(o.discount_minor) ?? 0,
      tax_rate_bp: num(o.tax_rate_bp) ?? 0,
    };
  });
}

function percent(bp: number): string {
  return `${bp / 100} %`;
}

function text(v: unknown, w: Words): string {
  if (v === null || v === undefined || v === '') return w.t('common.none');
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** "PB-0001 × 2 → × 3", "PB-0004 × 2: added", "PB-0003 × 1: removed". */
function linesChanged(before: unknown, after: unknown, w: Words): string[] {
  const was = linesIn(before);
  const now = linesIn(after);
  const taken = new Set<number>();
  const out: string[] = [];
  for (const b of was) {
    const i = now.findIndex((a, j) => !taken.has(j) && a.sku === b.sku);
    if (i < 0) {
      out.push(`${b.sku} × ${b.quantity}: ${w.t('history.lineRemoved')}`);
      continue;
    }
    taken.add(i);
    const a = now[i]!;
    const parts = [
      a.quantity === b.quantity
        ? `${a.sku} × ${a.quantity}`
        : `${a.sku} × ${b.quantity} → × ${a.quantity}`,
    ];
    if (a.unit_price_minor !== b.unit_price_minor) {
      parts.push(
        `${w.t('history.price')} ${w.money(b.unit_price_minor)} → ${w.money(a.unit_price_minor)}`,
      );
    }
    if (a.discount_minor !== b.discount_minor) {
      parts.push(
        `${w.t('history.discount')} ${w.money(b.discount_minor)} → ${w.money(a.discount_minor)}`,
      );
    }
    if (a.tax_rate_bp !== b.tax_rate_bp) {
      parts.push(`${w.t('history.tax')} ${percent(b.tax_rate_bp)} → ${percent(a.tax_rate_bp)}`);
    }
    out.push(parts.join(', '));
  }
  now.forEach((a, j) => {
    if (!taken.has(j)) {
      out.push(
        `${a.sku} × ${a.quantity}, ${w.money(a.unit_price_minor)}: ${w.t('history.lineAdded')}`,
      );
    }
  });
  return out;
}

function edited(b: Obj, a: Obj, w: Words): string[] {
  const out: string[] = [];
  for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) {
    if (key === 'lines' || key === 'unreserved_skus') continue;
    const label = FIELD_KEYS[key];
    const name = label ? w.t(label) : key;
    if (key === 'delivery_cost_minor') {
      const from = num(b[key]);
      const to = num(a[key]);
      out.push(
        `${name}: ${from === null ? w.t('common.none') : w.money(from)} → ${to === null ? w.t('common.none') : w.money(to)}`,
      );
    } else {
      out.push(`${name}: ${text(b[key], w)} → ${text(a[key], w)}`);
    }
  }
  if ('lines' in a || 'lines' in b) out.push(...linesChanged(b.lines, a.lines, w));
  const unreserved = Array.isArray(a.unreserved_skus) ? a.unreserved_skus.map(String) : [];
  if (unreserved.length) out.push(w.t('history.unreserved', { skus: unreserved.join(', ') }));
  return out;
}

function moved(v: unknown): string {
  return linesIn(v)
    .map((l) => `${l.sku} × ${l.quantity}`)
    .join(', ');
}

/**
 * The words for an event of the order desk (edited, assigned, held,
 * expected_date, split, reserved); null for any other kind. `title` is the
 * kind's own name ("Order changed").
 */
export function describeDeskEvent(
  kind: string,
  title: string,
  before: unknown,
  after: unknown,
  w: Words,
): Described | null {
  const b = obj(before);
  const a = obj(after);
  const none = w.t('desk.nobody');
  const said = (parts: string[], links: string[] = []): Described => ({
    text: parts.length ? `${title}: ${parts.join('; ')}` : title,
    links,
  });
  switch (kind) {
    case 'edited':
      return said(edited(b, a, w));
    case 'assigned':
      return said([`${str(b.manager) ?? none} → ${str(a.manager) ?? none}`]);
    case 'held': {
      const reason = str(a.hold_reason);
      if (reason) return said([`⏸ ${reason}`]);
      const was = str(b.hold_reason);
      return said([
        was ? w.t('history.holdReleasedWas', { reason: was }) : w.t('history.holdReleased'),
      ]);
    }
    case 'expected_date': {
      const sku = str(a.sku) ?? str(b.sku) ?? '?';
      const missing = num(a.backordered);
      const from = str(b.expected_on);
      const to = str(a.expected_on);
      const what = missing ? `${sku} (${w.t('desk.missing', { n: missing })})` : sku;
      return said([
        `${what}: ${from ? w.day(from) : w.t('common.none')} → ${to ? w.day(to) : w.t('desk.dayUnknown')}`,
      ]);
    }
    case 'split': {
      const parts: string[] = [];
      const links: string[] = [];
      const to = str(a.split_to);
      const from = str(a.split_from);
      if (to) {
        parts.push(w.t('history.splitTo', { lines: moved(a.moved), number: to }));
        links.push(to);
      } else if (from) {
        parts.push(w.t('history.splitFrom', { lines: moved(a.moved), number: from }));
        links.push(from);
      }
      const paid = num(a.payment_moved_minor);
      if (paid) parts.push(w.t('history.paymentMoved', { amount: w.money(paid) }));
      return said(parts, links);
    }
    case 'reserved': {
      const parts: string[] = [];
      const from = num(b.backordered);
      const to = num(a.backordered);
      if (from !== null && to !== null) {
        parts.push(w.t('history.missingUnits', { before: from, after: to }));
      }
      const unreserved = Array.isArray(a.unreserved_skus) ? a.unreserved_skus.map(String) : [];
      if (unreserved.length) parts.push(w.t('history.unreserved', { skus: unreserved.join(', ') }));
      return said(parts);
    }
    default:
      return null;
  }
}

/** What the words of any history entry need besides the desk's. */
export interface EventWords extends Words {
  /** A stage, and the store's own step in it, as the store names them now. */
  status: (stage: OrderStatus, sub: string | null) => string;
  /** Minor units of a currency named in the entry (a payment's own). */
  moneyIn: (minor: number, currency: string) => string;
  /** One of the UI's messages (a printer's words) in the language. */
  tm: (msg: Msg) => string;
  /** A moment (ISO, UTC) as local date and time. */
  time: (iso: string) => string;
}

/** The kind's own name ("Packed short"); the kind as core wrote it if it has none. */
export function kindName(kind: string, w: Words): string {
  const key = historyKey(kind);
  return key ? w.t(key) : kind;
}

function isStatus(v: unknown): v is OrderStatus {
  return typeof v === 'string' && (ORDER_STATUSES as readonly string[]).includes(v);
}

function isPayment(v: unknown): v is PaymentStatus {
  return typeof v === 'string' && (PAYMENT_STATUSES as readonly string[]).includes(v);
}

function roles(v: unknown, w: Words): string {
  if (!Array.isArray(v) || v.length === 0) return w.t('common.none');
  return v
    .map((r) =>
      typeof r === 'string' && (ROLES as readonly string[]).includes(r)
        ? w.t(roleKey(r as Role))
        : String(r),
    )
    .join(', ');
}

function list(v: unknown, w: Words): string {
  return Array.isArray(v) && v.length > 0 ? v.map(String).join(', ') : w.t('common.none');
}

/** "Пётр Сидоров (petr)". */
function person(o: Obj): string {
  const name = str(o.name);
  const login = str(o.login);
  return name && login ? `${name} (${login})` : (name ?? login ?? '?');
}

/** A user added or changed, a sign-in, a lock-out, an API token. */
function describePeople(
  kind: string,
  title: string,
  before: unknown,
  after: unknown,
  w: EventWords,
): string | null {
  const b = obj(before);
  const a = obj(after);
  switch (kind) {
    case 'user_created':
      return `${title}: ${person(a)} — ${roles(a.roles, w)}`;
    case 'user_changed': {
      const parts: string[] = [];
      if ('name' in a && a.name !== b.name) {
        parts.push(`${w.t('history.name')}: ${text(b.name, w)} → ${text(a.name, w)}`);
      }
      if ('roles' in a && JSON.stringify(a.roles) !== JSON.stringify(b.roles)) {
        parts.push(`${w.t('history.roles')}: ${roles(b.roles, w)} → ${roles(a.roles, w)}`);
      }
      if ('channels' in a && JSON.stringify(a.channels) !== JSON.stringify(b.channels)) {
        parts.push(`${w.t('history.channels')}: ${list(b.channels, w)} → ${list(a.channels, w)}`);
      }
      if (typeof a.active === 'boolean' && a.active !== b.active) {
        parts.push(w.t(a.active ? 'history.activated' : 'history.deactivated'));
      }
      if (typeof a.badge === 'boolean' && a.badge !== b.badge) {
        parts.push(w.t(a.badge ? 'history.badgeGiven' : 'history.badgeRemoved'));
      }
      if (a.secret_changed === true) parts.push(w.t('history.secretChanged'));
      const who = person(Object.keys(a).length ? a : b);
      return parts.length ? `${title}: ${who}: ${parts.join('; ')}` : `${title}: ${who}`;
    }
    case 'signed_in': {
      const by = str(a.by);
      const how: Record<string, MessageKey> = {
        pin: 'history.byPin',
        password: 'history.byPassword',
        badge: 'history.byBadge',
      };
      return by && how[by] ? `${title} ${w.t(how[by])}` : title;
    }
    case 'locked_out': {
      const until = num(a.until);
      const login = str(a.login) ?? '?';
      return until === null
        ? `${title}: ${login}`
        : `${title}: ${w.t('history.lockedUntil', { login, time: w.time(new Date(until).toISOString()) })}`;
    }
    case 'token_created':
      return `${title}: ${w.t('history.token', { name: text(a.name, w), id: text(a.token, w), login: text(a.login, w) })}`;
    case 'token_revoked':
      return `${title}: ${w.t('history.tokenOf', { id: text(a.token, w), login: text(a.login, w) })}`;
    default:
      return null;
  }
}

/** Any other entry: a status moved, a print job, a payment, a note. */
function describeOther(kind: string, before: unknown, after: unknown, w: EventWords): string {
  const title = kindName(kind, w);
  const b = obj(before);
  const a = obj(after);
  if (isStatus(a.status)) {
    // A step within the stage is named as the store names it now.
    const from = isStatus(b.status) ? `${w.status(b.status, str(b.sub_status))} → ` : '';
    const reason = str(a.reason) ?? str(a.short_reason);
    const why = reason ? ` — «${reason}»` : '';
    return `${title}: ${from}${w.status(a.status, str(a.sub_status))}${why}`;
  }
  // A print job's event: { job, document, printer, status, message }.
  if (
    typeof a.document === 'string' &&
    (DOCUMENT_KINDS as readonly string[]).includes(a.document)
  ) {
    const doc = w.t(kindKey(a.document as DocumentKind));
    const printer = str(a.printer) ?? w.t('print.noPrinter');
    const why =
      a.status === 'failed' && typeof a.message === 'string'
        ? ` — ${printerSaid(a.message, w.tm)}`
        : '';
    return `${title}: ${doc} → ${printer}${why}`;
  }
  // A payment or refund: { amount_minor, currency, method, payment_status }.
  if (typeof a.amount_minor === 'number' && typeof a.currency === 'string') {
    const method = typeof a.method === 'string' && a.method ? ` (${a.method})` : '';
    const state = isPayment(a.payment_status) ? ` — ${w.t(paymentKey(a.payment_status))}` : '';
    return `${title}: ${w.moneyIn(a.amount_minor, a.currency)}${method}${state}`;
  }
  // A payment state that followed a new total (an edit or a split).
  if (isPayment(a.payment_status)) {
    const from = isPayment(b.payment_status) ? `${w.t(paymentKey(b.payment_status))} → ` : '';
    return `${title}: ${from}${w.t(paymentKey(a.payment_status))}`;
  }
  // A note: added { note, text, pinned }, or pinned/unpinned later.
  if (typeof a.pinned === 'boolean') {
    const note = typeof a.text === 'string' ? `«${a.text}»` : `#${String(a.note ?? '')}`;
    if (kind === 'note_pinned') {
      return a.pinned ? `${title}: ${note}` : `${title}: ${note} — ${w.t('history.unpinned')}`;
    }
    return a.pinned
      ? `${title}: ${note} — ${w.t('detail.pinned').toLowerCase()}`
      : `${title}: ${note}`;
  }
  const detail = after ?? before;
  return detail == null ? title : `${title}: ${JSON.stringify(detail)}`;
}

/**
 * Any history entry in words, and the orders it names: the order screen's
 * history and the audit trail say the same thing the same way.
 */
export function describeEvent(
  kind: string,
  before: unknown,
  after: unknown,
  w: EventWords,
): Described {
  const title = kindName(kind, w);
  const desk = describeDeskEvent(kind, title, before, after, w);
  if (desk) return desk;
  const people = describePeople(kind, title, before, after, w);
  if (people !== null) return { text: people, links: [] };
  return { text: describeOther(kind, before, after, w), links: [] };
}
