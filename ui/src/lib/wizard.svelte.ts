// Where the first-run wizard is, kept outside its screen: the settings
// (F4) or the sign-in screen may come over it and go, and the wizard goes
// on from the same step with the administrator it made.

import type { SetupStep, SignedIn } from './bindings';

export const wizard = $state<{
  step: SetupStep;
  /** The administrator made in the wizard (signed in at core already). */
  person: SignedIn | null;
}>({ step: 'language', person: null });

/** Back to the first step, nobody made (a new database, or tests). */
export function resetWizard(step: SetupStep = 'language') {
  wizard.step = step;
  wizard.person = null;
}
