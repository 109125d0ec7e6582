import { describe, expect, it } from 'vitest';
import {
  base64,
  bytesSource,
  defaultKind,
  encodingMsg,
  fieldsByHeader,
  fileSource,
  headerChoices,
  importKinds,
  importOp,
  itemsKey,
  kindKey,
  mappingPairs,
  pathSource,
  progressShare,
  rowMsg,
  withHeader,
} from './importing';
import { IMPORT_KINDS } from './enums';
import { translate } from './i18n';
import type { AppInfo, ImportPreview, Op } from './bindings';
import { reply } from '../test/backend';

/** The same bytes through the platform's own encoder (a binary string and btoa). */
function platformBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** What core lets the person of a recorded flow do. */
function mayOf(flowName: string): (op: Op) => boolean {
  const who = reply<AppInfo>(flowName, 'app_info').signed_in!;
  return (op) => who.may.includes(op);
}

// A Shopify preview's fields as core guessed them from the headers of
// orders_export.csv (import.json): its SKU column, «Артикул», not found.
// (Core guesses; this only maps.)
const fields = reply<ImportPreview>('import', 'preview_import').fields;

describe('what a person may import', () => {
  it('offers a supervisor every format and products, Shopify first', () => {
    const kinds = importKinds(mayOf('orders'));
    expect(kinds).toEqual(['shopify', 'woocommerce', 'packbench', 'products']);
    expect(defaultKind(kinds), 'orders come from Shopify unless chosen').toBe('shopify');
  });

  it('offers a packer nothing, so there is no import button', () => {
    expect(importKinds(mayOf('settings'))).toEqual([]);
    expect(defaultKind([])).toBeNull();
  });

  it('offers a manager the orders only (products are the supervisors’)', () => {
    const manager = (op: Op) => op === 'import_orders';
    expect(importKinds(manager)).toEqual(['shopify', 'woocommerce', 'packbench']);
    expect(defaultKind(['products'])).toBe('products');
  });

  it('checks products against import_products and every order format against import_orders', () => {
    expect(IMPORT_KINDS.map(importOp)).toEqual([
      'import_orders',
      'import_orders',
      'import_orders',
      'import_products',
    ]);
  });

  it('names every kind, and counts orders or products, in both languages', () => {
    for (const k of IMPORT_KINDS) {
      expect(translate('ru', kindKey(k))).not.toBe(kindKey(k));
      expect(translate('en', kindKey(k))).not.toBe(kindKey(k));
    }
    expect(translate('ru', itemsKey('shopify'), { n: 2 })).toBe('Будет импортировано заказов: 2');
    expect(translate('ru', itemsKey('products'), { n: 7 })).toBe('Будет импортировано товаров: 7');
  });
});

describe('the column mapping', () => {
  it('sends every field read from a column as [field, header], leaving out those not in the file', () => {
    expect(mappingPairs(fields)).toEqual([
      ['name', 'Name'],
      ['currency', 'Currency'],
      ['lineitem quantity', 'Lineitem quantity'],
      ['lineitem price', 'Lineitem price'],
    ]);
  });

  it('moves one field to another column, keeping the others as core guessed', () => {
    const moved = withHeader(fields, 'lineitem sku', 'Артикул');
    expect(mappingPairs(moved)).toContainEqual(['lineitem sku', 'Артикул']);
    expect(moved.filter((f, i) => f !== fields[i]).map((f) => f.field)).toEqual(['lineitem sku']);
    expect(
      fields.find((f) => f.field === 'lineitem sku')!.header,
      'the fields core sent are not changed',
    ).toBeNull();
  });

  it('takes "not in the file" (the empty choice) as no column', () => {
    const unmapped = withHeader(fields, 'currency', '');
    expect(unmapped.find((f) => f.field === 'currency')!.header).toBeNull();
    expect(mappingPairs(unmapped).map(([f]) => f)).not.toContain('currency');
  });

  it('offers each named column once, in the file’s order', () => {
    expect(headerChoices(['Name', '', 'Email', 'Name', '  ', 'Phone'])).toEqual([
      'Name',
      'Email',
      'Phone',
    ]);
  });

  it('marks the columns the fields are read from', () => {
    const by = fieldsByHeader(withHeader(fields, 'lineitem sku', 'Name'));
    expect(by.get('Name')).toEqual(['name', 'lineitem sku']);
    expect(by.get('Currency')).toEqual(['currency']);
    expect(by.has('Артикул'), 'a column no field is read from').toBe(false);
  });
});

describe('the file as core takes it', () => {
  it('sends a typed path as it is, trimmed, named by its last part', () => {
    expect(pathSource('  /home/anna/Загрузки/orders_export.csv ')).toEqual({
      path: '/home/anna/Загрузки/orders_export.csv',
      name: 'orders_export.csv',
      content_base64: null,
    });
    expect(pathSource('C:\\Users\\anna\\orders.xlsx').name).toBe('orders.xlsx');
  });

  it('encodes bytes as standard padded base64, whatever the length', () => {
    for (const n of [0, 1, 2, 3, 4, 5, 49151, 49152, 49153, 100_001]) {
      const bytes = new Uint8Array(n).map((_, i) => (i * 131 + 7) % 256);
      expect(base64(bytes), `${n} bytes`).toBe(platformBase64(bytes));
    }
  });

  it('encodes a 10 MB export whole (Cyrillic in Windows-1251 included)', () => {
    const bytes = new Uint8Array(10 * 1024 * 1024 + 1);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) & 0xff;
    const encoded = base64(bytes);
    expect(encoded.length).toBe(4 * Math.ceil(bytes.length / 3));
    expect(encoded === platformBase64(bytes), 'the same as the platform’s encoder').toBe(true);
  });

  it('reads a chosen file into its bytes, with its name', async () => {
    // «Заказ» in Windows-1251, as a Russian Excel saves a CSV.
    const bytes = new Uint8Array([0xc7, 0xe0, 0xea, 0xe0, 0xe7, 0x3b, 0x31, 0x0a]);
    const file = new File([bytes], 'заказы.csv', { type: 'text/csv' });
    const source = await fileSource(file);
    expect(source).toEqual(bytesSource('заказы.csv', bytes));
    expect(source.path).toBeNull();
    const decoded = Uint8Array.from(atob(source.content_base64!), (c) => c.charCodeAt(0));
    expect(decoded, 'the bytes come back as they were').toEqual(bytes);
  });
});

describe('what the preview and the summary say', () => {
  it('says plainly when the file was read as Windows-1251', () => {
    const words = (enc: string) => {
      const m = encodingMsg(enc);
      return translate('ru', m.key, m.params);
    };
    expect(words('windows-1251')).toContain('Windows-1251');
    expect(words('windows-1251')).toContain('прочитан');
    expect(words('utf-8')).toBe('Кодировка: UTF-8');
    expect(words('xlsx')).toContain('XLSX');
    expect(words('koi8-r'), 'an encoding core may add later is still named').toBe(
      'Кодировка: koi8-r',
    );
  });

  it('numbers a row, with its order when core names one', () => {
    const say = (m: ReturnType<typeof rowMsg>) => translate('ru', m.key, m.params);
    expect(say(rowMsg({ row: 5, order: '#9101', message: 'x' }))).toBe('Строка 5, заказ #9101');
    expect(say(rowMsg({ row: 12, order: null, message: 'x' }))).toBe('Строка 12');
  });

  it('tells how far the import is, and nothing before core has said', () => {
    expect(progressShare(null)).toBeNull();
    expect(progressShare({ job: 'import', done: 0, total: 0 })).toBeNull();
    expect(progressShare({ job: 'import', done: 250, total: 1000 })).toBe(0.25);
    expect(progressShare({ job: 'import', done: 1200, total: 1000 })).toBe(1);
  });
});
