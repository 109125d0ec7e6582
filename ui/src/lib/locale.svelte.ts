// The UI language as reactive state: components call `t()` in their markup,
// which reads `locale.lang`, so switching RU|EN re-renders every word.

import { formatDateTime, formatMoney, formatShortTime, translate } from './i18n';
import type { MessageKey, Msg, Params } from './i18n';
import type { Language } from './i18n';

export const locale = $state<{ lang: Language }>({ lang: 'ru' });

export function setLanguage(lang: Language) {
  locale.lang = lang;
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
}

export function t(key: MessageKey, params?: Params): string {
  return translate(locale.lang, key, params);
}

/** A deferred message (from the packing logic) in the current language. */
export function tm(msg: Msg): string {
  return translate(locale.lang, msg.key, msg.params);
}

export function money(minor: number, currency: string): string {
  return formatMoney(minor, currency, locale.lang);
}

export function dateTime(iso: string | null | undefined): string {
  return formatDateTime(iso, locale.lang);
}

export function shortTime(iso: string | null | undefined): string {
  return formatShortTime(iso, locale.lang);
}
