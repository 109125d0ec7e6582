// Who gets a scan. The scanner is global (one per window); the screen on
// show registers what a scan means there, and a form opened on a screen
// (a new order, an order being edited) registers over it: the latest
// registration gets the scans, and when it goes the one below gets them
// again. While a dialog is open scans are swallowed, so a barcode never
// lands in a reason field or closes a dialog, unless the dialog asks for
// scans itself (a badge at the sign-in screen or the approval dialog):
// then the newest dialog gets them.

/** `typed`: the same keys as the keyboard layout typed them (scanner.ts). */
export type ScanHandler = (code: string, typed?: string) => boolean | void;

// Registrations, the newest last; each entry is its own object so the same
// function registered twice is unregistered once per registration.
const handlers: { fn: ScanHandler }[] = [];
// Open dialogs, the newest last; one that takes scans has `onScan`.
const modals: { onScan?: ScanHandler }[] = [];

/** Registers `fn` as what a scan means now; returns an unregister. */
export function handleScans(fn: ScanHandler): () => void {
  const entry = { fn };
  handlers.push(entry);
  return () => {
    const i = handlers.indexOf(entry);
    if (i >= 0) handlers.splice(i, 1);
  };
}

/**
 * Marks a dialog open; returns the function that marks it closed. A dialog
 * that reads scans (a badge) passes `onScan`: while it is the newest
 * dialog, every scan goes to it.
 */
export function openModal(onScan?: ScanHandler): () => void {
  const entry = { onScan };
  modals.push(entry);
  return () => {
    const i = modals.indexOf(entry);
    if (i >= 0) modals.splice(i, 1);
  };
}

export function modalOpen(): boolean {
  return modals.length > 0;
}

/** The scanner's onScan: false means "not taken", the keys stay typed. */
export function routeScan(code: string, typed?: string): boolean {
  const modal = modals.at(-1);
  if (modal) return modal.onScan ? modal.onScan(code, typed) !== false : true;
  const top = handlers.at(-1);
  if (!top) return false;
  return top.fn(code, typed) !== false;
}

/** True when a key event is headed for a text field (shortcuts stand back). */
export function typingInField(e: Event): boolean {
  return isTextField(e.target as HTMLElement | null);
}

/** True for an element a person types text into. */
export function isTextField(el: HTMLElement | null): boolean {
  if (!el || !el.tagName) return false;
  if (el.isContentEditable) return true;
  if (el.tagName === 'TEXTAREA') return true;
  if (el.tagName === 'INPUT') {
    const type = (el as HTMLInputElement).type;
    return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(type);
  }
  return false;
}
