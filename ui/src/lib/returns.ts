// The returns screen's bookkeeping, apart from its looks: the items
// scanned out of a returned parcel with what the person says about each,
// the exchange's replacement lines, and what "Take the return" sends.
// No rule of returns is here: core checks every code against what the
// order shipped, every bin, every reason and the refund, in words.

import type {
  ExchangeLine,
  ItemCondition,
  OrderDetail,
  ProductMatch,
  ReturnInput,
  ReturnOutcome,
} from './bindings';
import { GS } from './scanner';
import { parseWhole } from './stock';

/** The outcomes in the order the screen offers them. */
export const OUTCOMES: readonly ReturnOutcome[] = ['refund', 'exchange', 'repair', 'none'];

/** One scanned item (or several of the same) of the return, as the screen holds it. */
export interface ItemRow {
  /** Stays with the row while others come and go. */
  key: number;
  /** What was scanned, exactly (a marking code keeps its GS separators). */
  code: string;
  /** As typed: whole units. */
  units: string;
  condition: ItemCondition;
  /** Where a resellable item goes back ("" = not chosen yet). */
  bin: string;
  /** Why a damaged item is written off. */
  reason: string;
  /** The product core found for the code, when it found one. */
  product: ProductMatch | null;
}

/** A replacement line of an exchange, as typed. */
export interface ExchangeRow {
  key: number;
  sku: string;
  units: string;
}

/** A marking code (Честный ЗНАК DataMatrix): GS1 fields with GS between them. */
export function isMarkingCode(code: string): boolean {
  return code.includes(GS);
}

/** A scanned code as people read it: the invisible GS shown as ⟨GS⟩. */
export function showCode(code: string): string {
  return code.split(GS).join('⟨GS⟩');
}

/**
 * The product a scan names, from core's answer to find_products: the one
 * product a barcode names, or the product whose SKU was typed.
 */
export function productOf(code: string, found: readonly ProductMatch[]): ProductMatch | null {
  if (found.length === 1) return found[0]!;
  const typed = code.trim().toLowerCase();
  return found.find((p) => p.sku.toLowerCase() === typed) ?? null;
}

/**
 * The bin a resellable item goes back to unless the person picks another:
 * the product's own bin on the order's line, else the bin chosen last.
 */
export function defaultBin(
  order: OrderDetail | null,
  product: ProductMatch | null,
  lastBin: string,
): string {
  const line = product ? order?.lines.find((l) => l.sku === product.sku) : undefined;
  return line?.bin ?? lastBin;
}

/**
 * The items with one more scan: the same plain barcode again is one more
 * unit of its row; every marking code is an item of its own (each unit
 * carries its own code).
 */
export function withScan(
  items: readonly ItemRow[],
  code: string,
  make: () => Omit<ItemRow, 'code'>,
): { items: ItemRow[]; changed: number } {
  if (!isMarkingCode(code)) {
    const i = items.findIndex((r) => r.code === code && !isMarkingCode(r.code));
    const units = i >= 0 ? parseWhole(items[i]!.units) : null;
    if (i >= 0 && units !== null) {
      const next = [...items];
      next[i] = { ...items[i]!, units: String(units + 1) };
      return { items: next, changed: next[i]!.key };
    }
  }
  const row = { ...make(), code };
  return { items: [...items, row], changed: row.key };
}

/**
 * "The same products as came back": the scanned items' products and units,
 * for the exchange's lines to start from. Items whose product is not
 * known are left out (core fills them in when the lines are not changed).
 */
export function sameAsBack(items: readonly ItemRow[]): { sku: string; units: number }[] {
  const out: { sku: string; units: number }[] = [];
  for (const item of items) {
    const sku = item.product?.sku;
    const units = parseWhole(item.units);
    if (!sku || units === null) continue;
    const line = out.find((l) => l.sku === sku);
    if (line) line.units += units;
    else out.push({ sku, units });
  }
  return out;
}

/** The units typed for each row that are not a whole number (their keys). */
export function badUnits(rows: readonly { key: number; units: string }[]): number[] {
  return rows.filter((r) => parseWhole(r.units) === null).map((r) => r.key);
}

/** What the person chose, as the screen holds it. */
export interface ReturnForm {
  items: readonly ItemRow[];
  outcome: ReturnOutcome;
  refund: string;
  method: string;
  note: string;
  /** Null: the same products as came back (core's default); else the lines as typed. */
  exchange: readonly ExchangeRow[] | null;
}

/**
 * What "Take the return" sends: every item as scanned, with its bin when
 * resellable and its reason when damaged; the refund's amount and method
 * only for a refund; replacement lines only for an exchange whose lines
 * were changed (none: the same products as came back). Units must be
 * whole numbers (see `badUnits`).
 */
export function returnInput(form: ReturnForm): ReturnInput {
  const exchange: ExchangeLine[] =
    form.outcome === 'exchange' && form.exchange
      ? form.exchange.map((l) => ({ sku: l.sku.trim(), units: parseWhole(l.units) ?? 0 }))
      : [];
  return {
    items: form.items.map((i) => ({
      code: i.code,
      units: parseWhole(i.units) ?? 0,
      condition: i.condition,
      bin: i.condition === 'resellable' ? i.bin.trim() || null : null,
      reason: i.condition === 'damaged' ? i.reason.trim() : '',
    })),
    outcome: form.outcome,
    refund: form.outcome === 'refund' ? form.refund.trim() : null,
    method: form.outcome === 'refund' ? form.method.trim() : '',
    note: form.note.trim(),
    exchange,
  };
}
