// An order's parcel movements in the order view, against replies recorded
// from the real core (src/test/backend.ts):
//
// parcel-movements.json: order 1001 shipped with СДЭК in two parcels;
// Стол 2 (Анна) opens it before anything is reported, Стол 5 (Ольга)
// imports СДЭК's status file elsewhere, and a week later Анна opens it
// again: four movements, the second parcel stalled 7 days past СДЭК's 5.

import { afterEach, describe, expect, it } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import ParcelMovements from './ParcelMovements.svelte';
import { setLanguage } from '../lib/locale.svelte';
import { endReplay, replay, replies } from '../test/backend';
import { $, $$, until } from '../test/dom';
import type { OrderDetail } from '../lib/bindings';

const mounted: Record<string, unknown>[] = [];

afterEach(() => {
  for (const c of mounted.splice(0)) void unmount(c);
  document.body.replaceChildren();
  setLanguage('ru');
  endReplay();
});

function show(order: OrderDetail): HTMLElement {
  const target = document.createElement('div');
  document.body.append(target);
  mounted.push(mount(ParcelMovements, { target, props: { order } }));
  flushSync();
  return target;
}

/** Order 1001 as the order view had it: before the file, and a week after it. */
function detail(which: 'before' | 'after'): OrderDetail {
  const [before, after] = replies<OrderDetail>('parcel-movements', 'order_detail');
  return (which === 'before' ? before : after)!;
}

describe('parcel movements in the order view', () => {
  it('says nothing was reported yet for a shipped order the carrier has not scanned', async () => {
    const b = replay('parcel-movements');
    const root = show(detail('before'));
    await until(() => expect($(root, 'parcel-none')).not.toBeNull());
    expect(root.textContent).toContain('Движение посылки');
    expect(root.textContent).toContain('Перевозчик ещё не сообщал о движении');
    expect($$(root, 'parcel-move')).toHaveLength(0);
    expect(root.querySelector('[data-testid^="parcel-stalled-"]')).toBeNull();
    expect(b.calls.map((c) => c.cmd)).toEqual(['parcel_movements', 'stalled_parcels']);
  });

  it("lists the carrier's movements with time, place, words and tracking number, and marks the stalled parcel", async () => {
    const b = replay('parcel-movements');
    b.elsewhere(); // Ольга imports СДЭК's file at Стол 5.
    const root = show(detail('after'));
    await until(() => expect($$(root, 'parcel-move')).toHaveLength(4));
    const rows = $$(root, 'parcel-move');
    const text = rows.map((r) => r.textContent ?? '');
    expect(text[0]).toContain('Москва');
    expect(text[0]).toContain('Принят на склад отправителя');
    expect(text[0]).toContain('23.11.2026');
    expect(rows.map((r) => r.dataset.tracking)).toEqual(
      expect.arrayContaining(['1084563291', '1084563292']),
    );
    const handed = rows.find((r) => r.textContent?.includes('Вручен'))!;
    expect(handed.dataset.state).toBe('delivered');
    expect(handed.textContent).toContain('Казань');
    expect(handed.textContent).toContain('вручена');
    expect(handed.textContent).toContain('1084563291');
    expect(handed.dataset.stalled, 'the handed-over parcel is not stalled').toBeUndefined();

    const stall = $(root, 'parcel-stalled-1084563292');
    expect(stall?.textContent).toContain('Зависла: 7 дн. без движения (срок 5)');
    const sorting = rows.find((r) => r.textContent?.includes('Нижний Новгород'))!;
    expect(sorting.dataset.stalled).toBe('true');
    expect(sorting.textContent).toContain('в пути');
    expect($(root, 'parcel-stalled-1084563291')).toBeNull();
    expect(
      root.querySelectorAll('[data-testid^="parcel-stalled-"]'),
      "only this order's parcel (core lists other orders' stalled parcels too)",
    ).toHaveLength(1);
  });

  it('speaks English when the station does', async () => {
    setLanguage('en');
    const b = replay('parcel-movements');
    b.elsewhere();
    const root = show(detail('after'));
    await until(() => expect($$(root, 'parcel-move')).toHaveLength(4));
    expect(root.textContent).toContain('Parcel movements');
    expect($(root, 'parcel-stalled-1084563292')?.textContent).toContain(
      'Stalled: 7 d without movement (limit 5)',
    );
    expect(root.textContent).toContain('handed over');
  });

  it('shows nothing and reads nothing for an order that has not gone out', () => {
    const b = replay('parcel-movements');
    const order: OrderDetail = {
      ...detail('before'),
      number: '1002',
      status: 'ready',
      shipped_at: null,
    };
    const root = show(order);
    expect($(root, 'parcel-movements')).toBeNull();
    expect(b.calls).toHaveLength(0);
  });
});
