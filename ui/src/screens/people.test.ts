// People at the stations, as they meet the app: the sign-in screen (a PIN
// typed or tapped, a badge scanned, a login locked, a session that ran
// out), switching the user, the first administrator, a supervisor's
// approval at the packing table, the audit trail, the users' section, and
// the buttons a person is not offered. Against replies recorded from the
// real commands (sign-in.json, first-admin.json, approval.json, audit.json,
// users.json).

import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import App from '../App.svelte';
import Audit from './Audit.svelte';
import Users from './Users.svelte';
import Orders from './Orders.svelte';
import OrderView from './OrderView.svelte';
import TopBar from '../components/TopBar.svelte';
import { routeScan } from '../lib/scan-router';
import { setLanguage } from '../lib/locale.svelte';
import { lifecycle } from '../lib/lifecycle.svelte';
import type { AppInfo, AuditEntry, OrderDetail } from '../lib/bindings';
import { endReplay, flow, replay, replies, reply, signInAs } from '../test/backend';
import { $, type, choose } from '../test/dom';

const mounted: Record<string, unknown>[] = [];

function show<P extends Record<string, unknown>>(component: never, props: P): HTMLElement {
  const target = document.createElement('div');
  document.body.append(target);
  mounted.push(mount(component, { target, props }));
  flushSync();
  return target;
}

afterEach(() => {
  for (const c of mounted.splice(0)) void unmount(c);
  document.body.replaceChildren();
  setLanguage('ru');
  lifecycle.forget();
  endReplay();
});

function press(el: Element | Window, init: KeyboardEventInit) {
  const e = new KeyboardEvent('keydown', { bubbles: true, cancelable: true, ...init });
  el.dispatchEvent(e);
  flushSync();
  return e;
}

async function until(check: () => void) {
  await vi.waitFor(() => {
    flushSync();
    check();
  });
}

const sent = (b: { calls: { cmd: string; args: Record<string, unknown> }[] }, cmd: string) =>
  b.calls.filter((c) => c.cmd === cmd).map((c) => c.args);

/** The app started on `name`'s station, its first screen on show. */
async function app(name: string) {
  const b = replay(name);
  const root = show(App as never, {});
  await until(() => expect($(root, 'screen-packing')).not.toBeNull());
  return { b, root };
}

describe('the sign-in screen', () => {
  it('comes over the packing table when the session ran out, says why, and takes a badge', async () => {
    // sign-in.json: Анна signed in at Стол 2; half an hour later her scan is refused.
    const { b, root } = await app('sign-in');
    expect($(root, 'user')?.textContent).toBe('Анна (упаковщик)');
    routeScan('1001');
    await until(() => expect($(root, 'screen-signin')).not.toBeNull());
    expect($(root, 'signin-notice')?.textContent).toContain(
      'Выход после 30 мин без работы: войдите снова',
    );
    expect($(root, 'signin-cancel'), 'nobody to go back to').toBeNull();
    expect($(root, 'screen-packing'), 'the packing table waits underneath').not.toBeNull();
    expect($(root, 'scan-banner')?.textContent, 'the scan that was refused says why').toContain(
      'Выход после 30 мин без работы',
    );
    expect($(root, 'user'), 'nobody in the top bar meanwhile').toBeNull();

    // A wrong PIN, tapped on the pad.
    type($(root, 'signin-login'), 'anna');
    for (let i = 0; i < 4; i++) $(root, 'pin-key-0')!.click();
    flushSync();
    expect(($(root, 'signin-pin') as HTMLInputElement).value).toBe('0000');
    $(root, 'signin-submit')!.click();
    await until(() =>
      expect($(root, 'signin-error')?.textContent).toBe(
        '✖ Неверный логин или PIN: попытка 1 из 10, затем вход блокируется на 15 мин',
      ),
    );
    expect(($(root, 'signin-pin') as HTMLInputElement).value, 'the PIN typed is gone').toBe('');
    expect(($(root, 'signin-login') as HTMLInputElement).value, 'the login stays').toBe('anna');

    // Any scan here is a badge: one nobody has, then Анна Петрова's.
    expect(routeScan('BADGE-9999')).toBe(true);
    await until(() =>
      expect($(root, 'signin-error')?.textContent).toContain('Этот бейдж не зарегистрирован'),
    );
    routeScan('BADGE-0003');
    await until(() => expect($(root, 'screen-signin')).toBeNull());
    expect($(root, 'user')?.textContent).toBe('Анна Петрова (упаковщик)');
    expect($(root, 'screen-packing'), 'the station stays on its screen').not.toBeNull();
    expect(sent(b, 'log_in').map((a) => a.credential)).toEqual([
      { kind: 'secret', login: 'anna', secret: '0000' },
      { kind: 'badge', code: 'BADGE-9999' },
      { kind: 'badge', code: 'BADGE-0003' },
    ]);
    expect(
      b.calls.map((c) => c.cmd),
      'the scan was not taken by the sign-in screen',
    ).not.toContain('record_scan');
  });

  it('signs out with its button; ten wrong PINs lock the login, and say for how long', async () => {
    const { b, root } = await app('sign-in');
    $(root, 'sign-out')!.click();
    await until(() => expect($(root, 'screen-signin')).not.toBeNull());
    expect(sent(b, 'log_out')).toHaveLength(1);
    type($(root, 'signin-login'), 'ivan');
    for (let n = 1; n <= 10; n++) {
      type($(root, 'signin-pin'), '9999');
      $(root, 'signin-submit')!.click();
      await until(() => expect(sent(b, 'log_in')).toHaveLength(n));
      await until(() => expect(($(root, 'signin-pin') as HTMLInputElement).readOnly).toBe(false));
      if (n < 10) expect($(root, 'signin-error')?.textContent).toContain(`попытка ${n} из 10`);
    }
    const locked =
      '✖ Вход ivan заблокирован после 10 неверных попыток: повторите через 15 мин или обратитесь к старшему смены';
    expect($(root, 'signin-error')?.textContent).toBe(locked);
    type($(root, 'signin-pin'), '4444');
    $(root, 'signin-submit')!.click();
    await until(() => expect(sent(b, 'log_in')).toHaveLength(11));
    await until(() => expect($(root, 'signin-error')?.textContent).toBe(locked));
    expect($(root, 'screen-signin'), 'still nobody signed in').not.toBeNull();
  });

  it('switches the user with F12 (Esc goes back) and Ctrl+L, keeping the screen', async () => {
    const { b, root } = await app('sign-in');
    const f12 = press(window, { key: 'F12' });
    expect(f12.defaultPrevented).toBe(true);
    expect($(root, 'screen-signin')).not.toBeNull();
    expect($(root, 'signin-cancel')?.textContent).toContain('Вернуться: Анна');
    press($(root, 'signin-login')!, { key: 'Escape' });
    expect($(root, 'screen-signin')).toBeNull();
    expect($(root, 'user')?.textContent).toBe('Анна (упаковщик)');
    press(window, { key: 'l', code: 'KeyL', ctrlKey: true });
    expect($(root, 'screen-signin')).not.toBeNull();
    routeScan('BADGE-0003');
    await until(() => expect($(root, 'screen-signin')).toBeNull());
    expect($(root, 'user')?.textContent).toBe('Анна Петрова (упаковщик)');
    expect($(root, 'screen-packing')).not.toBeNull();
    expect(sent(b, 'log_out'), 'a switch is no sign-out').toEqual([]);
  });
});

describe('the first run', () => {
  it('creates the administrator: a short PIN in words, two PINs that differ caught here', async () => {
    // The first-run wizard's third step (wizard.json; the whole walk is in
    // wizard.test.ts).
    const b = replay('wizard');
    const root = show(App as never, {});
    await until(() => expect($(root, 'wizard-start')).not.toBeNull());
    expect($(root, 'load-demo'), 'an empty database may take the demo too').not.toBeNull();
    $(root, 'wizard-start')!.click();
    await until(() => expect($(root, 'wizard-db-alone')).not.toBeNull());
    $(root, 'wizard-next')!.click();
    await until(() => expect($(root, 'first-admin')).not.toBeNull());
    type($(root, 'first-admin-name'), 'Ирина Волкова');
    type($(root, 'first-admin-login'), 'irina');
    type($(root, 'first-admin-pin'), '258');
    type($(root, 'first-admin-pin-again'), '258');
    $(root, 'wizard-next')!.click();
    await until(() =>
      expect($(root, 'first-admin-error')?.textContent).toContain(
        'В PIN от 4 до 8 цифр, а в этом 3: выберите другой',
      ),
    );
    type($(root, 'first-admin-pin'), '2580');
    type($(root, 'first-admin-pin-again'), '2581');
    $(root, 'wizard-next')!.click();
    flushSync();
    expect($(root, 'first-admin-error')?.textContent).toContain('PIN не совпадают');
    expect(sent(b, 'create_first_admin'), 'not sent: the two differ').toHaveLength(1);
    type($(root, 'first-admin-pin-again'), '2580');
    $(root, 'wizard-next')!.click();
    // The rest of the wizard can wait.
    for (const step of ['store', 'printers', 'carriers']) {
      await until(() => expect($(root, 'screen-welcome')?.dataset.step).toBe(step));
      $(root, 'wizard-later')!.click();
    }
    await until(() => expect($(root, 'wizard-done')).not.toBeNull());
    $(root, 'wizard-next')!.click();
    await until(() => expect($(root, 'screen-orders')).not.toBeNull());
    expect($(root, 'user')?.textContent).toBe('Ирина Волкова (администратор)');
    expect(sent(b, 'create_first_admin').at(-1)).toEqual({
      name: 'Ирина Волкова',
      login: 'irina',
      secret: '2580',
    });
    expect($(root, 'nav-audit')).not.toBeNull();
  });
});

describe("a supervisor's approval at the packing table", () => {
  // approval.json: Стол 2 (Анна, a packer) ships 1001 short.
  const code = flow('approval').steps.find((s) => s.cmd === 'record_scan')!.args.code as string;

  async function shortShip() {
    const opened = await app('approval');
    const { root } = opened;
    routeScan('1001');
    await until(() => expect($(root, 'order-number')?.textContent).toBe('1001'));
    routeScan(code);
    await until(() => expect($(root, 'packed-count')?.dataset.packed).toBe('1'));
    $(root, 'short-ship')!.click();
    flushSync();
    type($(root, 'reason-input'), 'нет на складе');
    $(root, 'reason-confirm')!.click();
    await until(() => expect($(root, 'approval-dialog')).not.toBeNull());
    return opened;
  }

  it('asks for a badge or PIN, again after a wrong PIN and a packer’s badge, then packs', async () => {
    const { b, root } = await shortShip();
    expect($(root, 'approval-dialog')?.textContent).toContain(
      'Отгрузка с недостачей: нужен старший смены',
    );
    expect($(root, 'approval-dialog')?.textContent).toContain(
      'Одобрение старшего смены: отсканируйте бейдж старшего или введите логин и PIN',
    );
    type($(root, 'approval-login'), 'maria');
    for (let i = 0; i < 4; i++) $(root, 'approval-key-0')!.click();
    $(root, 'approval-approve')!.click();
    await until(() =>
      expect($(root, 'approval-refusal')?.textContent).toContain('попытка 1 из 10'),
    );
    expect(($(root, 'approval-pin') as HTMLInputElement).value).toBe('');
    routeScan('BADGE-0003');
    await until(() =>
      expect($(root, 'approval-refusal')?.textContent).toContain(
        'Анна Петрова (упаковщик) не может одобрить: нужен старший смены или администратор',
      ),
    );
    type($(root, 'approval-pin'), '2222');
    press($(root, 'approval-pin')!, { key: 'Enter' });
    await until(() => expect($(root, 'approval-dialog')).toBeNull());
    await until(() => expect($(root, 'screen-packing')?.dataset.phase).toBe('handover'));
    expect(sent(b, 'finish_packing').map((a) => a.approval ?? null)).toEqual([
      null,
      { kind: 'secret', login: 'maria', secret: '0000' },
      { kind: 'badge', code: 'BADGE-0003' },
      { kind: 'secret', login: 'maria', secret: '2222' },
    ]);
  });

  it('names who approved it in the order’s history', () => {
    replay('approval');
    const packed = replies<{ order: OrderDetail }>('approval', 'finish_packing').at(-1)!.order;
    const root = show(OrderView as never, {
      order: packed,
      onBack: () => {},
      onConfirm: () => {},
      onOpenAtPacking: () => {},
      onChanged: () => {},
    });
    const entry = [...root.querySelectorAll('.history li')].find((li) =>
      li.textContent?.includes('Упакован с недовложением'),
    );
    expect(entry?.textContent).toContain('«нет на складе»');
    expect(entry?.textContent).toContain('Анна, станция Стол 2 · одобрено: Мария Иванова');
  });

  it('changes nothing when Esc gives up, and says so', async () => {
    const { b, root } = await shortShip();
    press($(root, 'approval-login')!, { key: 'Escape' });
    await until(() => expect($(root, 'approval-dialog')).toBeNull());
    await until(() =>
      expect($(root, 'scan-banner')?.textContent).toContain('Не одобрено: ничего не изменилось'),
    );
    expect($(root, 'screen-packing')?.dataset.phase).toBe('packing');
    expect(sent(b, 'finish_packing')).toHaveLength(1);
  });
});

describe('the audit trail', () => {
  // audit.json: 1001 shipped short at Стол 2, approved by Мария Иванова.
  const [newest, older] = replies<AuditEntry[]>('audit', 'audit');
  const rows = (root: ParentNode) => root.querySelectorAll('[data-testid^="audit-row-"]');

  it('shows who did what and who approved it, newest first, and pages on', async () => {
    replay('audit');
    const opened: string[] = [];
    const root = show(Audit as never, { onOpenOrder: (n: string) => opened.push(n) });
    await until(() => expect(rows(root)).toHaveLength(newest!.length));
    const short = newest![0]!;
    const row = $(root, `audit-row-${short.id}`)!;
    expect(row.dataset.kind).toBe('packed_short');
    expect([...row.children].map((c) => c.textContent?.trim()).slice(1)).toEqual([
      'Анна',
      '✔ Мария Иванова',
      'Стол 2',
      '1001',
      'Упакован с недовложением: Упаковка → Готов — «нет на складе»',
    ]);
    $(root, `audit-order-${short.id}`)!.click();
    expect(opened).toEqual(['1001']);
    $(root, 'audit-more')!.click();
    await until(() => expect(rows(root)).toHaveLength(newest!.length + older!.length));
    expect($(root, 'audit-end')?.textContent).toBe('Это всё');
  });

  it('is F7 for everyone, and opens an order from its number on the orders screen', async () => {
    const { b, root } = await app('audit');
    press(window, { key: 'F7' });
    await until(() => expect(rows(root)).toHaveLength(newest!.length));
    $(root, `audit-order-${newest![0]!.id}`)!.click();
    await until(() => expect($(root, 'order-detail')?.dataset.number).toBe('1001'));
    expect($(root, 'nav-orders')?.getAttribute('aria-current')).toBe('page');
    expect(sent(b, 'order_detail')).toEqual([{ number: '1001' }]);
  });

  it('filters by person, kind, order and station, and exports what it shows', async () => {
    const b = replay('audit');
    const root = show(Audit as never, { onOpenOrder: () => {} });
    await until(() => expect(rows(root)).toHaveLength(newest!.length));
    await until(() => expect($(root, 'audit-user')?.textContent).toContain('Мария Иванова'));
    choose($(root, 'audit-user'), 'Мария Иванова');
    await until(() => expect(rows(root)).toHaveLength(1));
    $(root, 'audit-export')!.click();
    await until(() =>
      expect($(root, 'audit-exported')?.textContent).toMatch(
        /^✔ Сохранено: \/home\/anna\/\.local\/share\/packbench\/Downloads\/packbench-audit-\d{8}-\d{6}\.csv$/,
      ),
    );
    $(root, 'audit-reset')!.click();
    flushSync();
    $(root, 'audit-kind-packed_short')!.click();
    $(root, 'audit-kind-signed_in')!.click();
    await until(() => expect(rows(root)).toHaveLength(2));
    expect($(root, 'audit-kinds')?.textContent).toContain('Выбрано видов: 2');
    $(root, 'audit-reset')!.click();
    type($(root, 'audit-order'), '1001');
    await until(() => expect(rows(root)).toHaveLength(3));
    $(root, 'audit-reset')!.click();
    type($(root, 'audit-station'), 'Стол 2');
    await until(() => expect(rows(root)).toHaveLength(3));
    expect(sent(b, 'export_audit')).toEqual(
      flow('audit')
        .steps.filter((s) => s.cmd === 'export_audit')
        .map((s) => s.args),
    );
  });
});

describe('the users section', () => {
  it('adds Пётр, says what core refused, gives him another role, and deactivates him', async () => {
    // users.json: Ирина, an admin, in the office.
    const b = replay('users');
    const root = show(Users as never, {});
    await until(() => expect($(root, 'user-row-olga')).not.toBeNull());
    expect($(root, 'user-row-olga')?.textContent).toContain('администратор');

    $(root, 'users-add')!.click();
    flushSync();
    type($(root, 'user-name'), 'Пётр Сидоров');
    type($(root, 'user-login'), 'пётр с');
    $(root, 'user-role-picker')!.click();
    type($(root, 'user-secret'), '7777');
    type($(root, 'user-badge'), 'BADGE-0042');
    $(root, 'user-save')!.click();
    await until(() =>
      expect($(root, 'user-error')?.textContent).toContain('«пётр с» не подходит для логина'),
    );
    type($(root, 'user-login'), 'petr');
    type($(root, 'user-secret'), '777');
    $(root, 'user-save')!.click();
    await until(() =>
      expect($(root, 'user-error')?.textContent).toContain('В PIN от 4 до 8 цифр, а в этом 3'),
    );
    type($(root, 'user-secret'), '7777');
    $(root, 'user-save')!.click();
    await until(() => expect($(root, 'user-row-petr')).not.toBeNull());
    expect($(root, 'users-notice')?.textContent).toBe('✔ Сохранено: Пётр Сидоров');
    expect($(root, 'user-row-petr')?.textContent).toContain('сборщик');

    $(root, 'user-edit-petr')!.click();
    flushSync();
    expect(($(root, 'user-login') as HTMLInputElement).readOnly, 'the login names him').toBe(true);
    type($(root, 'user-badge'), 'BADGE-0003');
    $(root, 'user-save')!.click();
    await until(() =>
      expect($(root, 'user-error')?.textContent).toContain('Этот бейдж уже выдан: Анна Петрова'),
    );
    type($(root, 'user-badge'), '');
    $(root, 'user-role-picker')!.click();
    $(root, 'user-role-manager')!.click();
    flushSync();
    type($(root, 'user-channels'), 'ozon');
    $(root, 'user-save')!.click();
    await until(() => expect($(root, 'user-row-petr')?.textContent).toContain('менеджер'));
    expect($(root, 'user-row-petr')?.textContent).toContain('ozon');

    $(root, 'user-edit-petr')!.click();
    flushSync();
    $(root, 'user-active')!.click();
    $(root, 'user-save')!.click();
    await until(() => expect($(root, 'user-state-petr')?.textContent).toContain('отключён'));
    expect(sent(b, 'save_user')).toEqual(
      flow('users')
        .steps.filter((s) => s.cmd === 'save_user')
        .map((s) => s.args),
    );
  });
});

describe('what a person may not do is not offered', () => {
  const order = reply<OrderDetail>('orders', 'order_detail');
  const view = () =>
    show(OrderView as never, {
      order,
      onBack: () => {},
      onConfirm: () => {},
      onOpenAtPacking: () => {},
      onChanged: () => {},
    });
  const DESK = ['edit-order', 'hold-order', 'confirm-order', 'payment-form', 'assign-form'];

  it("shows a packer an order without the desk's buttons, and notes without pinning", () => {
    replay('settings'); // Стол 2: Анна, a packer
    const root = view();
    for (const id of DESK) expect($(root, id), id).toBeNull();
    expect($(root, 'note-form'), 'anyone may leave a note').not.toBeNull();
    expect($(root, 'note-pin-new'), 'but not pin it').toBeNull();
  });

  it('shows a supervisor the same order with them', () => {
    replay('orders'); // Стол 2 as a supervisor
    const root = view();
    for (const id of DESK) expect($(root, id), id).not.toBeNull();
    expect($(root, 'note-pin-new')).not.toBeNull();
  });

  it('offers a packer no new order on the orders screen', async () => {
    replay('orders');
    signInAs('settings');
    const root = show(Orders as never, {
      changes: { seq: 0, numbers: [] },
      onOpenAtPacking: () => {},
    });
    await until(() =>
      expect(root.querySelectorAll('[data-testid^="order-row-"]').length).toBeGreaterThan(0),
    );
    expect($(root, 'new-order')).toBeNull();
  });

  it('offers each person the screens of their work, and everyone the audit trail', () => {
    const nav = (name: string) => {
      const info = reply<AppInfo>(name, 'app_info');
      const root = show(TopBar as never, {
        info,
        who: info.signed_in,
        screen: 'orders',
        onNavigate: () => {},
        onLanguage: () => {},
      });
      return [...root.querySelectorAll('[data-testid^="nav-"]')].map((el) =>
        el.getAttribute('data-testid'),
      );
    };
    expect(nav('picking'), 'a picker').toEqual([
      'nav-orders',
      'nav-picking',
      'nav-settings',
      'nav-printing',
      'nav-audit',
      'nav-stock',
      'nav-help',
    ]);
    expect(nav('settings'), 'a packer').toEqual([
      'nav-orders',
      'nav-packing',
      'nav-shipping',
      'nav-settings',
      'nav-printing',
      'nav-audit',
      'nav-stock',
      'nav-returns',
      'nav-help',
    ]);
    expect(nav('users'), 'an admin').toHaveLength(11);
  });
});
