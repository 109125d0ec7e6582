// The global scanner buffer. A keyboard-wedge scanner "types" its code a few
// milliseconds a key and presses Enter; a person types tens of milliseconds a
// key or slower. We listen on window in the capture phase, so a scan is caught
// wherever focus is, and decide only at Enter: a run of at least `minLength`
// characters, each (and the Enter) within `maxGapMs` of the one before, is a
// scan. Characters are never blocked while they arrive (a person's fast pair
// of keys must not be lost); when a run turns out to be a scan, the text field
// it landed in gets back the value it had before the run began.

export interface ScannerOptions {
  /**
   * Called once per scan, in the order scanned. Return `false` to say "not
   * mine": the characters then stay where they were typed and Enter goes on.
   */
  onScan: (code: string) => boolean | void;
  /** Longest pause between two keys of one scan (and before its Enter). */
  maxGapMs?: number;
  /** Shortest code that counts as a scan. */
  minLength?: number;
  /** Where to listen; `window` by default. */
  target?: EventTarget;
  /** The clock in ms; `event.timeStamp` by default. Injected by tests. */
  now?: () => number;
}

export interface Scanner {
  dispose: () => void;
}

type TextField = HTMLInputElement | HTMLTextAreaElement;

// Keys that arrive inside a scan without being part of it: a scanner sends
// Shift for capitals, and some layouts report keys they cannot name.
const PASS_THROUGH = new Set([
  'Shift',
  'Control',
  'Alt',
  'AltGraph',
  'Meta',
  'CapsLock',
  'NumLock',
  'Unidentified',
  'Dead',
]);

const TEXT_INPUT_TYPES = new Set([
  'text',
  'search',
  'tel',
  'url',
  'email',
  'password',
  'number',
  '',
]);

function textField(target: EventTarget | null): TextField | null {
  if (typeof HTMLTextAreaElement !== 'undefined' && target instanceof HTMLTextAreaElement) {
    return target;
  }
  if (typeof HTMLInputElement !== 'undefined' && target instanceof HTMLInputElement) {
    return TEXT_INPUT_TYPES.has(target.type) ? target : null;
  }
  return null;
}

function selection(field: TextField): [number | null, number | null] {
  try {
    return [field.selectionStart, field.selectionEnd];
  } catch {
    // type=number and type=email throw on selection access.
    return [null, null];
  }
}

export function createScanner(options: ScannerOptions): Scanner {
  const { onScan, maxGapMs = 35, minLength = 3, now } = options;
  const target: EventTarget | undefined =
    options.target ?? (typeof window !== 'undefined' ? window : undefined);

  // The run of fast characters so far, when its last key came, and the text
  // field it started in with that field's value and caret before it.
  let run = '';
  let last = -Infinity;
  let field: TextField | null = null;
  let fieldValue = '';
  let fieldSelection: [number | null, number | null] = [null, null];

  function reset() {
    run = '';
    last = -Infinity;
    field = null;
  }

  function restoreField(f: TextField, value: string, sel: [number | null, number | null]) {
    if (f.value === value) return;
    f.value = value;
    if (sel[0] !== null && sel[1] !== null) {
      try {
        f.setSelectionRange(sel[0], sel[1]);
      } catch {
        // Not every input type has a caret.
      }
    }
    // Bound values (Svelte bind:value) follow the `input` event.
    f.dispatchEvent(new Event('input', { bubbles: true }));
  }

  function onKeyDown(ev: Event) {
    const e = ev as KeyboardEvent;
    const t = now ? now() : e.timeStamp;
    const gap = t - last;

    if (e.key === 'Enter') {
      const isScan = run.length >= minLength && gap <= maxGapMs;
      const code = run;
      const f = field;
      const value = fieldValue;
      const sel = fieldSelection;
      reset();
      if (!isScan) return;
      if (onScan(code) === false) return;
      e.preventDefault();
      e.stopImmediatePropagation();
      if (f) restoreField(f, value, sel);
      return;
    }

    if (e.isComposing || e.repeat) {
      reset();
      return;
    }

    const altGraph = typeof e.getModifierState === 'function' && e.getModifierState('AltGraph');
    if ((e.ctrlKey || e.metaKey || e.altKey) && !altGraph) {
      // Ctrl+] (GS from some scanners) and shortcuts are "nothing": they
      // neither join nor break a run.
      return;
    }

    if (e.key.length !== 1) {
      if (!PASS_THROUGH.has(e.key)) reset();
      return;
    }

    if (run === '' || gap > maxGapMs) {
      // A new run starts: remember where it lands and what was there before.
      run = e.key;
      field = textField(e.target);
      if (field) {
        fieldValue = field.value;
        fieldSelection = selection(field);
      }
    } else {
      run += e.key;
    }
    last = t;
  }

  target?.addEventListener('keydown', onKeyDown, { capture: true });
  return {
    dispose() {
      target?.removeEventListener('keydown', onKeyDown, { capture: true });
      reset();
    },
  };
}
