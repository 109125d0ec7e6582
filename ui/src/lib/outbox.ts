// Customer messages as the outbox screen and the order view show them: the
// words for each status and event, which ones may be sent again, and a
// retried message put back in its place. Core queues, sends and retries;
// the UI only reads and asks.

import type { MessageStatus, NotifyEvent, OutboxMessage } from './bindings';
import type { MessageKey } from './i18n';

/** How often the outbox screen reads the list again while it is shown. */
export const OUTBOX_REFRESH_MS = 10_000;

export function messageStatusKey(status: MessageStatus): MessageKey {
  return `message.status.${status}`;
}

export function notifyEventKey(event: NotifyEvent): MessageKey {
  return `notify.event.${event}`;
}

/** The icon that goes with a status's colour and word (never the colour alone). */
export function statusIcon(status: MessageStatus): string {
  switch (status) {
    case 'queued':
      return '⏳';
    case 'sending':
      return '➤';
    case 'sent':
      return '✔';
    case 'failed':
      return '⚠';
    case 'given_up':
      return '✖';
    case 'skipped':
      return '—';
  }
}

/** Core sends again only a message that failed or was given up. */
export function canRetry(m: Pick<OutboxMessage, 'status'>): boolean {
  return m.status === 'failed' || m.status === 'given_up';
}

/** A failed message waits for its next attempt; the others do not. */
export function waitsForRetry(m: Pick<OutboxMessage, 'status'>): boolean {
  return m.status === 'failed';
}

/**
 * The list with `next` in place of the message of the same id; a list read
 * with a status filter drops it when it no longer has that status.
 */
export function replaceMessage(
  list: readonly OutboxMessage[],
  next: OutboxMessage,
  status: MessageStatus | null = null,
): OutboxMessage[] {
  return list.flatMap((m) => {
    if (m.id !== next.id) return [m];
    return status && next.status !== status ? [] : [next];
  });
}
