// The settings' "Mail to customers" section without a screen: the
// placeholders a template may use and how one is put in at the caret, the
// port that goes with a kind of protection, the events chosen, and the
// templates and carriers as core sends them back. Core checks every
// template (an unknown placeholder is refused in words) and every setting.

import { NOTIFY_EVENTS } from './enums';
import type { Carrier, Lang, MailSecurity, NotifyEvent, Template } from './bindings';
import type { MessageKey } from './i18n';

/** What a template may say, in the order the editor offers them. */
export const PLACEHOLDERS = [
  'number',
  'customer',
  'total',
  'carrier',
  'tracking',
  'tracking_link',
  'expected_date',
  'store',
  'store_phone',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

export function placeholderKey(p: Placeholder): MessageKey {
  return `templates.placeholder.${p}`;
}

/** `text` with `insert` in place of `start..end` (the selection), and where the caret goes. */
export function insertAt(
  text: string,
  start: number | null | undefined,
  end: number | null | undefined,
  insert: string,
): { text: string; caret: number } {
  const from = Math.max(0, Math.min(text.length, start ?? text.length));
  const to = Math.max(from, Math.min(text.length, end ?? from));
  return { text: text.slice(0, from) + insert + text.slice(to), caret: from + insert.length };
}

/** The usual port of each kind of protection. */
export const DEFAULT_PORTS: Record<MailSecurity, number> = { starttls: 587, tls: 465, none: 25 };

/**
 * The port after the protection changed: the new kind's usual port when
 * the old one was the old kind's usual port (or none); a port someone
 * typed stays.
 */
export function portAfter(before: MailSecurity, after: MailSecurity, port: number | null): number {
  if (!port || port === DEFAULT_PORTS[before]) return DEFAULT_PORTS[after];
  return port;
}

/** The events chosen with `event` turned on or off, in the order of an order's life. */
export function toggleEvent(
  events: readonly NotifyEvent[],
  event: NotifyEvent,
  on: boolean,
): NotifyEvent[] {
  const chosen = new Set(events);
  if (on) chosen.add(event);
  else chosen.delete(event);
  return NOTIFY_EVENTS.filter((e) => chosen.has(e));
}

/** A template's place in the editor's drafts. */
export function templateKey(event: NotifyEvent, lang: Lang): string {
  return `${event}:${lang}`;
}

export function findTemplate(
  list: readonly Template[],
  event: NotifyEvent,
  lang: Lang,
): Template | undefined {
  return list.find((x) => x.event === event && x.lang === lang);
}

/** The list with the template core saved in place of the one it replaces. */
export function replaceTemplate(list: readonly Template[], saved: Template): Template[] {
  const i = list.findIndex((x) => x.event === saved.event && x.lang === saved.lang);
  if (i < 0) return [...list, saved];
  return list.map((x, j) => (j === i ? saved : x));
}

/** A carrier not saved yet. */
export function blankCarrier(): Carrier {
  return { code: '', name: '', tracking_url: '', tracking_pattern: '', active: true };
}

export function sameCarrier(a: Carrier, b: Carrier): boolean {
  return (
    a.code === b.code &&
    a.name === b.name &&
    a.tracking_url === b.tracking_url &&
    a.tracking_pattern === b.tracking_pattern &&
    a.active === b.active
  );
}

/** A carrier's tracking link with a sample number, to see what customers get. */
export function trackingExample(url: string, tracking = '1234567890'): string {
  return url.split('{tracking}').join(tracking);
}
