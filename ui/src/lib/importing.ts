// The import screen's logic that needs no screen: which kinds a person may
// import, the file as core takes it (a path, or the bytes as base64), the
// column mapping built from the selects, and the words for what core said.
// Core reads the file, guesses the columns, checks every row and imports;
// nothing here decides whether a row is good.

import { IMPORT_KINDS } from './enums';
import type { FieldMapping, ImportKind, ImportSource, Op, Progress, RowError } from './bindings';
import type { MessageKey, Msg } from './i18n';

/** What the file chooser offers. */
export const IMPORT_ACCEPT = '.csv,.xlsx,.txt';

/** The op core checks before importing a file of `kind`. */
export function importOp(kind: ImportKind): Op {
  return kind === 'products' ? 'import_products' : 'import_orders';
}

/** The kinds this person may import, in the order the select offers them. */
export function importKinds(may: (op: Op) => boolean): ImportKind[] {
  return IMPORT_KINDS.filter((k) => may(importOp(k)));
}

/** Where the select starts: Shopify when orders may be imported, else the first allowed. */
export function defaultKind(kinds: readonly ImportKind[]): ImportKind | null {
  return kinds.includes('shopify') ? 'shopify' : (kinds[0] ?? null);
}

export function kindKey(kind: ImportKind): MessageKey {
  return `import.kind.${kind}`;
}

/** "Orders to import: N" or "Products to import: N". */
export function itemsKey(kind: ImportKind): MessageKey {
  return kind === 'products' ? 'import.itemsProducts' : 'import.itemsOrders';
}

/** How the file was read, in words: Windows-1251 is said plainly. */
export function encodingMsg(encoding: string): Msg {
  switch (encoding.toLowerCase()) {
    case 'utf-8':
      return { key: 'import.encoding.utf8' };
    case 'windows-1251':
      return { key: 'import.encoding.cp1251' };
    case 'xlsx':
      return { key: 'import.encoding.xlsx' };
    default:
      return { key: 'import.encoding.other', params: { encoding } };
  }
}

/** A typed path as core takes it (the name is the path's last part). */
export function pathSource(path: string): ImportSource {
  const trimmed = path.trim();
  const name = trimmed.split(/[\\/]/).pop() || null;
  return { path: trimmed, name, content_base64: null };
}

/** A file's bytes as core takes them. */
export function bytesSource(name: string, bytes: Uint8Array): ImportSource {
  return { path: null, name, content_base64: base64(bytes) };
}

/** A file chosen in the window, read whole (a 10 MB export is fine). */
export async function fileSource(file: Blob & { name: string }): Promise<ImportSource> {
  return bytesSource(file.name, await bytesOf(file));
}

async function bytesOf(file: Blob): Promise<Uint8Array> {
  if (typeof file.arrayBuffer === 'function') return new Uint8Array(await file.arrayBuffer());
  // Older engines: the FileReader way.
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(new Uint8Array(reader.result as ArrayBuffer));
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'));
    reader.readAsArrayBuffer(file);
  });
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Standard base64 with padding, as core's decoder reads it. Written out
 * rather than through `btoa`, which needs a binary string of the whole
 * file first; this goes a chunk at a time, in linear time.
 */
export function base64(bytes: Uint8Array): string {
  const parts: string[] = [];
  const CHUNK = 3 * 16384;
  const out: string[] = [];
  for (let start = 0; start < bytes.length; start += CHUNK) {
    const end = Math.min(bytes.length, start + CHUNK);
    out.length = 0;
    let i = start;
    for (; i + 2 < end; i += 3) {
      const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
      out.push(
        ALPHABET[(n >> 18) & 63]! +
          ALPHABET[(n >> 12) & 63]! +
          ALPHABET[(n >> 6) & 63]! +
          ALPHABET[n & 63]!,
      );
    }
    // Only the last chunk can end between whole groups of three.
    if (end - i === 1) {
      const n = bytes[i]! << 16;
      out.push(`${ALPHABET[(n >> 18) & 63]}${ALPHABET[(n >> 12) & 63]}==`);
    } else if (end - i === 2) {
      const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
      out.push(`${ALPHABET[(n >> 18) & 63]}${ALPHABET[(n >> 12) & 63]}${ALPHABET[(n >> 6) & 63]}=`);
    }
    parts.push(out.join(''));
  }
  return parts.join('');
}

/** The file's columns a field may be read from: named ones, each once, in file order. */
export function headerChoices(headers: readonly string[]): string[] {
  return [...new Set(headers.filter((h) => h.trim() !== ''))];
}

/** The fields with `field` read from `header` (null: not in the file). */
export function withHeader(
  fields: readonly FieldMapping[],
  field: string,
  header: string | null,
): FieldMapping[] {
  return fields.map((f) => (f.field === field ? { ...f, header: header || null } : f));
}

/**
 * The whole mapping as core takes it: `[field, header]` for every field
 * read from a column. A field not in the file is left out, so core does
 * not look for it.
 */
export function mappingPairs(fields: readonly FieldMapping[]): [string, string][] {
  return fields.filter((f) => f.header).map((f) => [f.field, f.header!] as [string, string]);
}

/** The field each column feeds, for marking the preview table's headers. */
export function fieldsByHeader(fields: readonly FieldMapping[]): Map<string, string[]> {
  const by = new Map<string, string[]>();
  for (const f of fields) {
    if (!f.header) continue;
    by.set(f.header, [...(by.get(f.header) ?? []), f.field]);
  }
  return by;
}

/** "Row 5, order #9101: …" or "Row 5: …", for an error or a warning core numbered. */
export function rowMsg(e: RowError): Msg {
  return e.order
    ? { key: 'import.rowOrder', params: { row: e.row, order: e.order } }
    : { key: 'import.row', params: { row: e.row } };
}

/** The import's share done (0..1), or null before core has said. */
export function progressShare(p: Progress | null): number | null {
  if (!p || p.total <= 0) return null;
  return Math.min(1, Math.max(0, p.done / p.total));
}
