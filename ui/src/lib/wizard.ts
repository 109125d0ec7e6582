// The first-run wizard's words and order of steps. What a database setting
// gives, whether the store's details break a rule and where a new station
// stands are core's answers (ops::setup); here they only become sentences
// in the station's language, and keys become steps.

import type { DatabaseCheck, FieldProblem, SellerField, SetupStep, StoreDetails } from './bindings';
import type { MessageKey, Msg } from './i18n';

/** The steps in the order the wizard walks them. */
export const STEPS: readonly SetupStep[] = [
  'language',
  'database',
  'administrator',
  'store',
  'printers',
  'carriers',
  'done',
];

export function stepKey(step: SetupStep): MessageKey {
  return `wizard.step.${step}`;
}

/** 1-based, as the step line shows it. */
export function stepNumber(step: SetupStep): number {
  return STEPS.indexOf(step) + 1;
}

export function nextStep(step: SetupStep): SetupStep {
  return STEPS[Math.min(STEPS.indexOf(step) + 1, STEPS.length - 1)]!;
}

/**
 * The step Esc goes back to, if any: not into the administrator once it
 * is made (nor before it, then: the database is chosen), and not past the
 * first step.
 */
export function previousStep(step: SetupStep, adminMade: boolean): SetupStep | null {
  const i = STEPS.indexOf(step);
  if (i <= 0) return null;
  const back = STEPS[i - 1]!;
  if (adminMade && STEPS.indexOf(back) <= STEPS.indexOf('administrator')) return null;
  return back;
}

/** What a key asks of the wizard: Enter goes on, Esc goes back. */
export function wizardKey(e: KeyboardEvent): 'next' | 'back' | null {
  if (e.defaultPrevented || e.ctrlKey || e.altKey || e.metaKey || e.shiftKey) return null;
  if (e.key === 'Enter') return 'next';
  if (e.key === 'Escape') return 'back';
  return null;
}

/** The lines the database step shows for core's answer: its facts, or why not. */
export function databaseLines(check: DatabaseCheck): Msg[] {
  if (!check.ok) {
    const lines: Msg[] = [{ key: `wizard.db.problem.${check.problem ?? 'other'}` }];
    if (check.server_version) {
      lines.unshift({ key: 'wizard.db.answered', params: { version: check.server_version } });
    }
    if (check.detail) lines.push({ key: 'wizard.db.detail', params: { detail: check.detail } });
    return lines;
  }
  const lines: Msg[] = [];
  if (check.server_version) {
    lines.push({ key: 'wizard.db.answered', params: { version: check.server_version } });
  } else {
    lines.push({ key: 'wizard.db.newFile', params: { database: check.database } });
  }
  if (check.schema === 'older') {
    lines.push({ key: 'wizard.db.schema.older', params: { n: check.steps_to_apply } });
  } else if (check.schema === 'current' || check.schema === 'missing') {
    if (check.server_version) lines.push({ key: `wizard.db.schema.${check.schema}` });
  }
  lines.push(
    check.joins
      ? { key: 'wizard.db.joins', params: { people: check.people, orders: check.orders } }
      : { key: 'wizard.db.nobody' },
  );
  return lines;
}

/** Core's problem in the station's words, with the value it is about. */
export function problemMsg(p: FieldProblem, details: StoreDetails): Msg {
  return { key: `wizard.rule.${p.rule}`, params: { inn: details.inn.trim() } };
}

/** The first problem of each field (the one to mend first). */
export function problemsByField(
  problems: FieldProblem[],
): Partial<Record<SellerField, FieldProblem>> {
  const out: Partial<Record<SellerField, FieldProblem>> = {};
  for (const p of problems) out[p.field] ??= p;
  return out;
}

/** Nothing typed: Enter passes the step by, as "Later" does. */
export function blankDetails(d: StoreDetails): boolean {
  return [d.name, d.inn, d.kpp, d.address].every((v) => v.trim() === '');
}
