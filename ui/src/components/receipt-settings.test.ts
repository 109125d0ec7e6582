// The receipt settings (54-ФЗ), as an admin sets them, against replies
// recorded from the real core (src/test/backend.ts):
//
// receipt-settings.json: Ирина (admin) in the office opens the receipt
// settings (by hand, no СНО, no register), asks for receipts at shipment
// without a taxation system (refused: say the СНО first), then with ОСН:
// saved; no register, so receipts stay prepared, not fiscalised.

import { afterEach, describe, expect, it } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import ReceiptSettings from './ReceiptSettings.svelte';
import { setLanguage } from '../lib/locale.svelte';
import { setSignedIn } from '../lib/session.svelte';
import { endReplay, refusals, replay } from '../test/backend';
import { $, choose, until } from '../test/dom';

const mounted: Record<string, unknown>[] = [];

afterEach(() => {
  for (const c of mounted.splice(0)) void unmount(c);
  document.body.replaceChildren();
  setLanguage('ru');
  endReplay();
});

function show(): HTMLElement {
  const target = document.createElement('div');
  document.body.append(target);
  mounted.push(mount(ReceiptSettings, { target, props: {} }));
  flushSync();
  return target;
}

const text = (root: HTMLElement, testid: string) => $(root, testid)?.textContent ?? '';
const click = (root: HTMLElement, testid: string) => {
  ($(root, testid) as HTMLElement).click();
  flushSync();
};
const checked = (root: HTMLElement, testid: string) =>
  ($(root, testid) as HTMLInputElement).checked;

describe('the receipt settings', () => {
  it('shows what core keeps, refuses «at shipment» without a СНО in its words, saves it with ОСН', async () => {
    const b = replay('receipt-settings');
    const root = show();
    await until(() => expect($(root, 'receipt-settings-form')).not.toBeNull());
    expect(checked(root, 'receipt-moment-manual'), 'by hand until someone says').toBe(true);
    expect(($(root, 'receipt-taxation') as HTMLSelectElement).value).toBe('');
    expect(checked(root, 'receipt-register-none')).toBe(true);
    expect(text(root, 'receipt-no-register')).toContain('подготовлен, не пробит');

    click(root, 'receipt-moment-at_shipment');
    expect(text(root, 'settings-receipts')).toContain('несохранённые изменения');
    click(root, 'receipt-settings-save');
    const [noTaxation] = refusals('receipt-settings', 'save_receipt_settings');
    await until(() =>
      expect(text(root, 'receipt-settings-message')).toContain(noTaxation!.message),
    );
    expect(noTaxation!.message).toContain('СНО');
    expect(checked(root, 'receipt-moment-at_shipment'), 'the choice stays for the next try').toBe(
      true,
    );

    choose($(root, 'receipt-taxation'), 'osn');
    click(root, 'receipt-settings-save');
    await until(() =>
      expect(text(root, 'receipt-settings-message')).toContain('Настройки чеков сохранены'),
    );
    const saves = b.calls.filter((c) => c.cmd === 'save_receipt_settings');
    expect(saves.at(-1)?.args).toEqual({
      settings: { moment: 'at_shipment', taxation: 'osn', register: { kind: 'none' } },
      password: null,
    });
    expect(checked(root, 'receipt-moment-at_shipment')).toBe(true);
    expect(($(root, 'receipt-taxation') as HTMLSelectElement).value).toBe('osn');
  });

  it('asks for ATOL Online’s details and says the password stays in this station’s keyring', async () => {
    replay('receipt-settings');
    const root = show();
    await until(() => expect($(root, 'receipt-settings-form')).not.toBeNull());
    expect($(root, 'receipt-atol'), 'no register: no connection to fill in').toBeNull();
    click(root, 'receipt-register-atol');
    expect(($(root, 'receipt-atol-url') as HTMLInputElement).value).toBe(
      'https://online.atol.ru/possystem/v5',
    );
    for (const field of ['group_code', 'login', 'inn', 'payment_address', 'company_email']) {
      expect($(root, `receipt-atol-${field}`), field).not.toBeNull();
    }
    expect(($(root, 'receipt-atol-password') as HTMLInputElement).type).toBe('password');
    expect(text(root, 'receipt-password-where')).toContain('хранилище ключей этой станции');
    expect(text(root, 'settings-receipts')).toContain('пароля кассы ещё нет');
  });

  it('is not shown to someone who may not set receipts', () => {
    replay('receipt-settings');
    setSignedIn(null);
    const root = show();
    expect($(root, 'settings-receipts')).toBeNull();
  });
});
