// The store's lifecycle as the screens show it and the admin edits it, against
// replies recorded from the real commands (lifecycle.json: Ирина, an admin in
// the office, renames `ready` «Ждёт курьера», adds «Ждёт звонка» inside `new`,
// forbids new → cancelled, is refused ready → shipped (locked), sets a limit,
// puts order 1043 in «Ждёт звонка»; Анна, a packer, may not rename).

import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import Orders from './Orders.svelte';
import OrderView from './OrderView.svelte';
import Settings from './Settings.svelte';
import StatusSettings from '../components/StatusSettings.svelte';
import StatusBadge from '../components/StatusBadge.svelte';
import { ipc } from '../lib/ipc';
import { setLanguage } from '../lib/locale.svelte';
import { lifecycle, statusName } from '../lib/lifecycle.svelte';
import type { AppInfo, Lifecycle, NewStatus, OrderDetail, OrderSummary } from '../lib/bindings';
import { deferred, endReplay, flow, replay, replies, reply } from '../test/backend';
import { type } from '../test/dom';

const mounted: Record<string, unknown>[] = [];

afterEach(() => {
  for (const c of mounted.splice(0)) void unmount(c);
  document.body.replaceChildren();
  setLanguage('ru');
  lifecycle.forget();
  endReplay();
});

function show<P extends Record<string, unknown>>(component: never, props: P): HTMLElement {
  const target = document.createElement('div');
  document.body.append(target);
  mounted.push(mount(component, { target, props }));
  flushSync();
  return target;
}

const byId = (root: ParentNode, testid: string) =>
  root.querySelector<HTMLElement>(`[data-testid="${testid}"]`);

const steps = flow('lifecycle').steps;
const recorded = (cmd: string) => steps.find((s) => s.cmd === cmd && !s.error)!;
const added = recorded('add_status').args.status as NewStatus;

/**
 * The settings section as the office's admin (Ирина, signed in as the
 * recording's app_info says) sees it, the lifecycle read as the app reads
 * it when it starts.
 */
async function editor() {
  const b = replay('lifecycle');
  await lifecycle.load();
  const root = show(StatusSettings as never, {});
  return { b, root };
}

const box = (root: ParentNode, label: string) =>
  root.querySelector<HTMLInputElement>(`input[type="checkbox"][aria-label="${label}"]`);

describe('the store’s names for its statuses', () => {
  it('names the renamed `ready` «Ждёт курьера» on its tab and its badges once the lifecycle is in', async () => {
    // What core answered to the rename is the lifecycle after it.
    replay('lifecycle');
    const renamed = await ipc.renameStatus('ready', 'Awaiting courier', 'Ждёт курьера');
    // The orders screen on the same demo warehouse (orders.json).
    replay('orders');
    const all = replies<OrderSummary[]>('orders', 'list_orders')[0]!;
    const ready = all.filter((o) => o.status === 'ready');
    expect(ready.length, 'the demo warehouse has packed orders').toBeGreaterThan(0);
    const root = show(Orders as never, { changes: { seq: 0, numbers: [] }, onOpenAtPacking() {} });
    await vi.waitFor(() => {
      flushSync();
      expect(root.querySelectorAll('[data-testid^="order-row-"]')).toHaveLength(all.length);
    });
    const badge = () => byId(root, `order-row-${ready[0]!.number}`)!.querySelector('.badge')!;
    expect(byId(root, 'tab-ready')?.textContent, 'the standard word until core says').toContain(
      'Готов',
    );
    expect(badge().textContent).toBe('Готов');

    lifecycle.use(renamed);
    flushSync();
    expect(byId(root, 'tab-ready')?.textContent).toContain('Ждёт курьера');
    for (const o of ready) {
      expect(byId(root, `order-row-${o.number}`)!.querySelector('.badge')!.textContent).toBe(
        'Ждёт курьера',
      );
    }
    expect(byId(root, 'tab-new')?.textContent, 'a stage not renamed keeps its name').toContain(
      'Новый',
    );
    expect(badge().getAttribute('data-status'), 'the stage (and its colour) stays').toBe('ready');
    setLanguage('en');
    flushSync();
    expect(byId(root, 'tab-ready')?.textContent).toContain('Awaiting courier');
    expect(badge().textContent).toBe('Awaiting courier');
  });

  it('names an order’s own status by the store’s name, and by core’s name for one it does not know yet', () => {
    const after = reply<OrderDetail>('lifecycle', 'set_sub_status');
    const root = show(StatusBadge as never, {
      status: after.status,
      sub: after.sub_status,
      name: after.status_name,
      testid: 'badge',
    });
    expect(byId(root, 'badge')?.textContent, 'core’s name for it, before any lifecycle').toBe(
      'Ждёт звонка',
    );
    lifecycle.use(replies<Lifecycle>('lifecycle', 'rename_status')[0]!);
    expect(
      statusName(after.status, after.sub_status),
      'a status this station has not heard of yet is the stage',
    ).toBe('Новый');
    lifecycle.use(reply<Lifecycle>('lifecycle', 'add_status'));
    expect(statusName(after.status, after.sub_status)).toBe('Ждёт звонка');
    setLanguage('en');
    expect(statusName(after.status, after.sub_status)).toBe('Awaiting call');
  });
});

describe('the lifecycle this station holds', () => {
  it('is not put back by a slow read when an edit has answered since', async () => {
    const held = deferred();
    replay('lifecycle', {
      around: (call, answer) => {
        const reply = answer();
        return call.cmd === 'lifecycle' ? held.promise.then(() => reply) : reply;
      },
    });
    const reading = lifecycle.load();
    const renamed = await ipc.renameStatus('ready', 'Awaiting courier', 'Ждёт курьера');
    lifecycle.use(renamed);
    held.resolve();
    await reading;
    expect(statusName('ready'), 'the rename stays').toBe('Ждёт курьера');
  });
});

describe('the order statuses in the settings', () => {
  it('renames a stage with the names as typed, and sends nothing else', async () => {
    const { b, root } = await editor();
    type(byId(root, 'status-ru-ready'), 'Ждёт курьера');
    type(byId(root, 'status-en-ready'), 'Awaiting courier');
    expect(byId(root, 'status-row-ready')?.textContent).toContain('несохранённые');
    byId(root, 'status-save-ready')!.click();
    await vi.waitFor(() => {
      flushSync();
      expect(byId(root, 'status-note-ready')?.textContent).toContain('✔');
    });
    expect(b.calls.filter((c) => c.cmd !== 'lifecycle')).toEqual([
      {
        cmd: 'rename_status',
        args: { code: 'ready', labelEn: 'Awaiting courier', labelRu: 'Ждёт курьера' },
      },
    ]);
    expect(byId(root, 'status-note-ready')?.textContent).toContain('Ждёт курьера');
    expect(
      box(root, 'Упаковка → Ждёт курьера'),
      'the matrix names it as the store does now',
    ).not.toBeNull();
    expect(lifecycle.current?.statuses.find((s) => s.code === 'ready')?.label_ru).toBe(
      'Ждёт курьера',
    );
  });

  it('shows core’s refusal of an empty Russian name next to the row and keeps the name', async () => {
    const { b, root } = await editor();
    type(byId(root, 'status-ru-ready'), ' ');
    type(byId(root, 'status-en-ready'), 'Awaiting courier');
    byId(root, 'status-save-ready')!.click();
    await vi.waitFor(() => {
      flushSync();
      expect(byId(root, 'status-note-ready')?.textContent).toContain('✖');
    });
    expect(b.calls.at(-1)).toEqual({
      cmd: 'rename_status',
      args: { code: 'ready', labelEn: 'Awaiting courier', labelRu: ' ' },
    });
    expect(byId(root, 'status-note-ready')?.textContent).toContain('the Russian name is empty');
    expect(byId(root, 'status-note-ready')?.getAttribute('role')).toBe('alert');
    expect(box(root, 'Упаковка → Готов'), 'nothing renamed').not.toBeNull();
    expect(
      (byId(root, 'status-ru-ready') as HTMLInputElement).value,
      'what was typed stays to be put right',
    ).toBe(' ');
  });

  it('sets a limit alone, and shows it in hours too', async () => {
    const { b, root } = await editor();
    expect(byId(root, 'status-hours-confirmed')?.textContent).toBe('= 24 ч');
    type(byId(root, 'status-limit-confirmed'), '120');
    expect(byId(root, 'status-hours-confirmed')?.textContent).toBe('= 2 ч');
    type(byId(root, 'status-limit-confirmed'), '90');
    expect(byId(root, 'status-hours-confirmed')?.textContent).toBe('= 1 ч 30 мин');
    type(byId(root, 'status-limit-confirmed'), '120');
    byId(root, 'status-save-confirmed')!.click();
    await vi.waitFor(() => {
      flushSync();
      expect(byId(root, 'status-note-confirmed')?.textContent).toContain('✔');
    });
    expect(b.calls.filter((c) => c.cmd !== 'lifecycle')).toEqual([
      { cmd: 'set_status_limit', args: { code: 'confirmed', maxMinutes: 120 } },
    ]);
    expect((byId(root, 'status-limit-confirmed') as HTMLInputElement).value).toBe('120');
    expect(byId(root, 'status-save-confirmed')?.hasAttribute('disabled'), 'nothing left').toBe(
      true,
    );
  });

  it('adds a step within a stage, which then stands under its stage with Remove', async () => {
    const { b, root } = await editor();
    expect(byId(root, 'status-row-awaiting_call')).toBeNull();
    const stage = byId(root, 'status-add-stage') as HTMLSelectElement;
    stage.value = added.stage;
    stage.dispatchEvent(new Event('change', { bubbles: true }));
    type(byId(root, 'status-add-ru'), added.label_ru);
    type(byId(root, 'status-add-en'), added.label_en);
    type(byId(root, 'status-add-limit'), String(added.max_minutes));
    byId(root, 'status-add-button')!.click();
    await vi.waitFor(() => {
      flushSync();
      expect(byId(root, 'status-add-message')?.textContent).toContain('✔');
    });
    expect(b.calls.at(-1)).toEqual({ cmd: 'add_status', args: { status: added } });
    const rows = [...root.querySelectorAll<HTMLElement>('[data-testid^="status-row-"]')].map(
      (r) => r.dataset.testid,
    );
    expect(rows.slice(0, 3), 'right under `new`').toEqual([
      'status-row-new',
      'status-row-awaiting_call',
      'status-row-confirmed',
    ]);
    expect((byId(root, 'status-ru-awaiting_call') as HTMLInputElement).value).toBe('Ждёт звонка');
    expect(byId(root, 'status-remove-awaiting_call')).not.toBeNull();
    expect(byId(root, 'status-remove-new'), 'a standard stage cannot be removed').toBeNull();
    expect((byId(root, 'status-add-ru') as HTMLInputElement).value, 'the form is clear').toBe('');
  });

  it('allows nothing to change in a locked cell and says why', async () => {
    const { b, root } = await editor();
    const locked = box(root, 'Готов → Отправлен')!;
    expect(locked.checked, 'the hand-over is always allowed').toBe(true);
    expect(locked.disabled).toBe(true);
    locked.click();
    flushSync();
    expect(locked.checked).toBe(true);
    expect(b.calls.map((c) => c.cmd)).not.toContain('set_transition');
    const cell = byId(root, 'cell-ready-shipped')!;
    expect(cell.textContent).toContain('🔒');
    expect(cell.textContent).toContain('передача');
    expect(cell.title).toContain('передача курьеру');
    const why = document.getElementById(locked.getAttribute('aria-describedby')!);
    expect(why?.textContent, 'the legend under the grid').toContain('передача курьеру');
    const legend = byId(root, 'status-legend')!.textContent;
    expect(legend).toContain('завершение упаковки');
    expect(legend).toContain('разбор упакованного заказа');
    expect(legend).toContain('Упаковка → Готов');
  });

  it('forbids new → cancelled with its checkbox, as core then says', async () => {
    const { b, root } = await editor();
    const cell = box(root, 'Новый → Отменён')!;
    expect(cell.checked).toBe(true);
    expect(cell.disabled).toBe(false);
    cell.click();
    await vi.waitFor(() => {
      flushSync();
      expect(byId(root, 'status-matrix-message')?.textContent).toContain('✔');
    });
    expect(b.calls.at(-1)).toEqual({
      cmd: 'set_transition',
      args: { from: 'new', to: 'cancelled', allowed: false },
    });
    expect(box(root, 'Новый → Отменён')!.checked).toBe(false);
    expect(byId(root, 'status-matrix-message')?.textContent).toContain('Новый → Отменён: запрещён');
  });

  it('walks the grid with the arrow keys, over the diagonal and the locked cells', async () => {
    const { root } = await editor();
    const press = (key: string) => {
      const el = document.activeElement as HTMLElement;
      el.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
      return (document.activeElement as HTMLElement).getAttribute('aria-label');
    };
    box(root, 'Новый → Подтверждён')!.focus();
    expect(press('ArrowRight')).toBe('Новый → Сборка');
    expect(press('ArrowDown')).toBe('Подтверждён → Сборка');
    expect(press('ArrowDown'), 'picking → picking is the diagonal').toBe('Упаковка → Сборка');
    expect(press('ArrowRight'), 'packing → packing is the diagonal').toBe('Упаковка → Отправлен');
    expect(press('ArrowLeft'), 'packing → ready is locked').toBe('Упаковка → Сборка');
  });

  it('shows a packer the statuses read-only and says who may change them', async () => {
    // The lifecycle read at start (lifecycle.json), then the settings screen
    // of Стол 2, a packer (settings.json).
    replay('lifecycle');
    await lifecycle.load();
    const b = replay('settings');
    const info = reply<AppInfo>('settings', 'app_info');
    expect(info.signed_in?.roles).toEqual(['packer']);
    const root = show(Settings as never, { info, onSaved: () => {} });
    await vi.waitFor(() => {
      flushSync();
      expect(byId(root, 'seller-name')).not.toBeNull();
    });
    const section = byId(root, 'settings-statuses')!;
    expect(byId(section, 'statuses-readonly')?.textContent).toContain('только администратор');
    expect(byId(section, 'statuses-readonly')?.textContent).toContain('упаковщик');
    expect((byId(section, 'status-ru-ready') as HTMLInputElement).readOnly).toBe(true);
    expect(section.querySelector('[data-testid^="status-save-"]'), 'nothing to save').toBeNull();
    expect(byId(section, 'status-add'), 'nothing to add').toBeNull();
    const boxes = [...section.querySelectorAll<HTMLInputElement>('input[type="checkbox"]')];
    expect(boxes).toHaveLength(90);
    expect(boxes.every((x) => x.disabled)).toBe(true);
    box(section, 'Новый → Отменён')!.click();
    expect(b.calls.map((c) => c.cmd)).not.toContain('set_transition');
  });

  it('says only an admin may change them when core refuses', async () => {
    // The screen was drawn for an admin; the refusal core recorded is Анна's, a packer's.
    const { root } = await editor();
    const refused = steps.find((s) => s.cmd === 'rename_status' && s.error?.code === 'forbidden')!;
    type(byId(root, 'status-ru-new'), refused.args.labelRu as string);
    type(byId(root, 'status-en-new'), refused.args.labelEn as string);
    byId(root, 'status-save-new')!.click();
    await vi.waitFor(() => {
      flushSync();
      expect(byId(root, 'status-note-new')?.textContent).toContain(
        'статусы заказов может менять только администратор',
      );
    });
    expect(lifecycle.current?.statuses.find((s) => s.code === 'new')?.label_ru).toBe('Новый');
  });
});

describe('the order screen', () => {
  function showOrder(order: OrderDetail) {
    const changed: { order: OrderDetail; notice?: string }[] = [];
    const props = $state({ order });
    const target = document.createElement('div');
    document.body.append(target);
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

  it('puts an order in «Ждёт звонка» with the step select; its badge and history say so', async () => {
    const b = replay('lifecycle');
    await lifecycle.load();
    const order = reply<OrderDetail>('lifecycle', 'order_detail');
    const { root, changed } = showOrder(order);
    expect(byId(root, 'sub-status'), '`new` has no steps of the store’s own yet').toBeNull();

    lifecycle.use(await ipc.addStatus(added));
    flushSync();
    const select = byId(root, 'sub-status') as HTMLSelectElement;
    expect([...select.options].map((o) => [o.value, o.textContent])).toEqual([
      ['', '— (сам этап: Новый)'],
      ['awaiting_call', 'Ждёт звонка'],
    ]);
    expect(select.value).toBe('');
    select.value = 'awaiting_call';
    select.dispatchEvent(new Event('change', { bubbles: true }));
    await vi.waitFor(() => expect(changed).toHaveLength(1));
    flushSync();
    expect(b.calls.at(-1)).toEqual({
      cmd: 'set_sub_status',
      args: { number: order.number, code: 'awaiting_call' },
    });
    expect(byId(root, 'order-status')?.textContent).toBe('Ждёт звонка');
    expect(byId(root, 'order-status')?.dataset.status, 'still the stage `new`').toBe('new');
    expect((byId(root, 'sub-status') as HTMLSelectElement).value).toBe('awaiting_call');
    expect(changed[0]!.notice).toBe(`Заказ ${order.number}: Ждёт звонка`);
    expect(byId(root, 'order-detail')?.textContent).toContain(
      'Шаг внутри этапа: Новый → Ждёт звонка',
    );
  });
});
