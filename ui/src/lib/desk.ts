// The order desk's forms without looks: an order's lines as the manager
// types them, what a new order and an edit send, and the history's words
// for what an edit changed. Nothing here prices, totals or checks a line:
// amounts go to core as typed and core prices them (one implementation of
// every rule), refusing a bad line with words naming it.

import type {
  LineInput,
  OrderDetail,
  OrderEdit,
  OrderLine,
  PhoneOrderInput,
  ProductMatch,
} from './bindings';
import { currencyExponent } from './i18n';
import type { Msg } from './i18n';

/** One line of a form: what the manager typed, as typed. */
export interface DraftLine {
  /** Stable key for the list: the line's id, or one of the form's own. */
  key: string;
  /** The order's line this is (an edit keeps it); null for a line added here. */
  id: number | null;
  sku: string;
  name: string;
  /** Free stock, when the line came from a product search; null otherwise. */
  free: number | null;
  quantity: string;
  price: string;
  /** On the whole line; "" = none. */
  discount: string;
  /** Kept as the order has it; null for a new line (core's default rate). */
  tax_rate_bp: number | null;
}

let nextKey = 0;

/** A line for a product found by a scan or a search: one unit, no price yet. */
export function lineFor(match: ProductMatch): DraftLine {
  return {
    key: `new-${++nextKey}`,
    id: null,
    sku: match.sku,
    name: match.name,
    free: match.free,
    quantity: '1',
    price: '',
    discount: '',
    tax_rate_bp: null,
  };
}

const WHOLE = /^\s*[-+]?\d+\s*$/;

/**
 * The lines with `match` added: a product already on a line gets one more
 * unit (a second scan of it), another one a line of its own. Returns the
 * key of the line that changed.
 */
export function addProduct(
  lines: DraftLine[],
  match: ProductMatch,
): { lines: DraftLine[]; key: string } {
  const i = lines.findIndex((l) => l.sku === match.sku);
  if (i < 0) {
    const line = lineFor(match);
    return { lines: [...lines, line], key: line.key };
  }
  const line = lines[i]!;
  // A quantity typed as something else is left for the manager to put right.
  const quantity = WHOLE.test(line.quantity)
    ? String(parseInt(line.quantity, 10) + 1)
    : line.quantity;
  const free = line.free ?? match.free;
  const next = [...lines];
  next[i] = { ...line, quantity, free };
  return { lines: next, key: line.key };
}

/**
 * Minor units written as a manager would type them back: "1290.50", "990"
 * (no thousands separator, a point, no zero fraction). Core reads it as it
 * reads any typed amount; the form shows the order's own numbers this way.
 */
export function minorAsTyped(minor: number, currency: string): string {
  const exp = currencyExponent(currency);
  if (exp === 0) return String(minor);
  const sign = minor < 0 ? '-' : '';
  const digits = String(Math.abs(minor)).padStart(exp + 1, '0');
  const whole = digits.slice(0, -exp);
  const fraction = digits.slice(-exp);
  return /^0+$/.test(fraction) ? `${sign}${whole}` : `${sign}${whole}.${fraction}`;
}

/** An order's line as the edit form starts it. */
export function draftOf(line: OrderLine, currency: string): DraftLine {
  return {
    key: `line-${line.id}`,
    id: line.id,
    sku: line.sku,
    name: line.name,
    free: null,
    quantity: String(line.quantity),
    price: minorAsTyped(line.unit_price_minor, currency),
    discount: line.discount_minor ? minorAsTyped(line.discount_minor, currency) : '',
    tax_rate_bp: line.tax_rate_bp,
  };
}

/** The order's lines as core takes them back (an edit keeps every id). */
export function linesOf(order: OrderDetail): LineInput[] {
  return order.lines.map((l) => asInput(draftOf(l, order.currency), l.quantity));
}

function asInput(line: DraftLine, quantity: number): LineInput {
  return {
    id: line.id,
    sku: line.sku,
    quantity,
    unit_price: line.price,
    discount: line.discount,
    tax_rate_bp: line.tax_rate_bp,
  };
}

/**
 * The lines as core takes them, or which line's quantity is not a whole
 * number: a quantity is an integer in the contract, so text that is none
 * cannot be sent. Whether the number is allowed (at least 1, not too many)
 * is core's to say.
 */
export function lineInputs(lines: DraftLine[]): { ok: LineInput[] } | { bad: Msg } {
  const out: LineInput[] = [];
  for (const [i, line] of lines.entries()) {
    if (!WHOLE.test(line.quantity)) {
      return {
        bad: {
          key: 'desk.quantityNotWhole',
          params: { n: i + 1, sku: line.sku, quantity: line.quantity.trim() || '—' },
        },
      };
    }
    out.push(asInput(line, parseInt(line.quantity, 10)));
  }
  return { ok: out };
}

/** The customer and the order's head as the new-order form holds them. */
export interface NewOrderDraft {
  customerId: number | null;
  name: string;
  phone: string;
  email: string;
  address: string;
  deliveryMethod: string;
  deliveryCost: string;
  comment: string;
  manager: string;
}

export function emptyNewOrder(): NewOrderDraft {
  return {
    customerId: null,
    name: '',
    phone: '',
    email: '',
    address: '',
    deliveryMethod: '',
    deliveryCost: '',
    comment: '',
    manager: '',
  };
}

/** What `create_order` gets: everything as typed (currency and channel: core's defaults). */
export function phoneOrder(draft: NewOrderDraft, lines: LineInput[]): PhoneOrderInput {
  return {
    customer: {
      id: draft.customerId,
      name: draft.name,
      phone: draft.phone,
      email: draft.email,
      address: draft.address,
    },
    lines,
    delivery_method: draft.deliveryMethod,
    delivery_cost: draft.deliveryCost,
    comment: draft.comment,
    currency: '',
    manager: draft.manager.trim() || null,
    channel: '',
  };
}

/** The head fields an edit may change, as the form holds them (text). */
export interface HeadDraft {
  number: string;
  customer_name: string;
  phone: string;
  email: string;
  shipping_address: string;
  delivery_method: string;
  delivery_cost: string;
  comment: string;
}

export function headOf(order: OrderDetail): HeadDraft {
  return {
    number: order.number,
    customer_name: order.customer_name,
    phone: order.phone,
    email: order.email,
    shipping_address: order.shipping_address,
    delivery_method: order.delivery_method,
    delivery_cost: minorAsTyped(order.delivery_cost_minor, order.currency),
    comment: order.comment,
  };
}

/** True when the form's lines differ from the order's (any field, order, or count). */
export function linesChanged(order: OrderDetail, lines: DraftLine[]): boolean {
  const was = order.lines.map((l) => draftOf(l, order.currency));
  if (was.length !== lines.length) return true;
  return lines.some((l, i) => {
    const w = was[i]!;
    return (
      l.id !== w.id ||
      l.sku !== w.sku ||
      l.quantity.trim() !== w.quantity ||
      l.price !== w.price ||
      l.discount !== w.discount
    );
  });
}

/**
 * What `edit_order` gets: only the head fields the manager changed, and the
 * whole list of lines (ids kept) when any line changed. Empty when nothing
 * did. A line's quantity that is not a whole number comes back as `bad`.
 */
export function editOf(
  order: OrderDetail,
  head: HeadDraft,
  lines: DraftLine[],
): { ok: OrderEdit } | { bad: Msg } {
  const edit: OrderEdit = {};
  const was = headOf(order);
  for (const key of Object.keys(was) as (keyof HeadDraft)[]) {
    if (head[key] !== was[key]) edit[key] = head[key];
  }
  if (linesChanged(order, lines)) {
    const inputs = lineInputs(lines);
    if ('bad' in inputs) return inputs;
    edit.lines = inputs.ok;
  }
  return { ok: edit };
}

/** The whole list of lines with line `lineId`'s product replaced by `sku`. */
export function substituted(order: OrderDetail, lineId: number, sku: string): LineInput[] {
  return linesOf(order).map((l) => (l.id === lineId ? { ...l, sku } : l));
}

/** "2026-12-05" as the language writes a day ("05.12.2026", "05/12/2026"). */
export function dayOf(iso: string, locale: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return iso;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return new Intl.DateTimeFormat(locale, {
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(d);
}

/** "2026-12-05" as a short day ("05.12"), for the packing table. */
export function shortDayOf(iso: string, locale: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return iso;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return new Intl.DateTimeFormat(locale, {
    day: '2-digit',
    month: '2-digit',
    timeZone: 'UTC',
  }).format(d);
}
