// Backups as the screens show them. Core names, keeps and checks the
// files; this only says how big one is.

import type { Msg } from './i18n';

/** A backup's size in words: kilobytes under a megabyte, else megabytes to one decimal. */
export function backupSize(bytes: number): Msg {
  const mb = 1024 * 1024;
  return bytes >= mb
    ? { key: 'settings.sizeMb', params: { n: (bytes / mb).toFixed(1) } }
    : { key: 'settings.sizeKb', params: { n: Math.ceil(bytes / 1024) } };
}
