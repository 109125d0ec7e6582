import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createScanner, type Scanner } from './scanner';

// A keyboard the way a browser delivers it: keydown first (the scanner sees
// it in the capture phase), then, unless prevented, the character lands in
// the focused field and Enter reaches the field's own handlers.
let clock = 0;
let scans: string[] = [];
let scanner: Scanner | null = null;
let enterReachedField = 0;

function press(target: HTMLElement, key: string, at: number, init: KeyboardEventInit = {}) {
  clock = at;
  const ev = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init });
  const allowed = target.dispatchEvent(ev);
  if (allowed && key.length === 1 && !init.ctrlKey && target instanceof HTMLInputElement) {
    target.value += key;
    target.dispatchEvent(new Event('input', { bubbles: true }));
  }
  return allowed;
}

/** Types `text` then Enter, `gap` ms a key, starting at `start`; returns the time after. */
function typeAndEnter(target: HTMLElement, text: string, start: number, gap: number): number {
  let t = start;
  for (const ch of text) {
    press(target, ch, t);
    t += gap;
  }
  press(target, 'Enter', t);
  return t;
}

function field(): HTMLInputElement {
  const input = document.createElement('input');
  input.type = 'text';
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') enterReachedField++;
  });
  document.body.append(input);
  input.focus();
  return input;
}

beforeEach(() => {
  clock = 0;
  scans = [];
  enterReachedField = 0;
  document.body.innerHTML = '';
  scanner = createScanner({ onScan: (code) => void scans.push(code), now: () => clock });
});

afterEach(() => scanner?.dispose());

describe('the scanner buffer', () => {
  it('takes a burst of characters ending in Enter as one scan', () => {
    typeAndEnter(document.body, '4601234567893', 1000, 8);
    expect(scans, 'thirteen fast digits and Enter are one code').toEqual(['4601234567893']);
  });

  it('leaves slow typing in a text field alone: no scan, the text stays, Enter goes on', () => {
    const input = field();
    typeAndEnter(input, '1001', 1000, 120);
    expect(scans, 'a person typing 120 ms a key is not a scanner').toEqual([]);
    expect(input.value, 'what the person typed stays in the field').toBe('1001');
    expect(enterReachedField, "the person's Enter reaches the field").toBe(1);
  });

  it('gives two bursts 50 ms apart as two scans, in order, neither merged', () => {
    const end = typeAndEnter(document.body, '4601234567893', 1000, 6);
    typeAndEnter(document.body, '4607000000011', end + 50, 6);
    expect(scans, 'each Enter closes its own scan').toEqual(['4601234567893', '4607000000011']);
  });

  it('gives two bursts as two scans even when the second starts at once', () => {
    const end = typeAndEnter(document.body, 'A-01-2', 1000, 6);
    typeAndEnter(document.body, 'PB-0001', end + 5, 6);
    expect(scans).toEqual(['A-01-2', 'PB-0001']);
  });

  it('removes a burst typed into a focused field and keeps what was there before', () => {
    const input = field();
    let inputEvents = 0;
    input.addEventListener('input', () => inputEvents++);
    // A person typed "12" slowly, then the scanner fired into the same field.
    press(input, '1', 100);
    press(input, '2', 300);
    typeAndEnter(input, '4601234567893', 2000, 7);
    expect(scans).toEqual(['4601234567893']);
    expect(input.value, 'the burst is taken out, the typed "12" stays').toBe('12');
    expect(enterReachedField, "the scan's Enter does not reach the field").toBe(0);
    expect(inputEvents, 'bound values hear about the restore').toBeGreaterThan(15);
  });

  it('does not take Enter after a single slow key as a scan', () => {
    press(document.body, '7', 1000);
    const allowed = press(document.body, 'Enter', 1010);
    expect(scans).toEqual([]);
    expect(allowed, 'that Enter is left alone').toBe(true);
  });

  it('needs at least minLength characters', () => {
    typeAndEnter(document.body, '12', 1000, 5);
    expect(scans, 'two characters are too few for a scan').toEqual([]);
  });

  it('is not fooled by a pause before Enter', () => {
    let t = 1000;
    for (const ch of '4601234567893') press(document.body, ch, (t += 5));
    press(document.body, 'Enter', t + 200);
    expect(scans, 'Enter long after the burst is a person pressing Enter').toEqual([]);
  });

  it('lets Shift (capitals from the scanner) and Ctrl combinations pass without breaking a burst', () => {
    let t = 1000;
    press(document.body, 'Shift', (t += 4));
    press(document.body, 'P', (t += 4), { shiftKey: true });
    press(document.body, 'Shift', (t += 4));
    press(document.body, 'B', (t += 4), { shiftKey: true });
    press(document.body, ']', (t += 4), { ctrlKey: true }); // GS as Ctrl+]
    press(document.body, '-', (t += 4));
    press(document.body, '7', (t += 4));
    press(document.body, 'Enter', t + 4);
    expect(scans).toEqual(['PB-7']);
  });

  it('leaves the keys typed when the handler says the scan is not its own', () => {
    scanner?.dispose();
    scanner = createScanner({ onScan: () => false, now: () => clock });
    const input = field();
    typeAndEnter(input, 'postgres', 1000, 5);
    expect(input.value, 'not taken: the characters stay').toBe('postgres');
    expect(enterReachedField, 'and Enter goes on').toBe(1);
  });

  it('honours the timing parameters', () => {
    scanner?.dispose();
    scanner = createScanner({
      onScan: (c) => void scans.push(c),
      now: () => clock,
      maxGapMs: 80,
      minLength: 5,
    });
    typeAndEnter(document.body, '1234', 1000, 60);
    typeAndEnter(document.body, '12345', 5000, 60);
    expect(scans, 'a slower scanner with a longer minimum').toEqual(['12345']);
  });

  it('stops listening once disposed', () => {
    scanner?.dispose();
    typeAndEnter(document.body, '4601234567893', 1000, 5);
    expect(scans).toEqual([]);
  });

  it('uses the event time stamps when no clock is given', () => {
    scanner?.dispose();
    scanner = createScanner({ onScan: (c) => void scans.push(c) });
    // Dispatched together, these keys are microseconds apart: a scanner.
    for (const ch of 'ABC123') {
      document.body.dispatchEvent(new KeyboardEvent('keydown', { key: ch, bubbles: true }));
    }
    document.body.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }),
    );
    expect(scans).toEqual(['ABC123']);
  });
});
