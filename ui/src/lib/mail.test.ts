import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PORTS,
  PLACEHOLDERS,
  blankCarrier,
  findTemplate,
  insertAt,
  placeholderKey,
  portAfter,
  replaceTemplate,
  sameCarrier,
  templateKey,
  toggleEvent,
  trackingExample,
} from './mail';
import { MAIL_SECURITIES, NOTIFY_EVENTS } from './enums';
import { messages } from './i18n';
import type { Carrier, Template } from './bindings';
import { reply } from '../test/backend';

describe('placeholders', () => {
  it('are the ones core fills in, each explained in both languages', () => {
    expect([...PLACEHOLDERS]).toEqual([
      'number',
      'customer',
      'total',
      'carrier',
      'tracking',
      'tracking_link',
      'expected_date',
      'store',
      'store_phone',
    ]);
    for (const p of PLACEHOLDERS) {
      expect(messages.ru[placeholderKey(p)]).toBeTruthy();
      expect(messages.en[placeholderKey(p)]).toBeTruthy();
    }
  });

  it('go in at the caret, or over the selection, and the caret follows', () => {
    expect(insertAt('Заказ  отправлен', 6, 6, '{number}')).toEqual({
      text: 'Заказ {number} отправлен',
      caret: 14,
    });
    expect(insertAt('Заказ XXX', 6, 9, '{number}')).toEqual({
      text: 'Заказ {number}',
      caret: 14,
    });
  });

  it('go at the end of a field the caret has never been in', () => {
    expect(insertAt('Трек: ', null, null, '{tracking}').text).toBe('Трек: {tracking}');
    expect(insertAt('abc', 99, 120, '{x}')).toEqual({ text: 'abc{x}', caret: 6 });
  });
});

describe('the mail server form', () => {
  it('moves the port with the protection when it was the usual one', () => {
    expect(portAfter('starttls', 'tls', 587)).toBe(465);
    expect(portAfter('tls', 'none', 465)).toBe(25);
    expect(portAfter('none', 'starttls', null), 'an empty port gets the usual one').toBe(587);
  });

  it('keeps a port someone typed', () => {
    expect(portAfter('starttls', 'tls', 2525)).toBe(2525);
  });

  it('knows a usual port for every kind of protection', () => {
    for (const s of MAIL_SECURITIES) expect(DEFAULT_PORTS[s]).toBeGreaterThan(0);
  });

  it('keeps the events chosen in the order of an order’s life', () => {
    expect(toggleEvent(['shipped'], 'confirmed', true)).toEqual(['confirmed', 'shipped']);
    expect(toggleEvent([...NOTIFY_EVENTS], 'packed', false)).not.toContain('packed');
    expect(toggleEvent(['shipped'], 'shipped', true)).toEqual(['shipped']);
  });
});

describe('templates and carriers as core sends them back (mail.json)', () => {
  const templates = reply<Template[]>('mail', 'templates');
  const carriers = reply<Carrier[]>('mail', 'carrier_list');

  it('puts a saved template in place of the one it replaces', () => {
    const saved = reply<Template>('mail', 'save_template'); // the confirmation in Russian
    const next = replaceTemplate(templates, saved);
    expect(next).toHaveLength(templates.length);
    expect(findTemplate(next, 'confirmed', 'ru')).toEqual(saved);
    expect(findTemplate(next, 'confirmed', 'ru')?.subject).toBe('Заказ {number} принят');
    expect(findTemplate(next, 'confirmed', 'en'), 'the English one is left as it was').toEqual(
      findTemplate(templates, 'confirmed', 'en'),
    );
    expect(templateKey('shipped', 'ru')).not.toBe(templateKey('shipped', 'en'));
  });

  it('shows a carrier’s tracking link with a sample number', () => {
    const cdek = carriers.find((c) => c.code === 'cdek')!;
    expect(trackingExample(cdek.tracking_url)).toBe(
      'https://www.cdek.ru/ru/tracking?order_id=1234567890',
    );
  });

  it('tells a changed carrier from the one saved', () => {
    const cdek = carriers.find((c) => c.code === 'cdek')!;
    expect(sameCarrier(cdek, { ...cdek })).toBe(true);
    expect(sameCarrier(cdek, { ...cdek, active: false })).toBe(false);
    expect(blankCarrier().active, 'a new carrier is in use').toBe(true);
  });
});
