// The global scanner buffer. A keyboard-wedge scanner "types" its code a few
// milliseconds a key and presses Enter; a person types tens of milliseconds a
// key or slower. We listen on window in the capture phase, so a scan is caught
// wherever focus is, and decide only at Enter: a run of at least `minLength`
// characters, each (and the Enter) within `maxGapMs` of the one before, is a
// scan. Characters are never lost (a person's fast pair of keys must not
// be): in a text field, those after a run's first key are held back by the
// page until the run proves to be no scan, and then put in (see
// `holdCharacter`); when a run turns out to be a scan, the text field it
// landed in gets back the value it had before the run began.
//
// A scanner presses the keys of a US keyboard, whatever layout the station
// types with: on a Russian layout its `PB-0126` arrives as `ЗИ-0126`. So a
// scan is read by key position (`KeyboardEvent.code` and Shift) as a US
// keyboard would type it, and only what a person types slowly stays as the
// layout typed it. The GS separator of a GS1 DataMatrix (Chestny ZNAK) comes
// as Ctrl+] or, from scanners that cannot send control keys, as a character
// the station names in its settings; inside a scan either becomes ASCII 29.

export interface ScannerOptions {
  /**
   * Called once per scan, in the order scanned, with the code as Packbench
   * reads it and the text the keyboard layout typed for the same keys (what
   * any other program would have got; the scanner set-up page compares the
   * two). Return `false` to say "not mine": the characters then stay where
   * they were typed and Enter goes on.
   */
  onScan: (code: string, typed: string) => boolean | void;
  /** Longest pause between two keys of one scan (and before its Enter). */
  maxGapMs?: number;
  /** Shortest code that counts as a scan. */
  minLength?: number;
  /**
   * The character this station's scanner sends instead of GS ("" = none),
   * read at every key so a changed setting applies at once.
   */
  gsSubstitute?: () => string;
  /** Where to listen; `window` by default. */
  target?: EventTarget;
  /** The clock in ms; `event.timeStamp` by default. Injected by tests. */
  now?: () => number;
}

export interface Scanner {
  dispose: () => void;
}

/** The group separator (ASCII 29) between the fields of a GS1 code. */
export const GS = '\x1d';

type TextField = HTMLInputElement | HTMLTextAreaElement;

// Keys that arrive inside a scan without being part of it: a scanner sends
// Shift for capitals, and some layouts report keys they cannot name.
const MODIFIERS = new Set(['Shift', 'Control', 'Alt', 'AltGraph', 'Meta', 'CapsLock', 'NumLock']);
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

// What each key of a US keyboard types: [without Shift, with Shift]. The ISO
// key next to the left Shift (IntlBackslash) is left out: a US (ANSI)
// keyboard has none, so a scanner emulating one never presses it, and what
// it types differs between systems; the layout's own character is used.
const US_KEYS: Record<string, readonly [string, string]> = {
  Backquote: ['`', '~'],
  Minus: ['-', '_'],
  Equal: ['=', '+'],
  BracketLeft: ['[', '{'],
  BracketRight: [']', '}'],
  Backslash: ['\\', '|'],
  Semicolon: [';', ':'],
  Quote: ["'", '"'],
  Comma: [',', '<'],
  Period: ['.', '>'],
  Slash: ['/', '?'],
  Space: [' ', ' '],
  // The keypad types the same with or without Shift (a scanner set to send
  // keypad digits expects NumLock on; the key's place is what counts).
  NumpadDecimal: ['.', '.'],
  NumpadAdd: ['+', '+'],
  NumpadSubtract: ['-', '-'],
  NumpadMultiply: ['*', '*'],
  NumpadDivide: ['/', '/'],
  NumpadEqual: ['=', '='],
};
for (const [i, shifted] of [...')!@#$%^&*('].entries()) {
  US_KEYS[`Digit${i}`] = [String(i), shifted];
  US_KEYS[`Numpad${i}`] = [String(i), String(i)];
}
for (const letter of 'abcdefghijklmnopqrstuvwxyz') {
  US_KEYS[`Key${letter.toUpperCase()}`] = [letter, letter.toUpperCase()];
}

/**
 * What a US keyboard types for this key event, or null when its `code` is
 * not one of a US keyboard's character keys (empty from some virtual
 * keyboards, a modifier, a function key).
 *
 * Shift decides, and CapsLock is ignored: a scanner sends Shift for every
 * capital, so a station's CapsLock must not turn them. One exception: a key
 * that typed exactly the shifted character without Shift, CapsLock off,
 * came from a source that types capitals and signs without a Shift key
 * (WebDriver, some virtual keyboards); that character is what it meant.
 */
export function usCharacter(e: KeyboardEvent): string | null {
  const pair = e.code ? US_KEYS[e.code] : undefined;
  if (!pair) return null;
  const [plain, shifted] = pair;
  if (e.shiftKey) return shifted;
  const capsLock = typeof e.getModifierState === 'function' && e.getModifierState('CapsLock');
  return e.key === shifted && !capsLock ? shifted : plain;
}

/** Ctrl+] (the control key for ASCII 29), or GS itself if a browser names it. */
function isGroupSeparator(e: KeyboardEvent): boolean {
  if (e.key === GS || e.key === 'GroupSeparator') return true;
  return e.ctrlKey && !e.altKey && !e.metaKey && (e.code === 'BracketRight' || e.key === ']');
}

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
  const { onScan, maxGapMs = 35, minLength = 3, now, gsSubstitute } = options;
  const target: EventTarget | undefined =
    options.target ?? (typeof window !== 'undefined' ? window : undefined);

  // The run of fast keys so far (as a US keyboard types them, the code a
  // scan gives), when its last key came, and the text fields its keys went
  // to, each with its value and caret before the run's first key there: the
  // field it started in, and one that took the focus in the middle of it
  // (the order field shown when the parcel before was shipped, while the
  // next order's number was being scanned).
  let run = '';
  // The same keys as the layout typed them (GS as the Ctrl+] it came as).
  let typedRun = '';
  let last = -Infinity;
  let fields: { f: TextField; value: string; sel: [number | null, number | null] }[] = [];
  // Characters of a fast run held back from its field (see `holdCharacter`)
  // until the run proves to be no scan.
  let held = '';
  let heldField: TextField | null = null;
  let heldTimer: ReturnType<typeof setTimeout> | undefined;

  function reset() {
    run = '';
    typedRun = '';
    last = -Infinity;
    fields = [];
  }

  /** The text field this key goes to, noted with its text before the run. */
  function touch(e: KeyboardEvent): TextField | null {
    const f = textField(e.target);
    if (f && !fields.some((x) => x.f === f)) fields.push({ f, value: f.value, sel: selection(f) });
    return f;
  }

  /** Forgets the held characters: the run was a scan. */
  function dropHeld() {
    clearTimeout(heldTimer);
    held = '';
    heldField = null;
  }

  /**
   * Puts the held characters into their field as typing would (at the
   * caret, over a selection, within maxlength, with an `input` event):
   * the run was a person's, or it is not over yet when something else
   * (another key, a click, the focus moving) needs the field's text.
   */
  function releaseHeld() {
    const f = heldField;
    const text = held;
    dropHeld();
    if (!f || !text) return;
    const [start, end] = selection(f);
    if (start === null || end === null) return;
    const room =
      f.maxLength >= 0 ? Math.max(0, f.maxLength - (f.value.length - (end - start))) : text.length;
    const put = text.slice(0, room);
    if (!put) return;
    f.setRangeText(put, start, end, 'end');
    const InputEventCtor = typeof InputEvent === 'function' ? InputEvent : Event;
    f.dispatchEvent(
      new InputEventCtor('input', {
        bubbles: true,
        inputType: 'insertText',
        data: put,
      } as InputEventInit),
    );
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

  /**
   * The character this key adds to a run (GS for the separator), or null
   * for a key that is no character (those break a run unless PASS_THROUGH).
   */
  function character(e: KeyboardEvent): string | null {
    if (isGroupSeparator(e)) return GS;
    // AltGr picks a layout's extra characters; a scanner never presses it.
    const altGraph = typeof e.getModifierState === 'function' && e.getModifierState('AltGraph');
    const us = altGraph ? null : usCharacter(e);
    const typed = us ?? (e.key.length === 1 ? e.key : null);
    if (typed === null) return null;
    const sub = gsSubstitute?.() ?? '';
    // The substitute as the scanner meant it (its US key) or, for a sign a
    // US keyboard lacks, as the layout typed it.
    if (sub !== '' && (typed === sub || e.key === sub)) return GS;
    return typed;
  }

  function onKeyDown(ev: Event) {
    const e = ev as KeyboardEvent;
    const t = now ? now() : e.timeStamp;
    const gap = t - last;

    if (e.key === 'Enter') {
      // Spaces alone are no code: a person ticking a row of boxes with the
      // space bar and pressing Enter at once is not a scanner.
      const isScan = run.trim().length >= minLength && gap <= maxGapMs;
      const code = run;
      const typed = typedRun;
      const touched = fields;
      reset();
      if (!isScan) {
        releaseHeld();
        return;
      }
      if (onScan(code, typed) === false) {
        releaseHeld();
        return;
      }
      dropHeld();
      e.preventDefault();
      e.stopImmediatePropagation();
      for (const t of touched) restoreField(t.f, t.value, t.sel);
      return;
    }

    if (e.isComposing || e.repeat) {
      releaseHeld();
      reset();
      return;
    }

    // A modifier pressed alone (the Control before a GS's "]", a scanner's
    // Shift) neither joins nor breaks a run, nor touches what is held.
    if (MODIFIERS.has(e.key)) return;

    const altGraph = typeof e.getModifierState === 'function' && e.getModifierState('AltGraph');
    if ((e.ctrlKey || e.metaKey || e.altKey) && !altGraph && !isGroupSeparator(e)) {
      // Shortcuts are "nothing": they neither join nor break a run (but
      // one may read or change the field's text, so it gets what is held).
      releaseHeld();
      return;
    }

    const ch = character(e);
    if (ch === null) {
      if (!PASS_THROUGH.has(e.key)) {
        // Backspace, Tab, an arrow: they act on the whole text.
        releaseHeld();
        reset();
      }
      return;
    }

    const layoutTyped = ch === GS || e.key.length !== 1 ? ch : e.key;
    if (run === '' || gap > maxGapMs) {
      // A new run starts: remember where it lands and what was there before
      // (with what an earlier run still held, if its timer is late).
      releaseHeld();
      fields = [];
      run = ch;
      typedRun = layoutTyped;
      touch(e);
    } else {
      run += ch;
      typedRun += layoutTyped;
      // A key at a scanner's pace after the first: held back from the
      // field (see `holdCharacter`). One the browser types itself (AltGr,
      // a dead key, a keypad arrow) goes after what is held, not before.
      const f = touch(e);
      if (f) {
        const heldIt = !altGraph && holdCharacter(e, f);
        if (!heldIt && !isGroupSeparator(e)) releaseHeld();
      }
    }
    last = t;
  }

  /**
   * Keeps the character of a plain key from the field while its run may
   * still be a scan: a scanner's burst into a field is then neither typed
   * by WebKit's editor, which keeps about 0.55 KB of the web process for
   * every character it types, for good (its undo history, most likely,
   * which a page can neither read nor clear), nor drawn key by key, which
   * costs the app's process about 0.65 KB a repaint with WebKit's
   * compositing off (BENCHMARKS.md, "Typing into a field"). A scanner types
   * tens of thousands of characters a shift. A person's keys are slower
   * than a scanner's, so WebKit types them as before; a fast pair of them
   * shows `maxGapMs` later. An input type without a caret (number, email)
   * is left to WebKit.
   */
  function holdCharacter(e: KeyboardEvent, f: TextField): boolean {
    // Ctrl+] (GS) types nothing into a field; neither does the page.
    if (e.ctrlKey || e.metaKey || e.altKey) return false;
    if (e.key.length !== 1 || f.readOnly || f.disabled) return false;
    const [start, end] = selection(f);
    if (start === null || end === null || typeof f.setRangeText !== 'function') return false;
    e.preventDefault();
    if (heldField !== f) releaseHeld();
    heldField = f;
    held += e.key;
    clearTimeout(heldTimer);
    heldTimer = setTimeout(releaseHeld, maxGapMs + 1);
    return true;
  }

  target?.addEventListener('keydown', onKeyDown, { capture: true });
  // A click or the focus leaving the field: what is held goes in first, so
  // a button's handler reads the whole text.
  target?.addEventListener('pointerdown', releaseHeld, { capture: true });
  target?.addEventListener('focusout', releaseHeld, { capture: true });
  return {
    dispose() {
      target?.removeEventListener('keydown', onKeyDown, { capture: true });
      target?.removeEventListener('pointerdown', releaseHeld, { capture: true });
      target?.removeEventListener('focusout', releaseHeld, { capture: true });
      releaseHeld();
      reset();
    },
  };
}
