import { describe, expect, it } from 'vitest';
import {
  canRetry,
  messageStatusKey,
  notifyEventKey,
  replaceMessage,
  statusIcon,
  waitsForRetry,
} from './outbox';
import { MESSAGE_STATUSES, NOTIFY_EVENTS } from './enums';
import { messages, translate } from './i18n';
import type { MessageStatus, OutboxMessage } from './bindings';
import { replies, reply } from '../test/backend';

// A message as the outbox sends one; only its id and status matter here.
function message(id: number, status: MessageStatus): OutboxMessage {
  return {
    id,
    message_id: `<${id}@packbench>`,
    order_number: '1001',
    event: 'shipped',
    recipient: 'irina@example.ru',
    lang: 'ru',
    subject: 'Заказ 1001 отправлен',
    body: 'Здравствуйте!',
    created_at: '2026-11-23T07:00:00Z',
    status,
    attempts: 1,
    next_attempt_at: '2026-11-23T07:05:00Z',
    last_error: null,
    sent_at: null,
  };
}

describe('the words for customer messages', () => {
  it('names every status and every event in both languages', () => {
    for (const lang of ['ru', 'en'] as const) {
      for (const s of MESSAGE_STATUSES) expect(messages[lang][messageStatusKey(s)]).toBeTruthy();
      for (const e of NOTIFY_EVENTS) expect(messages[lang][notifyEventKey(e)]).toBeTruthy();
    }
    expect(translate('ru', notifyEventKey('shipped'))).toBe('Заказ отправлен');
    expect(translate('ru', notifyEventKey('at_pickup_point'))).toBe('В пункте выдачи');
    expect(translate('ru', messageStatusKey('given_up'))).toBe('Не отправлено');
  });

  it('gives each status its own icon, so colour is not the only sign', () => {
    const icons = MESSAGE_STATUSES.map(statusIcon);
    expect(new Set(icons).size).toBe(MESSAGE_STATUSES.length);
  });
});

describe('sending again', () => {
  it('is offered for a failed or given-up message only, as core allows', () => {
    expect(MESSAGE_STATUSES.filter((s) => canRetry({ status: s }))).toEqual(['failed', 'given_up']);
  });

  it('shows the next attempt only while one is due', () => {
    expect(MESSAGE_STATUSES.filter((s) => waitsForRetry({ status: s }))).toEqual(['failed']);
  });

  it('puts the retried message in its place in the list', () => {
    const list = [message(3, 'sent'), message(2, 'given_up'), message(1, 'failed')];
    const next = replaceMessage(list, message(2, 'queued'));
    expect(next.map((m) => [m.id, m.status])).toEqual([
      [3, 'sent'],
      [2, 'queued'],
      [1, 'failed'],
    ]);
  });

  it('puts the letter core queued again in place of the failed one (outbox.json)', () => {
    const [, failed] = replies<OutboxMessage[]>('outbox', 'outbox');
    const queued = reply<OutboxMessage>('outbox', 'retry_message');
    expect(failed!.map((m) => m.status)).toEqual(['failed']);
    expect(replaceMessage(failed!, queued)).toEqual([queued]);
    expect(replaceMessage(failed!, queued, 'failed'), 'no longer a failed one').toEqual([]);
    expect(canRetry(queued), 'queued: core sends it, nobody needs to').toBe(false);
  });

  it('drops it from a list filtered by a status it no longer has', () => {
    const failed = [message(2, 'failed'), message(1, 'failed')];
    expect(replaceMessage(failed, message(2, 'queued'), 'failed').map((m) => m.id)).toEqual([1]);
    expect(replaceMessage(failed, message(9, 'queued'), 'failed'), 'another id: unchanged').toEqual(
      failed,
    );
  });
});
