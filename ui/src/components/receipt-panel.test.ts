// An order's receipts (54-ФЗ) on the order screen, against replies
// recorded from the real core (src/test/backend.ts):
//
// receipt-panel.json: the store's СНО is ОСН, receipts by hand, no cash
// register. Стол 5 (Ольга, a supervisor) opens the demo's oldest shipped
// order: no receipt yet; she prepares its settlement receipt: the order's
// lines, «prepared, not fiscalised — there is no cash register».

import { afterEach, describe, expect, it } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import ReceiptPanel from './ReceiptPanel.svelte';
import { setLanguage } from '../lib/locale.svelte';
import { endReplay, replay, reply } from '../test/backend';
import { $, $$, until } from '../test/dom';
import type { OrderDetail, OrderReceipts } from '../lib/bindings';

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
  mounted.push(mount(ReceiptPanel, { target, props: { order } }));
  flushSync();
  return target;
}

const text = (root: HTMLElement, testid: string) => $(root, testid)?.textContent ?? '';

describe('the receipt panel', () => {
  it('prepares the settlement receipt of a shipped order and shows its lines, not fiscalised', async () => {
    const b = replay('receipt-panel');
    const order = reply<OrderDetail>('receipt-panel', 'order_detail');
    const made = reply<OrderReceipts>('receipt-panel', 'prepare_receipt');
    const root = show(order);
    await until(() => expect(text(root, 'order-receipts')).toContain('Чеков пока нет'));
    expect($(root, 'receipt-problem'), 'nothing stops the receipt').toBeNull();

    ($(root, 'prepare-receipt') as HTMLButtonElement).click();
    flushSync();
    await until(() => expect($$(root, 'receipt')).toHaveLength(1));
    expect(b.calls.filter((c) => c.cmd === 'prepare_receipt')).toEqual([
      { cmd: 'prepare_receipt', args: { number: order.number } },
    ]);
    const receipt = $(root, 'receipt')!;
    expect(receipt.dataset['state']).toBe('prepared');
    expect(text(root, 'receipt-state')).toContain('Чек подготовлен, не пробит — кассы нет');
    expect(text(root, 'receipt-state'), 'never called fiscal without a register').not.toContain(
      'Чек пробит',
    );
    const lines = $$(root, 'receipt-line');
    const recorded = made.receipts[0]!.lines;
    expect(lines).toHaveLength(recorded.length);
    recorded.forEach((l, i) => expect(lines[i]!.textContent).toContain(l.name));
    for (const line of order.lines) {
      expect(receipt.textContent, `the order's ${line.sku} is on the receipt`).toContain(line.name);
    }
  });
});
