import { describe, expect, it } from 'vitest';
import {
  formatMoney,
  messages,
  statusKey,
  translate,
  errorKey,
  currencyExponent,
  historyKey,
  lockKey,
  lockWhyKey,
  type MessageKey,
} from './i18n';
import { ERROR_CODES, EVENT_KINDS, LOCKS, ORDER_STATUSES } from './enums';
import type { OrderDetail } from './bindings';
import { reply } from '../test/backend';

const slots = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('messages', () => {
  it('has every key in both languages, none empty', () => {
    const en = Object.keys(messages.en).sort();
    const ru = Object.keys(messages.ru).sort();
    expect(ru, 'Russian has exactly the English keys').toEqual(en);
    for (const lang of ['en', 'ru'] as const) {
      for (const [key, text] of Object.entries(messages[lang])) {
        expect(text.trim(), `${lang} ${key} is not empty`).not.toBe('');
      }
    }
  });

  it('uses the same {slots} in both languages', () => {
    for (const key of Object.keys(messages.en) as MessageKey[]) {
      expect(slots(messages.ru[key]), `slots of ${key}`).toEqual(slots(messages.en[key]));
    }
  });

  it('names every order status and every error code', () => {
    for (const s of ORDER_STATUSES) expect(messages.ru[statusKey(s)]).toBeTruthy();
    for (const c of ERROR_CODES) expect(errorKey(c)).toBe(`error.${c}`);
    expect(errorKey('something_new'), 'unknown codes still get words').toBe('error.ipc');
  });

  it("speaks the packing table's Russian status names", () => {
    const ru = ORDER_STATUSES.map((s) => translate('ru', statusKey(s)));
    expect(ru).toEqual([
      'Новый',
      'Подтверждён',
      'Сборка',
      'Упаковка',
      'Готов',
      'Отправлен',
      'Доставлен',
      'Завершён',
      'Возврат',
      'Отменён',
    ]);
    expect(translate('en', 'status.new')).toBe('New');
  });

  it('has words for every kind of history entry, the lifecycle’s too', () => {
    for (const kind of EVENT_KINDS) {
      const key = historyKey(kind);
      expect(key, `${kind} has words`).not.toBeNull();
      expect(messages.ru[key!], `${kind} in Russian`).toBeTruthy();
    }
    expect(translate('ru', historyKey('lifecycle_changed')!)).toBe('Изменены статусы заказов');
    expect(translate('en', historyKey('lifecycle_changed')!)).toBe('Order statuses changed');
    expect(translate('ru', historyKey('sub_status_set')!)).toBe('Шаг внутри этапа');
    expect(translate('en', historyKey('sub_status_set')!)).toBe('Step within stage');
  });

  it('says why a locked move cannot be changed, shortly and in full', () => {
    expect(LOCKS.map((l) => translate('ru', lockWhyKey(l)))).toEqual([
      'завершение упаковки',
      'передача курьеру',
      'разбор упакованного заказа',
    ]);
    for (const l of LOCKS) expect(translate('en', lockKey(l))).toBeTruthy();
  });

  it('puts a name core gave in both languages into a sentence in the UI language', () => {
    // The store's name of order 1043's status, as core computed it.
    const status = reply<OrderDetail>('lifecycle', 'set_sub_status').status_name;
    expect(translate('ru', 'scan.notPackable', { number: '1043', status })).toBe(
      'Заказ 1043: статус «Ждёт звонка», упаковывать нечего',
    );
    expect(translate('en', 'scan.notPackable', { number: '1043', status })).toBe(
      'Order 1043 is Awaiting call: nothing to pack',
    );
  });

  it('builds scan outcome sentences from the result fields', () => {
    const params = { name: 'Ложка', sku: 'PB-0004' };
    expect(translate('ru', 'scan.wrong_item', params)).toBe(
      'Не тот товар: «Ложка» (PB-0004) нет в этом заказе',
    );
    expect(translate('en', 'scan.wrong_item', params)).toBe(
      'Wrong item: Ложка (PB-0004) is not in this order',
    );
  });

  it('translates nested messages in the same language', () => {
    const msg = translate('ru', 'scan.error', {
      error: { key: 'error.conflict' },
      message: 'held by Station 1',
    });
    expect(msg).toBe('Изменено кем-то другим: held by Station 1');
  });
});

describe('money', () => {
  it('formats minor units with the currency exponent in the UI language', () => {
    const nbsp = /[\u00a0\u202f]/g;
    expect(formatMoney(123450, 'RUB', 'ru').replace(nbsp, ' ')).toBe('1 234,50 ₽');
    expect(formatMoney(2490, 'EUR', 'en')).toBe('€24.90');
    expect(formatMoney(1500, 'JPY', 'en'), 'yen has no minor unit').toBe('JP¥1,500');
    expect(currencyExponent('usd')).toBe(2);
    expect(currencyExponent('JPY')).toBe(0);
  });

  it('survives an unknown currency code', () => {
    expect(formatMoney(1000, 'XX1', 'en')).toBe('10.00 XX1');
  });
});
