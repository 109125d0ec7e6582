import { describe, expect, it } from 'vitest';
import { credentialRefusal, userRefusal } from './signin';
import { translate, type Msg } from './i18n';
import { IpcError } from './ipc';
import { refusals } from '../test/backend';

// Core's refusals as the recordings hold them, in the station's words.
const said = (lang: 'ru' | 'en', m: Msg) => translate(lang, m.key, m.params);
const asError = (e: { code: string; message: string }) =>
  new IpcError(e.code as IpcError['code'], e.message);

const logIns = refusals('sign-in', 'log_in').map(asError);
const approvals = refusals('approval', 'finish_packing').map(asError);
const userSaves = refusals('users', 'save_user').map(asError);

describe('a refused sign-in', () => {
  it('says the attempt and how many are left before the lock, in Russian', () => {
    const first = logIns[0]!;
    expect(first.code).toBe('wrong_credentials');
    expect(said('ru', credentialRefusal(first))).toBe(
      'Неверный логин или PIN: попытка 1 из 10, затем вход блокируется на 15 мин',
    );
    const ninth = logIns.filter((e) => e.code === 'wrong_credentials').at(-1)!;
    expect(said('en', credentialRefusal(ninth))).toContain('attempt 9 of 10');
  });

  it('says a badge nobody has is not registered', () => {
    const badge = logIns[1]!;
    expect(said('ru', credentialRefusal(badge))).toBe(
      'Этот бейдж не зарегистрирован: войдите по PIN или попросите администратора зарегистрировать бейдж',
    );
  });

  it('says a locked login and the time left', () => {
    const locked = logIns.filter((e) => e.code === 'locked_out');
    expect(locked, 'the tenth wrong PIN, then the right one').toHaveLength(2);
    expect(said('ru', credentialRefusal(locked[1]!))).toBe(
      'Вход ivan заблокирован после 10 неверных попыток: повторите через 15 мин или обратитесь к старшему смены',
    );
    expect(said('en', credentialRefusal(locked[1]!))).toBe(
      'ivan is locked after 10 wrong attempts: try again in 15 min, or ask a supervisor',
    );
    const seconds = new IpcError(
      'locked_out',
      'ivan is locked after 10 wrong attempts: try again in 40 s, or ask a supervisor',
    );
    expect(said('ru', credentialRefusal(seconds))).toContain('повторите через 40 с');
  });

  it('names who cannot approve and their role in the language', () => {
    const packer = approvals.find((e) => e.code === 'forbidden')!;
    expect(said('ru', credentialRefusal(packer))).toBe(
      'Анна Петрова (упаковщик) не может одобрить: нужен старший смены или администратор',
    );
  });

  it('shows anything it cannot read as core said it, after the words for its code', () => {
    const odd = new IpcError('wrong_credentials', 'something new from core');
    expect(said('ru', credentialRefusal(odd))).toBe(
      'Неверный логин, PIN или бейдж: something new from core',
    );
  });

  it('says a session that ran out, with its minutes', () => {
    const idle = asError(refusals('sign-in', 'open_for_packing')[0]!);
    expect(idle.code).toBe('not_signed_in');
    expect(said('ru', credentialRefusal(idle))).toBe(
      'Выход после 30 мин без работы: войдите снова',
    );
    const nobody = new IpcError('not_signed_in', 'nobody is signed in at this station');
    expect(said('en', credentialRefusal(nobody))).toBe(
      'Nobody is signed in at this station: sign in with your PIN or badge',
    );
  });
});

describe('a refused user', () => {
  it('says what is wrong with a login, a PIN and a badge, in Russian', () => {
    expect(userSaves.map((e) => said('ru', userRefusal(e)))).toEqual([
      '«пётр с» не подходит для логина: используйте 2–32 буквы, цифры, «.», «-» или «_»',
      'В PIN от 4 до 8 цифр, а в этом 3: выберите другой',
      'Этот бейдж уже выдан: Анна Петрова. Отсканируйте другой',
    ]);
    const admin = asError(refusals('first-admin', 'create_first_admin')[0]!);
    expect(said('en', userRefusal(admin))).toBe(
      'A PIN has 4 to 8 digits; this one has 3: choose another',
    );
  });
});
