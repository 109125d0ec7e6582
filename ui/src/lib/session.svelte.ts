// Who is signed in at this station, as core last said (app_info, log_in,
// create_first_admin), and what they may do. Core checks every command
// against the actor's roles; the UI only hides what core's list `may`
// leaves out, so nobody is offered a button that can only be refused. No
// rule about roles is computed here: only membership in `may`.

import type { Op, Role, SignedIn } from './bindings';
import type { Screen } from './nav';
import { roleKey, type MessageKey } from './i18n';

export const session = $state<{ who: SignedIn | null }>({ who: null });

/** Sets (or clears) who is signed in. */
export function setSignedIn(who: SignedIn | null) {
  session.who = who;
}

/** True when the signed-in person may do `op`; false when nobody is signed in. */
export function may(op: Op): boolean {
  return session.who?.may.includes(op) ?? false;
}

/**
 * The screens a person sees in the navigation. Orders, printing and
 * settings are for everyone signed in; the packing table and the pick
 * walk only for those whose `may` holds their work, the audit trail for
 * those who may read it.
 */
export function screenShown(screen: Screen, who: SignedIn | null = session.who): boolean {
  const allowed = (op: Op) => who?.may.includes(op) ?? false;
  switch (screen) {
    case 'packing':
      return allowed('open_for_packing');
    case 'shipping':
      // A manager sees it for the carriers' delivery status.
      return allowed('ship_order') || allowed('import_delivery_status');
    case 'returns':
      return allowed('receive_return');
    case 'picking':
      return allowed('pick_scan') || allowed('create_pick_list');
    case 'audit':
      return allowed('read_audit');
    case 'dashboard':
      return allowed('view_dashboard');
    default:
      return who !== null;
  }
}

/**
 * Where a person starts: the screen of their first hands-on role (packing
 * for a packer, the pick walk for a picker), the orders for everyone else.
 * A choice of where to look first, not of what they may do.
 */
export function homeScreen(who: SignedIn): Screen {
  const first = (role: Role, screen: Screen) =>
    who.roles.includes(role) && screenShown(screen, who);
  if (first('packer', 'packing')) return 'packing';
  if (first('picker', 'picking')) return 'picking';
  return 'orders';
}

/** "packer, supervisor" in the language of `t`; "—" for none. */
export function roleNames(roles: readonly Role[], t: (key: MessageKey) => string): string {
  return roles.length ? roles.map((r) => t(roleKey(r))).join(', ') : '—';
}
