import { afterEach, describe, expect, it } from 'vitest';
import { AuditTrail, EMPTY_FORM, PAGE, auditFilter, dayStart } from './audit';
import { describeEvent, type EventWords } from './history';
import { formatDateTime, formatMoney, translate, type MessageKey, type Params } from './i18n';
import { ipc } from './ipc';
import type { AuditEntry } from './bindings';
import { endReplay, flow, replay, replies } from '../test/backend';

afterEach(() => endReplay());

// audit.json: Стол 2 after 1001 was shipped short with Мария's approval.
const pages = replies<AuditEntry[]>('audit', 'audit');
const newest = pages[0]!;

describe('the audit filter', () => {
  it('leaves blanks out and asks for local days, the "to" day included', () => {
    const f = auditFilter({
      ...EMPTY_FORM,
      user: ' Мария Иванова ',
      kinds: ['packed_short'],
      from: '2026-11-23',
      to: '23.11.2026',
    });
    expect(f).toEqual({
      user: 'Мария Иванова',
      station: null,
      order: null,
      kinds: ['packed_short'],
      from: new Date(2026, 10, 23).toISOString(),
      to: new Date(2026, 10, 24).toISOString(),
      before_id: null,
      limit: PAGE,
    });
  });

  it('is the filter the audit screen was recorded with, blank', () => {
    expect({ filter: auditFilter(EMPTY_FORM) }).toEqual(
      flow('audit').steps.find((s) => s.cmd === 'audit')!.args,
    );
  });

  it('takes no day from what is no day', () => {
    expect(dayStart('')).toBeNull();
    expect(dayStart('31.02.2026'), 'no 31 February').toBeNull();
    expect(dayStart('2026-13-01')).toBeNull();
    expect(dayStart('вчера')).toBeNull();
  });
});

describe('the pages of the trail', () => {
  it('reads the newest page, then the older one after the last shown, then knows it is all', async () => {
    const b = replay('audit');
    const trail = new AuditTrail(ipc);
    await trail.show(EMPTY_FORM);
    expect(trail.state.entries).toEqual(newest);
    expect(trail.state.end, 'a full page: there may be more').toBe(false);
    await trail.more();
    expect(trail.state.entries.map((e) => e.id)).toEqual(
      [...newest, ...pages[1]!].map((e) => e.id),
    );
    expect(trail.state.end, 'a short page: that is all').toBe(true);
    await trail.more();
    expect(b.calls.map((c) => (c.args.filter as { before_id: number | null }).before_id)).toEqual([
      null,
      newest.at(-1)!.id,
    ]);
  });

  it('drops an answer for a filter changed since', async () => {
    replay('audit', {
      around: (call, answer) => {
        const f = call.args.filter as { user: string | null };
        // The first (unfiltered) answer comes late.
        return f.user ? answer() : new Promise((r) => setTimeout(() => r(answer()), 20));
      },
    });
    const trail = new AuditTrail(ipc);
    const slow = trail.show(EMPTY_FORM);
    await trail.show({ ...EMPTY_FORM, user: 'Мария Иванова' });
    await slow;
    expect(trail.state.entries.map((e) => e.approved_by)).toEqual(['Мария Иванова']);
  });
});

describe('an entry of the trail in words', () => {
  const words = (lang: 'ru' | 'en'): EventWords => ({
    t: (key: MessageKey, params?: Params) => translate(lang, key, params),
    money: (minor) => formatMoney(minor, 'RUB', lang),
    moneyIn: (minor, currency) => formatMoney(minor, currency, lang),
    day: (iso) => iso,
    status: (stage) => translate(lang, `status.${stage}`),
    tm: (m) => translate(lang, m.key, m.params),
    time: (iso) => formatDateTime(iso, lang),
  });
  const say = (e: AuditEntry, lang: 'ru' | 'en' = 'ru') =>
    describeEvent(e.kind, e.before, e.after, words(lang)).text;
  const of = (kind: string) => newest.find((e) => e.kind === kind)!;

  it('says a short pack with its reason, a claim, a sign-in and a user added', () => {
    expect(say(of('packed_short'))).toBe(
      'Упакован с недовложением: Упаковка → Готов — «нет на складе»',
    );
    expect(say(of('claimed'))).toBe('Взят в упаковку: Подтверждён → Упаковка');
    expect(say(of('signed_in'))).toBe('Вход в систему по PIN');
    expect(say(of('user_created'), 'en')).toBe('User added: Анна (анна) — packer');
  });

  it('lists what changed about a user, and a locked login with its time', () => {
    const changed = describeEvent(
      'user_changed',
      { login: 'petr', name: 'Пётр', roles: ['picker'], channels: [], active: true, badge: true },
      {
        login: 'petr',
        name: 'Пётр',
        roles: ['manager'],
        channels: ['ozon'],
        active: false,
        badge: false,
        secret_changed: true,
      },
      words('ru'),
    ).text;
    expect(changed).toBe(
      'Изменён пользователь: Пётр (petr): роли: сборщик → менеджер; каналы: — → ozon; ' +
        'отключён; бейдж отозван; новый PIN или пароль',
    );
    const until = Date.UTC(2026, 10, 23, 7, 15);
    expect(describeEvent('locked_out', null, { login: 'ivan', until }, words('en')).text).toBe(
      `Login locked: ivan until ${formatDateTime(new Date(until).toISOString(), 'en')}`,
    );
  });
});
