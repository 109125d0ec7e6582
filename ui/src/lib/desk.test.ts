// The order desk's forms without looks, on orders core recorded
// (phone-order.json, back-order.json): what an edit sends, and the
// history's words for what changed.

import { describe, expect, it } from 'vitest';
import { addProduct, draftOf, editOf, headOf, lineFor, minorAsTyped, substituted } from './desk';
import { describeDeskEvent, type Words } from './history';
import { formatMoney, translate, type MessageKey, type Params } from './i18n';
import type { Confirmation, OrderDetail, ProductMatch } from './bindings';
import { flow, reply } from '../test/backend';

const order = reply<Confirmation>('phone-order', 'confirm_order').order;
const mugs = flow('phone-order').steps.find((s) => s.cmd === 'find_products')!.ok as ProductMatch[];

const words = (lang: 'ru' | 'en'): Words => ({
  t: (key: MessageKey, params?: Params) => translate(lang, key, params),
  money: (minor) => formatMoney(minor, 'RUB', lang).replace(/\s/g, ' '),
  day: (iso) => iso,
});

describe('amounts in a form', () => {
  it('are written back as a manager types them, with no zero fraction', () => {
    expect(minorAsTyped(129050, 'RUB')).toBe('1290.50');
    expect(minorAsTyped(99000, 'RUB')).toBe('990');
    expect(minorAsTyped(5, 'RUB'), 'kopecks alone').toBe('0.05');
    expect(minorAsTyped(1500, 'JPY'), 'a currency without minor units').toBe('1500');
    expect(minorAsTyped(-2050, 'EUR')).toBe('-20.50');
  });
});

describe('the lines of a form', () => {
  it('add a unit to the line of a product scanned again, and a line for another', () => {
    const one = addProduct([], mugs[0]!);
    const two = addProduct(one.lines, mugs[0]!);
    expect(two.lines.map((l) => [l.sku, l.quantity])).toEqual([['PB-0001', '2']]);
    expect(two.key, 'the same line changed').toBe(one.key);
    const three = addProduct(two.lines, mugs[1]!);
    expect(three.lines.map((l) => [l.sku, l.quantity])).toEqual([
      ['PB-0001', '2'],
      ['PB-0026', '1'],
    ]);
  });

  it('leave a quantity typed as something else for the manager to put right', () => {
    const line = { ...lineFor(mugs[0]!), quantity: 'два' };
    expect(addProduct([line], mugs[0]!).lines[0]!.quantity).toBe('два');
  });
});

describe('an edit', () => {
  const start = () => ({ head: headOf(order), lines: order.lines.map((l) => draftOf(l, 'RUB')) });

  it('sends nothing when nothing changed', () => {
    const { head, lines } = start();
    expect(editOf(order, head, lines)).toEqual({ ok: {} });
  });

  it('sends a changed field alone, and no lines', () => {
    const { head, lines } = start();
    head.delivery_cost = '400';
    expect(editOf(order, head, lines)).toEqual({ ok: { delivery_cost: '400' } });
  });

  it('sends every line with its id when one line is removed', () => {
    const { head, lines } = start();
    const edit = editOf(order, head, lines.slice(1));
    expect(edit).toEqual({
      ok: {
        lines: [
          {
            id: 105,
            sku: 'PB-0002',
            quantity: 1,
            unit_price: '990',
            discount: '',
            tax_rate_bp: 2200,
          },
        ],
      },
    });
  });

  it('says which line’s quantity is no whole number', () => {
    const { head, lines } = start();
    lines[1]!.quantity = '1,5';
    expect(editOf(order, head, lines)).toEqual({
      bad: { key: 'desk.quantityNotWhole', params: { n: 2, sku: 'PB-0002', quantity: '1,5' } },
    });
  });

  it('substitutes one line’s product, keeping its id, quantity and price', () => {
    const lines = substituted(order, 104, 'PB-0126');
    expect(lines[0]).toEqual({
      id: 104,
      sku: 'PB-0126',
      quantity: 2,
      unit_price: '1290.50',
      discount: '',
      tax_rate_bp: 2200,
    });
    expect(lines[1]!.sku, 'the other line stays').toBe('PB-0002');
  });
});

describe('the history’s words', () => {
  const say = (kind: string, before: unknown, after: unknown, lang: 'ru' | 'en' = 'ru') =>
    describeDeskEvent(kind, kind, before, after, words(lang));
  const line = (sku: string, quantity: number, unit_price_minor = 45000) => ({
    sku,
    name: sku,
    quantity,
    unit_price_minor,
    discount_minor: 0,
    tax_rate_bp: 2200,
  });

  it('name a line removed, one added and a price changed; money as money', () => {
    const d = say(
      'edited',
      { lines: [line('PB-0001', 2), line('PB-0003', 1)], delivery_cost_minor: 35000 },
      { lines: [line('PB-0001', 2, 40000), line('PB-0004', 3)], delivery_cost_minor: 0 },
    )!;
    expect(d.text).toBe(
      'edited: стоимость доставки: 350,00 ₽ → 0,00 ₽; PB-0001 × 2, цена 450,00 ₽ → 400,00 ₽; ' +
        'PB-0003 × 1: убрана; PB-0004 × 3, 450,00 ₽: добавлена',
    );
  });

  it('say what an edit could not reserve', () => {
    const d = say(
      'edited',
      { lines: [line('PB-0001', 2)] },
      {
        lines: [line('PB-0001', 8)],
        unreserved_skus: ['PB-0001'],
      },
    )!;
    expect(d.text).toBe('edited: PB-0001 × 2 → × 8; не зарезервировано: PB-0001');
  });

  it('name a hold and its release', () => {
    expect(say('held', { hold_reason: null }, { hold_reason: 'ждём оплату' })!.text).toBe(
      'held: ⏸ ждём оплату',
    );
    expect(say('held', { hold_reason: 'ждём оплату' }, { hold_reason: null }, 'en')!.text).toBe(
      'held: released (was: ждём оплату)',
    );
  });

  it('link a split to the other order', () => {
    const split = (
      flow('back-order').steps.find((s) => s.cmd === 'split_order')!.ok as {
        split: OrderDetail;
      }
    ).split.events.at(-1)!;
    const d = say(split.kind, split.before, split.after)!;
    expect(d).toEqual({ text: 'split: PB-0001 × 2 из заказа 1051', links: ['1051'] });
  });

  it('leave other kinds to the order screen', () => {
    expect(say('confirmed', { status: 'new' }, { status: 'confirmed' })).toBeNull();
  });
});
