import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
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
    let heard = '';
    input.addEventListener('input', () => (heard = input.value));
    // A person typed "12" slowly, then the scanner fired into the same field.
    press(input, '1', 100);
    press(input, '2', 300);
    typeAndEnter(input, '4601234567893', 2000, 7);
    expect(scans).toEqual(['4601234567893']);
    expect(input.value, 'the burst is taken out, the typed "12" stays').toBe('12');
    expect(enterReachedField, "the scan's Enter does not reach the field").toBe(0);
    expect(heard, 'bound values hear about the restore').toBe('12');
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

  it('does not take spaces pressed fast and Enter (boxes ticked by the space bar) as a scan', () => {
    typeAndEnter(document.body, '     ', 1000, 10);
    expect(scans, 'no scan of spaces').toEqual([]);
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
    press(document.body, 'Control', (t += 4), { ctrlKey: true });
    press(document.body, 'a', (t += 4), { ctrlKey: true, code: 'KeyA' });
    press(document.body, '-', (t += 4));
    press(document.body, '7', (t += 4));
    press(document.body, 'Enter', t + 4);
    expect(scans, 'Ctrl+A is a shortcut, no character of the scan').toEqual(['PB-7']);
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

// WebKit keeps every character its editor types into a field (about 0.55 KB
// of the web process each), and every repaint of the field costs the app's
// process too. The keys of a fast run after its first are held back from
// the field until the run proves to be no scan.
describe('the characters of a fast run in a text field', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('are held back after the first key (which the browser types) and put in when the run is no scan', () => {
    const input = field();
    let inputEvents = 0;
    input.addEventListener('input', () => inputEvents++);
    const allowed = [...'46012'].map((ch, i) => press(input, ch, 1000 + 6 * i));
    expect(allowed, 'the first key is typed by the browser, the rest kept from it').toEqual([
      true,
      false,
      false,
      false,
      false,
    ]);
    expect(input.value, 'while the run may be a scan, the field shows its first key').toBe('4');
    vi.advanceTimersByTime(36);
    expect(input.value, 'no Enter within the gap: the run is typing, all of it in the field').toBe(
      '46012',
    );
    expect(inputEvents, 'the first key, then the held ones in one input event').toBe(2);
    expect(input.selectionStart, 'the caret after the last character').toBe(5);
    expect(scans).toEqual([]);
  });

  it("keeps a person's fast pair of keys, and a slow key after it goes after the pair", () => {
    const input = field();
    press(input, 'д', 1000);
    press(input, 'а', 1020);
    // The pair's timer is late (a busy page): the next run puts it in first.
    press(input, ' ', 2000);
    expect(input.value).toBe('да ');
    vi.advanceTimersByTime(100);
    expect(input.value, 'nothing put in twice').toBe('да ');
    expect(scans).toEqual([]);
  });

  it('puts the held keys in before a key that acts on the text, a shortcut, a click or the focus leaving', () => {
    const input = field();
    press(input, 'a', 1000);
    press(input, 'b', 1005);
    expect(input.value).toBe('a');
    press(input, 'Backspace', 1010);
    expect(input.value, 'Backspace finds the whole text').toBe('ab');
    press(input, 'c', 2000);
    press(input, 'd', 2005);
    press(input, 'a', 2010, { ctrlKey: true });
    expect(input.value, 'Ctrl+A finds the whole text').toBe('abcd');
    press(input, 'e', 3000);
    press(input, 'f', 3005);
    window.dispatchEvent(new Event('pointerdown'));
    expect(input.value, "a click's handler reads the whole text").toBe('abcdef');
    press(input, 'g', 4000);
    press(input, 'h', 4005);
    input.blur();
    expect(input.value, 'the focus leaving the field').toBe('abcdefgh');
  });

  it('types at the caret and over a selection, as the browser would', () => {
    const input = field();
    input.value = 'AB-01';
    input.setSelectionRange(1, 3);
    // The first key typed by a browser goes over the selection.
    input.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'q', bubbles: true, cancelable: true }),
    );
    input.setRangeText('q', 1, 3, 'end');
    clock = 5;
    expect(press(input, 'w', 5), 'the second key is held').toBe(false);
    vi.advanceTimersByTime(36);
    expect(input.value, 'w after q, at the caret').toBe('Aqw01');
    expect(input.selectionStart).toBe(3);
    input.value = 'A-01';
    press(document.body, 'x', 6000);
    expect(press(input, 'z', 6005), 'a run that began elsewhere is held in the field too').toBe(
      false,
    );
    vi.advanceTimersByTime(36);
    expect(input.value, 'and goes in once the run proves to be no scan').toBe('A-01z');
  });

  it('puts no "]" of a Ctrl+] (the GS of a marking code) into the field, and its Control releases nothing', () => {
    const input = field();
    press(input, 'a', 1000);
    press(input, 'b', 1005);
    press(input, 'Control', 1008, { ctrlKey: true, code: 'ControlLeft' });
    press(input, ']', 1010, { ctrlKey: true, code: 'BracketRight' });
    press(input, 'c', 1015);
    expect(input.value, 'the GS and its Control keep the rest held').toBe('a');
    vi.advanceTimersByTime(36);
    expect(input.value).toBe('abc');
  });

  it('puts what is held in before a key the browser types itself (a dead key, AltGr)', () => {
    const input = field();
    press(input, 'a', 1000);
    press(input, 'b', 1005);
    press(input, 'Dead', 1010, { code: 'Quote' });
    expect(input.value, 'held "b" before the dead key acts').toBe('ab');
    const other = field();
    press(other, 'x', 2000);
    press(other, 'y', 2005);
    const altGr = new KeyboardEvent('keydown', {
      key: '₽',
      code: 'Digit8',
      bubbles: true,
      cancelable: true,
    });
    Object.defineProperty(altGr, 'getModifierState', { value: (k: string) => k === 'AltGraph' });
    clock = 2010;
    expect(other.dispatchEvent(altGr), 'AltGr is typed by the browser').toBe(true);
    expect(other.value, 'held "y" before it').toBe('xy');
  });

  it("stops at the field's maxlength, as typing does", () => {
    const input = field();
    input.maxLength = 3;
    for (const [i, ch] of [...'12345'].entries()) press(input, ch, 1000 + 5 * i);
    vi.advanceTimersByTime(36);
    expect(input.value).toBe('123');
  });

  it('leaves a field without a caret (number), a read-only one and slow keys to the browser', () => {
    const n = field();
    n.type = 'number';
    expect(
      [...'123'].map((ch, i) => press(n, ch, 1000 + 5 * i)),
      'number: all typed by the browser',
    ).toEqual([true, true, true]);
    const r = field();
    r.readOnly = true;
    expect(
      [...'12'].map((ch, i) => press(r, ch, 3000 + 5 * i)),
      'read-only: all left to the browser',
    ).toEqual([true, true]);
    const slow = field();
    expect(
      [...'123'].map((ch, i) => press(slow, ch, 5000 + 100 * i)),
      'a person: all typed by the browser',
    ).toEqual([true, true, true]);
    expect(slow.value).toBe('123');
  });

  it('gives the field its text back when the run was a scan, and puts nothing in later', () => {
    const input = field();
    input.value = 'abc';
    typeAndEnter(input, '4601234567893', 1000, 5);
    expect(scans).toEqual(['4601234567893']);
    expect(input.value).toBe('abc');
    vi.advanceTimersByTime(100);
    expect(input.value, 'the held keys are dropped').toBe('abc');
  });

  it('leaves nothing of a scan in a field that took the focus in the middle of it', () => {
    // The parcel before was shipped while the next order's number was
    // being scanned: the first keys reach the page, the rest the order
    // field shown (and focused) meanwhile, with a bound value listening.
    const order = document.createElement('input');
    order.type = 'text';
    let bound = '';
    order.addEventListener('input', () => (bound = order.value));
    press(document.body, '7', 1000);
    press(document.body, '0', 1005);
    document.body.append(order);
    order.focus();
    let t = 1010;
    for (const ch of '080') {
      press(order, ch, t);
      t += 5;
    }
    press(order, 'Enter', t);
    expect(scans, 'the whole number is one scan').toEqual(['70080']);
    vi.advanceTimersByTime(100);
    expect(order.value, 'the order field keeps none of its keys').toBe('');
    expect(bound, 'nor does its bound value').toBe('');
    // Slow keys there are a person's and stay.
    typeAndEnter(order, '12', 2000, 200);
    expect(order.value).toBe('12');
  });

  it("puts the held keys in before Enter goes on when the run is too short or not the handler's", () => {
    const input = field();
    typeAndEnter(input, '12', 1000, 5);
    expect(input.value, 'two keys are no scan (minLength 3): the field has both').toBe('12');
    expect(enterReachedField, 'and Enter reaches the field with them').toBe(1);
    scanner?.dispose();
    scanner = createScanner({ onScan: () => false, now: () => clock });
    const other = field();
    typeAndEnter(other, 'PB-0001', 2000, 5);
    expect(other.value, "not the handler's: the field keeps the run").toBe('PB-0001');
    expect(enterReachedField).toBe(2);
  });
});

// The Russian layout (ЙЦУКЕН) as a browser reports it: `key` is what the
// layout types, `code` the key's place on a US keyboard. A scanner presses
// the US keys of its code, with Shift for capitals and signs.
const US_ROWS = ['`1234567890-=', 'qwertyuiop[]\\', "asdfghjkl;'", 'zxcvbnm,./'];
const US_SHIFT = ['~!@#$%^&*()_+', 'QWERTYUIOP{}|', 'ASDFGHJKL:"', 'ZXCVBNM<>?'];
const RU_ROWS = ['ё1234567890-=', 'йцукенгшщзхъ\\', 'фывапролджэ', 'ячсмитьбю.'];
const RU_SHIFT = ['Ё!"№;%:?*()_+', 'ЙЦУКЕНГШЩЗХЪ/', 'ФЫВАПРОЛДЖЭ', 'ЯЧСМИТЬБЮ,'];
const PUNCT_CODES: Record<string, string> = {
  '`': 'Backquote',
  '-': 'Minus',
  '=': 'Equal',
  '[': 'BracketLeft',
  ']': 'BracketRight',
  '\\': 'Backslash',
  ';': 'Semicolon',
  "'": 'Quote',
  ',': 'Comma',
  '.': 'Period',
  '/': 'Slash',
};

function codeOf(usChar: string): string {
  if (/[a-z]/.test(usChar)) return `Key${usChar.toUpperCase()}`;
  if (/[0-9]/.test(usChar)) return `Digit${usChar}`;
  return PUNCT_CODES[usChar]!;
}

/** The key event a scanner's `ch` gives under the Russian layout. */
function russianKey(ch: string): { key: string; code: string; shiftKey: boolean } {
  if (ch === ' ') return { key: ' ', code: 'Space', shiftKey: false };
  for (const [shiftKey, us, ru] of [
    [false, US_ROWS, RU_ROWS],
    [true, US_SHIFT, RU_SHIFT],
  ] as const) {
    for (const [r, row] of us.entries()) {
      const i = row.indexOf(ch);
      if (i >= 0) return { key: ru[r]![i]!, code: codeOf(US_ROWS[r]![i]!), shiftKey };
    }
  }
  throw new Error(`no US key types ${JSON.stringify(ch)}`);
}

const GS = '\x1d';

/** A scanner's burst under the Russian layout, GS sent as Ctrl+]; returns the time after. */
function scanRussian(target: HTMLElement, code: string, start: number, gap = 5): number {
  let t = start;
  for (const ch of code) {
    if (ch === GS) {
      press(target, 'Control', t, { code: 'ControlLeft', ctrlKey: true });
      press(target, 'ъ', (t += 1), { code: 'BracketRight', ctrlKey: true });
    } else {
      const k = russianKey(ch);
      if (k.shiftKey) press(target, 'Shift', t, { code: 'ShiftLeft', shiftKey: true });
      press(target, k.key, (t += k.shiftKey ? 1 : 0), { code: k.code, shiftKey: k.shiftKey });
    }
    t += gap;
  }
  press(target, 'Enter', t, { code: 'Enter' });
  return t;
}

/** A person typing the keys of `usKeys` slowly under the Russian layout. */
function typeRussianSlowly(target: HTMLElement, usKeys: string, start: number): number {
  let t = start;
  for (const ch of usKeys) {
    const k = russianKey(ch);
    press(target, k.key, (t += 140), { code: k.code, shiftKey: k.shiftKey });
  }
  return t;
}

// A Chestny ZNAK code: GTIN, serial, key id and signature, with GS between.
const SIGNATURE = 'MEUCIQC+/x;:?_.-LZ3kT9aQ2b8Yw0yN4pR7sV1uEgH=';
const MARKING = `010460123456789321Qb5'&%Ja,!<=z*${GS}91ffd0${GS}92${SIGNATURE}`;

describe('scanning on a Russian keyboard layout', () => {
  it('reads a SKU by key position: the keys that type "ЗИ-0126" give PB-0126', () => {
    const end = scanRussian(document.body, 'PB-0126', 1000);
    expect(russianKey('P').key + russianKey('B').key, 'what the layout types').toBe('ЗИ');
    expect(scans, 'the scan is what the scanner meant').toEqual(['PB-0126']);
    scanRussian(document.body, 'pb-0001', end + 200);
    expect(scans[1], 'without Shift, small letters').toBe('pb-0001');
  });

  it('gives capitals and signs with Shift, as a US keyboard types them', () => {
    scanRussian(document.body, 'AB_cd:"?~<>{}|!@#$%^&*()+', 1000);
    expect(scans).toEqual(['AB_cd:"?~<>{}|!@#$%^&*()+']);
  });

  it('makes Ctrl+] inside a burst the GS separator, so a marking code keeps its fields', () => {
    scanRussian(document.body, MARKING, 1000);
    expect(scans, 'every Latin letter and sign of serial and signature, GS as ASCII 29').toEqual([
      MARKING,
    ]);
    expect(scans[0]!.split(GS), 'three fields split by two GS').toHaveLength(3);
  });

  it('accepts GS when the browser reports the character itself', () => {
    let t = 1000;
    for (const ch of '0104601234567893') press(document.body, ch, (t += 4));
    press(document.body, GS, (t += 4), { code: '' });
    for (const ch of '91ab') press(document.body, ch, (t += 4));
    press(document.body, 'GroupSeparator', (t += 4));
    for (const ch of '93cd') press(document.body, ch, (t += 4));
    press(document.body, 'Enter', t + 4);
    expect(scans).toEqual([`0104601234567893${GS}91ab${GS}93cd`]);
  });

  it('turns the station’s GS substitute into GS inside a burst only', () => {
    scanner?.dispose();
    scanner = createScanner({
      onScan: (code) => void scans.push(code),
      now: () => clock,
      gsSubstitute: () => '~',
    });
    // The scanner sends "~" (Shift and the key left of 1; Ё on this layout).
    scanRussian(document.body, MARKING.replaceAll(GS, '~'), 1000);
    expect(scans, 'the substitute became GS').toEqual([MARKING]);

    const input = field();
    press(input, '1', 5000);
    press(input, '~', 5200, { code: 'Backquote', shiftKey: true });
    press(input, '2', 5400);
    press(input, 'Enter', 5600);
    expect(scans, 'typed slowly it is no scan').toHaveLength(1);
    expect(input.value, 'and the person’s "~" stays a "~"').toBe('1~2');
  });

  it('hands over what the layout typed beside the code, for the scanner set-up page', () => {
    scanner?.dispose();
    const typed: string[] = [];
    scanner = createScanner({
      onScan: (code, layout) => {
        scans.push(code);
        typed.push(layout);
      },
      now: () => clock,
    });
    scanRussian(document.body, `PB-01${GS}26`, 1000);
    expect(scans, 'the code by key position').toEqual([`PB-01${GS}26`]);
    expect(typed, 'the layout’s Cyrillic, GS kept in its place').toEqual([`ЗИ-01${GS}26`]);
  });

  it('leaves slow typing in a text field as the layout typed it: Cyrillic', () => {
    const input = field();
    const end = typeRussianSlowly(input, 'ghbdtn', 1000);
    press(input, 'Enter', end + 140, { code: 'Enter' });
    expect(scans, 'a person typing is no scan').toEqual([]);
    expect(input.value, 'the keys of "ghbdtn" type "привет" here').toBe('привет');
    expect(enterReachedField, 'Enter reaches the field').toBe(1);
  });

  it('gives a focused field its text back and the scan in Latin letters', () => {
    const input = field();
    const end = typeRussianSlowly(input, 'cjr', 100);
    expect(input.value).toBe('сок');
    scanRussian(input, 'PB-0126', end + 1000);
    expect(scans).toEqual(['PB-0126']);
    expect(input.value, 'the Cyrillic burst is taken out, "сок" stays').toBe('сок');
    expect(enterReachedField, "the scan's Enter does not reach the field").toBe(0);
  });

  it('gives two bursts 50 ms apart as two scans', () => {
    const end = scanRussian(document.body, 'PB-0126', 1000, 6);
    scanRussian(document.body, 'PB-0042', end + 50, 6);
    expect(scans, 'neither merged nor lost').toEqual(['PB-0126', 'PB-0042']);
  });

  it('reads the key as the layout typed it when the browser names no key position', () => {
    let t = 1000;
    for (const ch of 'ЖУК') press(document.body, ch, (t += 5), { code: '' });
    press(document.body, 'Enter', t + 5);
    expect(scans, 'a virtual keyboard without codes still scans').toEqual(['ЖУК']);
  });

  it('is not turned by CapsLock left on at the station', () => {
    let t = 1000;
    // CapsLock on, US layout: Shift+P types "p", and b types "B".
    const caps = { modifierCapsLock: true };
    press(document.body, 'p', (t += 5), { code: 'KeyP', shiftKey: true, ...caps });
    press(document.body, 'B', (t += 5), { code: 'KeyB', ...caps });
    press(document.body, '1', (t += 5), { code: 'Digit1', ...caps });
    press(document.body, 'Enter', t + 5);
    expect(scans, 'what the scanner sent: Shift for the capital only').toEqual(['Pb1']);
  });

  it('takes capitals and signs from a source that types them without Shift', () => {
    // WebDriver and some virtual keyboards: "Z" and "_" with no Shift reported.
    let t = 1000;
    press(document.body, '1', (t += 5), { code: 'Digit1' });
    press(document.body, 'Z', (t += 5), { code: 'KeyZ' });
    press(document.body, '_', (t += 5), { code: 'Minus' });
    press(document.body, 'x', (t += 5), { code: 'KeyX' });
    press(document.body, 'Enter', t + 5);
    expect(scans, 'what that source typed').toEqual(['1Z_x']);
  });
});
