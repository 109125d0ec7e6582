// The order history's words for what the order desk changed: an edit's
// before → after (fields by name, lines as "PB-0001 × 2 → × 3", money as
// money), a manager given, a hold, a back-order's expected day, a split
// with the other order to open. Core writes before/after holding only what
// changed; this only puts it in words, in the language given.

import type { MessageKey, Params } from './i18n';

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
