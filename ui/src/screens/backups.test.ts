// Backups as a station meets them, against replies recorded from the real
// core (src/test/backend.ts):
//
// backups.json: Стол 2 (Анна, a packer) backs up on the settings screen,
// sets the schedule to every 30 minutes keeping 10 (keeping 0 is refused
// in core's words); restoring is refused (an administrator's job).
//
// backup-restore.json: the office's administrator (Ирина) restores the
// newest backup; the station opens on it with nobody signed in.
//
// database-damaged.json: Стол 2 starts on a damaged database file; the
// start screen offers the newest backup and restores it.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import App from '../App.svelte';
import StartupError from './StartupError.svelte';
import BackupSettings from '../components/BackupSettings.svelte';
import { setLanguage } from '../lib/locale.svelte';
import type { AppInfo, BackupFile, Backups, Restored } from '../lib/bindings';
import { endReplay, refusals, replay, reply } from '../test/backend';
import { $, type } from '../test/dom';

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
  endReplay();
});

async function until(check: () => void) {
  await vi.waitFor(() => {
    flushSync();
    check();
  });
}

function click(el: HTMLElement | null) {
  expect(el, 'the button is there').not.toBeNull();
  el!.click();
  flushSync();
}

describe('the backups block of the settings', () => {
  const info = reply<AppInfo>('backups', 'app_info');

  it('backs up now and lists the new backup with its time and size; a packer cannot restore it', async () => {
    const b = replay('backups');
    const root = show(BackupSettings as never, { info, onRestored: () => {} });
    await until(() => expect($(root, 'backup-none')?.textContent).toBe('Копий пока нет'));
    const made = reply<{ file: BackupFile }>('backups', 'backup_now').file;
    click($(root, 'backup-now'));
    await until(() =>
      expect($(root, 'backup-message')?.textContent).toContain(`Копия сделана: ${made.name}`),
    );
    expect($(root, 'backup-message')?.textContent, 'the size in words').toMatch(/\d+ КБ/);
    await until(() => expect($(root, `backup-${made.name}`)).not.toBeNull());
    expect(
      $(root, `backup-restore-${made.name}`),
      'restoring is an administrator’s: no button for a packer',
    ).toBeNull();
    expect($(root, 'backup-restore-admin')?.textContent).toContain('администратор');
    expect(b.calls.map((c) => c.cmd)).not.toContain('restore_backup');
  });

  it('saves the schedule, and shows core’s refusal of keeping no backup in its words', async () => {
    replay('backups');
    const root = show(BackupSettings as never, { info, onRestored: () => {} });
    await until(() => expect($(root, 'backup-keep')).not.toBeNull());
    // The backup the flow made first (backups are listed after a save).
    click($(root, 'backup-now'));
    await until(() => expect($(root, 'backup-message')).not.toBeNull());
    type($(root, 'backup-every'), '30');
    type($(root, 'backup-keep'), '10');
    click($(root, 'backup-settings-save'));
    await until(() =>
      expect($(root, 'backup-settings-message')?.textContent).toContain(
        'Настройки резервных копий сохранены',
      ),
    );
    type($(root, 'backup-keep'), '0');
    click($(root, 'backup-settings-save'));
    const refused = refusals('backups', 'save_backup_settings')[0]!;
    await until(() =>
      expect($(root, 'backup-settings-message')?.textContent).toContain(refused.message),
    );
  });

  it('on a PostgreSQL station says the server is backed up with pg_dump, and lists nothing', async () => {
    const b = replay('backups');
    const root = show(BackupSettings as never, {
      info: { ...info, engine: 'PostgreSQL' },
      onRestored: () => {},
    });
    await until(() => expect($(root, 'backups-on-server')?.textContent).toContain('pg_dump'));
    expect(b.calls.map((c) => c.cmd)).not.toContain('list_backups');
    expect($(root, 'backup-now')).toBeNull();
  });

  it('lets an administrator restore a backup only after a confirmation', async () => {
    const b = replay('backup-restore');
    const adminInfo = reply<AppInfo>('backup-restore', 'app_info');
    const restored = reply<Restored>('backup-restore', 'restore_backup');
    const listed = reply<Backups>('backup-restore', 'list_backups').backups[0]!;
    const onRestored = vi.fn();
    const root = show(BackupSettings as never, { info: adminInfo, onRestored });
    await until(() => expect($(root, `backup-restore-${listed.name}`)).not.toBeNull());

    click($(root, `backup-restore-${listed.name}`));
    expect($(document.body, 'restore-dialog')?.textContent).toContain('Восстановить базу');
    click($(document.body, 'restore-cancel'));
    expect($(document.body, 'restore-dialog'), 'cancelled: nothing restored').toBeNull();
    expect(b.calls.map((c) => c.cmd)).not.toContain('restore_backup');

    click($(root, `backup-restore-${listed.name}`));
    click($(document.body, 'restore-confirm'));
    await until(() => expect(onRestored).toHaveBeenCalledWith(restored.info));
    expect(b.calls.find((c) => c.cmd === 'restore_backup')?.args).toEqual({ path: listed.path });
    expect(restored.info.signed_in, 'everyone signs in again').toBeNull();
    expect($(root, 'backup-message')?.textContent).toContain(restored.report.set_aside!);
  });
});

describe('the start screen on a damaged database file', () => {
  it('offers the newest backup and restores it after a confirmation', async () => {
    const b = replay('database-damaged');
    const info = reply<AppInfo>('database-damaged', 'app_info');
    const restored = reply<Restored>('database-damaged', 'restore_backup');
    const onUnlocked = vi.fn();
    const root = show(StartupError as never, {
      message: info.startup_error,
      database: info.database,
      onRetry: () => {},
      onSettings: () => {},
      onUnlocked,
    });
    await until(() => expect($(root, 'restore-offer')?.textContent).toContain('повреждён'));
    expect($(root, 'restore-offer')?.textContent).toMatch(/\d+ КБ/);
    click($(root, 'restore-newest'));
    expect(b.calls.map((c) => c.cmd)).not.toContain('restore_backup');
    click($(document.body, 'restore-confirm'));
    await until(() => expect(onUnlocked).toHaveBeenCalledWith(restored.info));
    expect(restored.info.startup_error).toBeNull();
  });

  it('offers nothing when the database is out of reach for another reason', async () => {
    const b = replay('database-down');
    const info = reply<AppInfo>('database-down', 'app_info');
    const root = show(StartupError as never, {
      message: info.startup_error,
      onRetry: () => {},
      onSettings: () => {},
    });
    await until(() => expect(b.calls.map((c) => c.cmd)).toContain('restore_offer'));
    await new Promise((r) => setTimeout(r, 0));
    flushSync();
    expect($(root, 'startup-error')?.textContent).toBe(info.startup_error);
    expect($(root, 'restore-offer'), 'core offers nothing: the file is not damaged').toBeNull();
  });

  it('goes from the damaged file to the sign-in screen of the restored one', async () => {
    replay('database-damaged');
    const root = show(App as never, {});
    await until(() => expect($(root, 'restore-newest')).not.toBeNull());
    click($(root, 'restore-newest'));
    click($(document.body, 'restore-confirm'));
    await until(() => expect($(root, 'screen-signin')).not.toBeNull());
    expect($(root, 'screen-error'), 'the damaged file’s screen is gone').toBeNull();
  });
});
