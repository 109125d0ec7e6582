// The first-run wizard as a new store meets it, by keys: the welcome with
// the demo one Enter away, the database (a server that refuses, then this
// station alone), the administrator, the store's details (a mistyped INN
// said at its field, in Russian), a printer with its test page, the
// carriers, done; and an administrator who left it half-way going on where
// it stopped. Against replies recorded from the real commands (wizard.json,
// wizard-resume.json).

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import App from '../App.svelte';
import { setLanguage } from '../lib/locale.svelte';
import { lifecycle } from '../lib/lifecycle.svelte';
import { resetWizard } from '../lib/wizard.svelte';
import { databaseLines, previousStep, problemsByField } from '../lib/wizard';
import { translate } from '../lib/i18n';
import type { DatabaseCheck, StoreDetailsSaved } from '../lib/bindings';
import { endReplay, replay, replies } from '../test/backend';
import { $, $$, choose, type } from '../test/dom';

const mounted: Record<string, unknown>[] = [];

function show(): HTMLElement {
  const target = document.createElement('div');
  document.body.append(target);
  mounted.push(mount(App as never, { target, props: {} }));
  flushSync();
  return target;
}

beforeEach(() => resetWizard());

afterEach(() => {
  for (const c of mounted.splice(0)) void unmount(c);
  document.body.replaceChildren();
  setLanguage('ru');
  lifecycle.forget();
  endReplay();
});

function key(k: string) {
  window.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }));
  flushSync();
}

async function until(check: () => void) {
  await vi.waitFor(() => {
    flushSync();
    check();
  });
}

const step = (root: HTMLElement) => $(root, 'screen-welcome')?.dataset.step;
const sent = (b: { calls: { cmd: string; args: Record<string, unknown> }[] }, cmd: string) =>
  b.calls.filter((c) => c.cmd === cmd).map((c) => c.args);

describe('the first-run wizard', () => {
  it('walks a new store from the welcome to the orders screen by Enter and Esc', async () => {
    const b = replay('wizard');
    const root = show();
    await until(() => expect(step(root)).toBe('language'));
    expect($(root, 'load-demo'), 'an empty database may take the demo').not.toBeNull();
    expect(document.activeElement, 'Enter is the demo, as it always was').toBe(
      $(root, 'load-demo'),
    );
    key('ArrowRight');
    await until(() => expect(step(root)).toBe('database'));
    expect(($(root, 'wizard-db-alone') as HTMLInputElement).checked, 'on its own file now').toBe(
      true,
    );

    // A server that refuses: core's answer, in the station's words; the
    // station stays where it was.
    $(root, 'wizard-db-shared')!.click();
    flushSync();
    type($(root, 'wizard-db-url'), 'postgres://packbench@127.0.0.1:1/packbench');
    key('Enter');
    await until(() => expect($(root, 'wizard-db-result')?.dataset.problem).toBe('refused'));
    expect($(root, 'wizard-db-result')?.textContent).toContain(
      'Сервер отклонил подключение: запущен ли там PostgreSQL, на этом адресе и порту?',
    );
    expect($(root, 'wizard-db-result')?.textContent).toContain('Connection refused');
    expect(step(root)).toBe('database');
    expect(sent(b, 'save_settings'), 'nothing switched').toEqual([]);

    $(root, 'wizard-db-alone')!.click();
    flushSync();
    key('Enter');
    await until(() => expect(step(root)).toBe('administrator'));
    key('Escape');
    await until(() => expect(step(root)).toBe('database'));
    key('Enter');
    await until(() => expect(step(root)).toBe('administrator'));

    type($(root, 'first-admin-name'), 'Ирина Волкова');
    type($(root, 'first-admin-login'), 'irina');
    type($(root, 'first-admin-pin'), '258');
    type($(root, 'first-admin-pin-again'), '258');
    key('Enter');
    await until(() =>
      expect($(root, 'first-admin-error')?.textContent).toContain(
        'В PIN от 4 до 8 цифр, а в этом 3: выберите другой',
      ),
    );
    type($(root, 'first-admin-pin'), '2580');
    type($(root, 'first-admin-pin-again'), '2580');
    key('Enter');
    await until(() => expect(step(root)).toBe('store'));
    expect($(root, 'nav-orders'), 'the app waits for the wizard').toBeNull();
    key('Escape');
    expect(step(root), 'no way back to making the administrator').toBe('store');

    type($(root, 'wizard-seller-name'), 'ООО «Ромашка»');
    type($(root, 'wizard-seller-inn'), '7707083894');
    type($(root, 'wizard-seller-kpp'), '773601001');
    type($(root, 'wizard-seller-address'), '420021, г. Казань, ул. Складская, д. 7');
    key('Enter');
    await until(() =>
      expect($(root, 'wizard-seller-inn-problem')?.dataset.rule).toBe('inn_check_digit'),
    );
    expect($(root, 'wizard-seller-inn-problem')?.textContent).toContain(
      'Не сходится контрольная цифра ИНН 7707083894: одна из цифр введена неверно',
    );
    expect($(root, 'wizard-seller-kpp-problem')?.textContent?.trim(), 'the KPP is fine').toBe('');
    expect(document.activeElement, 'the wrong field takes the focus').toBe(
      $(root, 'wizard-seller-inn'),
    );
    expect(step(root)).toBe('store');
    type($(root, 'wizard-seller-inn'), '7707083893');
    key('Enter');
    await until(() => expect(step(root)).toBe('printers'));

    await until(() => expect($$(root, 'wizard-printer-invoice')).toHaveLength(1));
    await until(() =>
      expect(
        [...($(root, 'wizard-printer-invoice') as HTMLSelectElement).options].map((o) => o.value),
      ).toContain('VirtualPDF'),
    );
    choose($(root, 'wizard-printer-invoice'), 'VirtualPDF');
    $(root, 'wizard-test-print-invoice')!.click();
    await until(() =>
      expect($(root, 'wizard-test-print-invoice-outcome')?.textContent).toContain(
        'Отправлено на VirtualPDF (задание VirtualPDF-1)',
      ),
    );
    key('Enter');
    await until(() => expect(step(root)).toBe('carriers'));
    expect(
      (sent(b, 'save_print_settings')[0]?.settings as { invoice: { printer: string } }).invoice
        .printer,
    ).toBe('VirtualPDF');

    await until(() => expect($(root, 'wizard-carrier-cdek')).not.toBeNull());
    for (const box of root.querySelectorAll<HTMLInputElement>('[data-testid^="wizard-carrier-"]')) {
      const keep = ['wizard-carrier-cdek', 'wizard-carrier-pickup'].includes(box.dataset.testid!);
      if (box.checked !== keep) box.click();
    }
    flushSync();
    key('Enter');
    await until(() => expect(step(root)).toBe('done'));
    expect(sent(b, 'use_carriers')).toEqual([{ codes: ['cdek', 'pickup'] }]);
    await until(() => expect($(root, 'wizard-done-seller')?.textContent).toBe('ООО «Ромашка»'));
    expect($(root, 'wizard-done-carriers')?.textContent?.trim()).toBe('СДЭК, Самовывоз');
    expect($(root, 'wizard-done-printers')?.textContent).toBe('Счёт: VirtualPDF');

    key('Enter');
    await until(() => expect($(root, 'screen-orders')).not.toBeNull());
    expect($(root, 'user')?.textContent).toBe('Ирина Волкова (администратор)');
    expect(sent(b, 'finish_setup')).toHaveLength(1);
    expect(sent(b, 'save_store_details').map((a) => (a.details as { inn: string }).inn)).toEqual([
      '7707083894',
      '7707083893',
    ]);
  });

  it('goes on where an administrator left it, and every step can wait', async () => {
    const b = replay('wizard-resume');
    const root = show();
    await until(() => expect(step(root)).toBe('store'));
    expect($(root, 'nav-orders'), 'the screens wait for the wizard').toBeNull();
    await until(() => expect($(root, 'wizard-seller-name')).not.toBeNull());
    for (const at of ['store', 'printers', 'carriers']) {
      await until(() => expect(step(root)).toBe(at));
      $(root, 'wizard-later')!.click();
    }
    await until(() => expect(step(root)).toBe('done'));
    await until(() =>
      expect($(root, 'wizard-done-seller')?.textContent).toBe('позже, в настройках'),
    );
    key('Enter');
    await until(() => expect($(root, 'screen-orders')).not.toBeNull());
    expect(sent(b, 'save_store_details'), 'nothing saved by putting it off').toEqual([]);
    expect(sent(b, 'save_print_settings')).toEqual([]);
    expect(sent(b, 'use_carriers')).toEqual([]);
    expect(sent(b, 'finish_setup')).toHaveLength(1);
  });
});

describe("the wizard's words for core's answers", () => {
  it('says what a database gives or why not, and where each problem is', () => {
    const [refused] = replies<DatabaseCheck>('wizard', 'probe_database');
    const say = (lang: 'ru' | 'en') =>
      databaseLines(refused!).map((m) => translate(lang, m.key, m.params));
    expect(say('en')[0]).toBe(
      'The server refused the connection: is PostgreSQL running there, on that address and port?',
    );
    expect(say('en')[1]).toContain('Connection refused');
    const [wrong] = replies<StoreDetailsSaved>('wizard', 'save_store_details');
    expect(Object.keys(problemsByField(wrong!.problems))).toEqual(['inn']);
    expect(previousStep('store', true), 'not back into the administrator').toBeNull();
    expect(previousStep('printers', true)).toBe('store');
    expect(previousStep('administrator', false)).toBe('database');
    expect(previousStep('language', false)).toBeNull();
  });
});
