// Words for what core says when a credential is refused, in the station's
// language. Core answers in English with a code (wrong_credentials,
// locked_out, forbidden, not_signed_in); the code picks the sentence, and
// the numbers a person needs (the attempt, the time left) are read from
// core's message. A message that does not read as expected is shown as
// core sent it, after the words for its code.

import type { IpcError } from './ipc';
import type { Msg, Names } from './i18n';
import { errorKey, roleKey, translate } from './i18n';
import { ROLES } from './enums';
import type { Role } from './bindings';

/** "packer, picker" as core writes roles, in both languages. */
function roleWords(list: string): Names | string {
  const roles = list.split(',').map((r) => r.trim());
  if (!roles.every((r) => (ROLES as readonly string[]).includes(r))) return list;
  const say = (lang: 'ru' | 'en') =>
    roles.map((r) => translate(lang, roleKey(r as Role))).join(', ');
  return { ru: say('ru'), en: say('en') };
}

function timeLeft(amount: string, unit: string): Msg {
  return { key: unit === 's' ? 'signin.seconds' : 'signin.minutes', params: { n: amount } };
}

/** A refused sign-in or approval credential (or a session that ran out), in words. */
export function credentialRefusal(err: IpcError): Msg {
  const m = err.message;
  switch (err.code) {
    case 'wrong_credentials': {
      const tries = /\((\d+) of (\d+) attempts\D+(\d+) minutes/.exec(m);
      if (tries) {
        return {
          key: 'signin.wrongPin',
          params: { n: tries[1], max: tries[2], minutes: tries[3] },
        };
      }
      if (/badge is not registered/.test(m)) return { key: 'signin.unknownBadge' };
      if (/^wrong login/.test(m)) return { key: 'signin.wrong' };
      break;
    }
    case 'locked_out': {
      const locked =
        /^(.+) is locked after (\d+) wrong attempts: try again in (\d+) (min|s)\b/.exec(m);
      if (locked) {
        return {
          key: 'signin.locked',
          params: { login: locked[1], n: locked[2], time: timeLeft(locked[3]!, locked[4]!) },
        };
      }
      break;
    }
    case 'forbidden': {
      const who = /you are signed in as (.+) \(([^)]*)\)$/.exec(m);
      if (/^you may not approve/.test(m) && who) {
        return {
          key: 'approval.notSupervisor',
          params: { name: who[1], roles: roleWords(who[2]!) },
        };
      }
      break;
    }
    case 'refused': {
      const off =
        /^(?:this is the badge of |the token belongs to )?(.+?),? (?:who )?is deactivated/.exec(m);
      if (off) return { key: 'signin.deactivated', params: { name: off[1] } };
      break;
    }
    case 'not_signed_in': {
      const idle = /after (\d+) minutes without work/.exec(m);
      if (idle) return { key: 'signin.expired', params: { minutes: idle[1] } };
      return { key: 'signin.needed' };
    }
  }
  return { key: 'scan.error', params: { error: { key: errorKey(err.code) }, message: m } };
}

/**
 * A refused user (added or changed by an admin, or the first administrator)
 * in words: the code picks the sentence, core's message gives the details.
 */
export function userRefusal(err: IpcError): Msg {
  const m = err.message;
  let x: RegExpExecArray | null;
  if (err.code === 'invalid') {
    if ((x = /^a PIN has 4 to 8 digits; this one has (\d+)/.exec(m))) {
      return { key: 'users.pinLength', params: { n: x[1] } };
    }
    if (/^a password has at least 8 characters/.test(m)) return { key: 'users.passwordShort' };
    if ((x = /^"(.*)" cannot be a login/.exec(m))) {
      return { key: 'users.badLogin', params: { login: x[1] } };
    }
    if (/^a user needs a name/.test(m)) return { key: 'users.needName' };
    if (/^a user needs at least one role/.test(m)) return { key: 'users.needRole' };
    if ((x = /^(.+) is a new user: give them a PIN/.exec(m))) {
      return { key: 'users.needSecret', params: { name: x[1] } };
    }
    if ((x = /^"(.*)" is too short for a badge/.exec(m))) {
      return { key: 'users.badgeShort', params: { badge: x[1] } };
    }
    if ((x = /^"(.*)" cannot be a channel name/.exec(m))) {
      return { key: 'users.badChannel', params: { channel: x[1] } };
    }
  }
  if (err.code === 'conflict' && (x = /^this badge already belongs to (.+?): /.exec(m))) {
    return { key: 'users.badgeTaken', params: { name: x[1] } };
  }
  if (err.code === 'refused') {
    if (/^you cannot take your own admin role/.test(m)) return { key: 'users.notYourself' };
    if (/already has users: sign in/.test(m)) return { key: 'firstrun.hasUsers' };
    if (/has users: sign in as an admin to load the demo/.test(m)) {
      return { key: 'firstrun.demoHasUsers' };
    }
  }
  return { key: 'scan.error', params: { error: { key: errorKey(err.code) }, message: m } };
}
