// Purchase orders to dropshipping suppliers on the shipping screen, against
// replies recorded from the real core (src/test/backend.ts):
//
// purchase-orders.json: a demo order was confirmed with a line «Термосы
// оптом» ships (no e-mail: its purchase order is not mailed). Стол 5
// (Ольга, a supervisor) opens the purchase orders, enters an empty
// tracking number (refused), then СДЭК 1084563299: the supplier's part
// ships and no purchase order waits any more.

import { afterEach, describe, expect, it } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import PurchaseOrders from './PurchaseOrders.svelte';
import { setLanguage } from '../lib/locale.svelte';
import { setSignedIn } from '../lib/session.svelte';
import { endReplay, replay } from '../test/backend';
import { $, type, until } from '../test/dom';

// Ольга, the flow's supervisor: she may enter a supplier's tracking number.
const OLGA = {
  name: 'Ольга',
  login: 'ольга',
  roles: ['supervisor' as const],
  channels: [],
  may: ['ship_purchase_order' as const],
};

const mounted: Record<string, unknown>[] = [];

afterEach(() => {
  for (const c of mounted.splice(0)) void unmount(c);
  document.body.replaceChildren();
  setLanguage('ru');
  setSignedIn(null);
  endReplay();
});

function show(): HTMLElement {
  const target = document.createElement('div');
  document.body.append(target);
  mounted.push(mount(PurchaseOrders, { target, props: { changes: { seq: 0, numbers: [] } } }));
  flushSync();
  return target;
}

describe('purchase orders to suppliers', () => {
  it('says an unmailed purchase order is not mailed, refuses an empty number and ships the supplier’s part', async () => {
    const b = replay('purchase-orders');
    setSignedIn(OLGA);
    const root = show();
    await until(() => expect($(root, 'po-PO-000001')).not.toBeNull());
    expect($(root, 'po-not-mailed-PO-000001')?.textContent).toContain('нет адреса почты');
    expect($(root, 'po-PO-000001')?.textContent).toContain('ждёт поставщика');

    type($(root, 'po-carrier-PO-000001'), 'СДЭК');
    ($(root, 'po-ship-PO-000001') as HTMLButtonElement).click();
    await until(() =>
      expect($(root, 'po-error')?.textContent).toContain('tracking number is empty'),
    );

    type($(root, 'po-tracking-PO-000001'), '1084563299');
    ($(root, 'po-ship-PO-000001') as HTMLButtonElement).click();
    await until(() => expect($(root, 'po-note')?.textContent).toContain('PO-000001 отправлен'));
    await until(() => expect($(root, 'po-empty')).not.toBeNull());
    const shipped = b.calls.filter((c) => c.cmd === 'ship_purchase_order').map((c) => c.args);
    expect(shipped).toEqual([
      { number: 'PO-000001', carrier: 'СДЭК', tracking: '' },
      { number: 'PO-000001', carrier: 'СДЭК', tracking: '1084563299' },
    ]);
  });
});
