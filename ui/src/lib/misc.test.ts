import { afterEach, describe, expect, it, vi } from 'vitest';
import { playBad, playDone, playGood } from './sound';
import { handleScans, modalOpen, openModal, routeScan, typingInField } from './scan-router';

describe('sounds', () => {
  it('do nothing, quietly, where there is no audio', () => {
    expect(() => (playGood(), playBad(), playDone())).not.toThrow();
  });

  it('play through Web Audio where there is one, and leave no node behind', () => {
    vi.useFakeTimers();
    const started: number[] = [];
    type Node = { connected: boolean; onended: (() => void) | null };
    const nodes: Node[] = [];
    const node = () => {
      const n = {
        connected: false,
        onended: null as (() => void) | null,
        connect(to: unknown) {
          n.connected = true;
          return to;
        },
        disconnect() {
          n.connected = false;
        },
        type: '',
        frequency: { value: 0 },
        gain: { setValueAtTime: vi.fn(), linearRampToValueAtTime: vi.fn() },
        start: (t: number) => started.push(t),
        stop: vi.fn(),
      };
      nodes.push(n);
      return n;
    };
    const suspend = vi.fn(() => Promise.resolve());
    class FakeContext {
      state = 'running';
      currentTime = 0;
      destination = {};
      createOscillator = node;
      createGain = node;
      suspend = suspend;
    }
    vi.stubGlobal('AudioContext', FakeContext);
    // The module caches its context: load a fresh copy with the stub in place.
    vi.resetModules();
    return import('./sound').then((m) => {
      m.playBad();
      expect(started, 'the bad sound is two buzzes').toHaveLength(2);
      m.playDone();
      expect(started, 'done adds three rising tones').toHaveLength(5);
      expect(
        nodes.filter((n) => n.connected),
        'an oscillator and a gain per tone, playing',
      ).toHaveLength(10);
      // The tones end: every node leaves the audio graph.
      for (const n of nodes) n.onended?.();
      expect(
        nodes.filter((n) => n.connected),
        'nodes still in the graph after their tones ended',
      ).toHaveLength(0);
      vi.advanceTimersByTime(59_000);
      expect(
        suspend,
        'a quiet station keeps its context running for a minute',
      ).not.toHaveBeenCalled();
      vi.advanceTimersByTime(1_000);
      expect(suspend, 'then stops rendering silence').toHaveBeenCalledOnce();
      vi.useRealTimers();
      vi.unstubAllGlobals();
    });
  });
});

describe('the scan router', () => {
  afterEach(() => document.body.replaceChildren());

  it('hands a scan to the screen on show, and swallows scans while a dialog is open', () => {
    const got: string[] = [];
    const off = handleScans((c) => void got.push(c));
    expect(routeScan('1001')).toBe(true);
    const close = openModal();
    expect(modalOpen()).toBe(true);
    expect(routeScan('1002'), 'taken, so it does not land in the dialog').toBe(true);
    close();
    close();
    expect(modalOpen(), 'closing twice counts once').toBe(false);
    off();
    expect(routeScan('1003'), 'no screen wants it: the keys stay typed').toBe(false);
    expect(got).toEqual(['1001']);
  });

  it('gives scans to a form opened over a screen until it goes, then to the screen again', () => {
    const screen: string[] = [];
    const form: string[] = [];
    const offScreen = handleScans((c) => void screen.push(c));
    const offForm = handleScans((c) => void form.push(c));
    routeScan('PB-0001');
    offForm();
    offForm();
    routeScan('1001');
    offScreen();
    expect(form, 'the form on top takes the product').toEqual(['PB-0001']);
    expect(screen, 'the screen has its scans back, once').toEqual(['1001']);
    expect(routeScan('1002')).toBe(false);
  });

  it('gives scans to the newest dialog that reads badges, and to nobody under a plain one', () => {
    const screen: string[] = [];
    const badges: string[] = [];
    const offScreen = handleScans((c) => void screen.push(c));
    const closeBadge = openModal((c) => void badges.push(c));
    expect(routeScan('BADGE-0002'), 'the approval dialog takes the badge').toBe(true);
    const closePlain = openModal();
    expect(routeScan('BADGE-0003'), 'a reason dialog over it swallows the scan').toBe(true);
    closePlain();
    routeScan('BADGE-0004');
    closeBadge();
    closeBadge();
    routeScan('1001');
    offScreen();
    expect(badges).toEqual(['BADGE-0002', 'BADGE-0004']);
    expect(screen, 'the screen has its scans back once the dialog is gone').toEqual(['1001']);
    expect(modalOpen()).toBe(false);
  });

  it('knows a text field from a checkbox', () => {
    const text = document.createElement('input');
    const box = document.createElement('input');
    box.type = 'checkbox';
    document.body.append(text, box);
    expect(typingInField({ target: text } as unknown as Event)).toBe(true);
    expect(typingInField({ target: box } as unknown as Event)).toBe(false);
  });
});
