import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createScanner, type Scanner } from './scanner';
import { cancelSettling, settle, SETTLE_MS } from './settle';

// The hand-over's carrier keys as the app wires them: the scanner listens
// on window in the capture phase and cancels what is settling when a scan
// ends (App.svelte); a screen's handler on window lets a digit choose the
// carrier after SETTLE_MS unless the next key comes first (Packing.svelte).
let clock = 0;
let scanner: Scanner | null = null;
let chosen: number[] = [];
let cancel: (() => void) | undefined;
const scans: string[] = [];

function screenKeys(e: KeyboardEvent) {
  cancel?.();
  if (/^[1-9]$/.test(e.key)) {
    const n = Number(e.key);
    cancel = settle(() => chosen.push(n));
  }
}

function press(key: string, at: number) {
  clock = at;
  vi.advanceTimersByTime(Math.max(0, at - Date.now()));
  window.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
}

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
  clock = 0;
  chosen = [];
  scans.length = 0;
  document.body.innerHTML = '<button>Печатать снова</button>';
  // The focus on a button, not in the tracking field: keys reach the window.
  document.querySelector('button')!.focus();
  scanner = createScanner({
    onScan: (code) => {
      cancelSettling();
      scans.push(code);
    },
    now: () => clock,
  });
  window.addEventListener('keydown', screenKeys);
});

afterEach(() => {
  window.removeEventListener('keydown', screenKeys);
  scanner?.dispose();
  cancel?.();
  vi.useRealTimers();
});

describe('a one-key shortcut a scanner could press', () => {
  it('is not pressed by the last digit of a scan, whose Enter no screen sees', () => {
    let t = 1000;
    for (const ch of '9000000628') press(ch, (t += 8));
    press('Enter', t + 8);
    vi.advanceTimersByTime(SETTLE_MS * 3);
    expect(scans).toEqual(['9000000628']);
    expect(chosen, 'the 8 of the tracking number chose no carrier').toEqual([]);
  });

  it('acts for a person who pressed it alone', () => {
    press('3', 1000);
    vi.advanceTimersByTime(SETTLE_MS - 1);
    expect(chosen, 'not before its moment').toEqual([]);
    vi.advanceTimersByTime(2);
    expect(chosen).toEqual([3]);
  });

  it('is cancelled by the next key of a scan', () => {
    press('7', 1000);
    press('0', 1008);
    vi.advanceTimersByTime(SETTLE_MS * 3);
    expect(chosen).toEqual([]);
  });
});
