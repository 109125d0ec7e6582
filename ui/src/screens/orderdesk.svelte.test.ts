// The order screen as a manager uses it: payments, notes and statuses set by
// hand, against replies recorded from the real commands (order-desk.json).

import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import OrderView from './OrderView.svelte';
import Packing from './Packing.svelte';
import { PackingStation } from '../lib/packing';
import { ipc } from '../lib/ipc';
import { setLanguage } from '../lib/locale.svelte';
import type { OrderDetail } from '../lib/bindings';
import { endReplay, flow, replay } from '../test/backend';

const mounted: Record<string, unknown>[] = [];

afterEach(() => {
  for (const c of mounted.splice(0)) void unmount(c);
  document.body.replaceChildren();
  setLanguage('ru');
  endReplay();
});

const byId = (root: ParentNode, testid: string) =>
  root.querySelector<HTMLElement>(`[data-testid="${testid}"]`);

const steps = flow('order-desk').steps;
const detailOf = (number: string) =>
  steps.find((s) => s.cmd === 'order_detail' && s.args.number === number)!.ok as OrderDetail;
const [unpaid, shipped, confirmed] = steps
  .filter((s) => s.cmd === 'order_detail')
  .map((s) => s.args.number as string)
  .filter((n, i, all) => all.indexOf(n) === i);

/** The order screen for `order`; `changed` holds what core sent back last. */
function showOrder(order: OrderDetail) {
  const target = document.createElement('div');
  document.body.append(target);
  const changed: { order: OrderDetail; notice?: string }[] = [];
  const props = $state({ order });
  mounted.push(
    mount(OrderView, {
      target,
      props: {
        get order() {
          return props.order;
        },
        onBack: () => {},
        onConfirm: () => {},
        onOpenAtPacking: () => {},
        onChanged: (next: OrderDetail, notice?: string) => {
          changed.push({ order: next, notice });
          props.order = next;
        },
      },
    }),
  );
  flushSync();
  return { root: target, changed };
}

function type(el: HTMLElement | null, value: string) {
  const input = el as HTMLInputElement | HTMLTextAreaElement;
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
  flushSync();
}

describe('the order screen', () => {
  it('records a payment: core parses the amount, the state and the balance follow', async () => {
    const b = replay('order-desk');
    const order = detailOf(unpaid!);
    const { root, changed } = showOrder(order);
    expect(byId(root, 'payment-state')?.dataset.state).toBe(order.payment_status);
    type(byId(root, 'pay-amount'), '500,00');
    type(byId(root, 'pay-method'), 'карта');
    byId(root, 'pay')!.click();
    await vi.waitFor(() => expect(changed).toHaveLength(1));
    flushSync();
    const sent = b.calls.find((c) => c.cmd === 'record_payment')!.args;
    expect(sent).toMatchObject({
      number: unpaid,
      payment: { kind: 'payment', amount: '500,00', currency: order.currency, method: 'карта' },
    });
    const after = changed[0]!.order;
    expect(after.paid_minor - order.paid_minor, 'core counted 500,00').toBe(50000);
    expect(byId(root, 'payment-state')?.dataset.state).toBe(after.payment_status);
    expect(byId(root, 'payments')?.textContent).toContain('карта');
  });

  it('leaves a note and pins it; the packing station shows the pinned note above the lines', async () => {
    replay('order-desk');
    const { root, changed } = showOrder(detailOf(unpaid!));
    type(byId(root, 'note-text'), 'позвонить перед доставкой');
    (byId(root, 'note-form')!.querySelector('input[type="checkbox"]') as HTMLInputElement).click();
    flushSync();
    // The recording leaves the payment first: the note comes after it.
    type(byId(root, 'pay-amount'), '500,00');
    type(byId(root, 'pay-method'), 'карта');
    byId(root, 'pay')!.click();
    await vi.waitFor(() => expect(changed).toHaveLength(1));
    byId(root, 'add-note')!.click();
    await vi.waitFor(() => expect(changed).toHaveLength(2));
    flushSync();
    const note = changed[1]!.order.notes[0]!;
    expect(note.pinned, 'added unpinned').toBe(false);
    byId(root, `note-${note.id}`)!.querySelector('button')!.click();
    await vi.waitFor(() => expect(changed).toHaveLength(3));
    flushSync();
    expect(byId(root, `note-${note.id}`)?.dataset.pinned).toBe('true');

    // At packing the pinned note stands above the lines.
    const station = new PackingStation({ ipc, autoFinish: () => true });
    station.state.order = changed[2]!.order;
    station.state.phase = 'packing';
    const target = document.createElement('div');
    document.body.append(target);
    mounted.push(mount(Packing, { target, props: { station } }));
    flushSync();
    expect(byId(target, 'pinned-note')?.textContent).toContain('позвонить перед доставкой');
  });

  it('says payments and notes in the history in words, not as data', () => {
    const pinned = steps.find((s) => s.cmd === 'pin_note')!.ok as OrderDetail;
    const { root } = showOrder(pinned);
    const history = byId(root, 'order-detail')!.textContent!;
    expect(history).toMatch(/Оплата: 500,00\s₽ \(карта\) — Оплачен частично/);
    expect(history).toContain('Заметка: «позвонить перед доставкой»');
    expect(history).toContain('Заметка закреплена: «позвонить перед доставкой»');
    expect(history, 'no raw data in the history').not.toContain('amount_minor');
    setLanguage('en');
    flushSync();
    expect(byId(root, 'order-detail')!.textContent).toMatch(
      /Payment: RUB\s500\.00 \(карта\) — Partly paid/,
    );
  });

  it('marks a shipped order delivered with the button core offers', async () => {
    const b = replay('order-desk');
    const order = detailOf(shipped!);
    expect(order.next_by_hand, 'core says what a manager may set').toContain('delivered');
    const { root, changed } = showOrder(order);
    expect(byId(root, 'move-shipped'), 'no button for a status set by the warehouse').toBeNull();
    byId(root, 'move-delivered')!.click();
    await vi.waitFor(() => expect(changed).toHaveLength(1));
    expect(b.calls.find((c) => c.cmd === 'move_orders')!.args).toMatchObject({
      numbers: [shipped],
      to: 'delivered',
    });
    expect(changed[0]!.order.status).toBe('delivered');
  });

  it('cancels an order only with a reason, through the dialog', async () => {
    const b = replay('order-desk');
    const order = detailOf(confirmed!);
    const { root, changed } = showOrder(order);
    byId(root, 'cancel-order')!.click();
    flushSync();
    const dialog = document.querySelector('[data-testid="reason-dialog"]');
    expect(dialog).not.toBeNull();
    type(document.querySelector('[data-testid="reason-input"]'), 'клиент передумал');
    (document.querySelector('[data-testid="reason-confirm"]') as HTMLElement).click();
    await vi.waitFor(() => expect(changed).toHaveLength(1));
    expect(b.calls.filter((c) => c.cmd === 'move_orders').at(-1)!.args).toMatchObject({
      to: 'cancelled',
      reason: 'клиент передумал',
    });
    expect(changed[0]!.order.status).toBe('cancelled');
  });
});
