// What the packing station and the pick-list walk share: a state held as a
// Svelte store, the status banner with its sound, and the strict queue every
// scan and action goes through, so two quick scans are both recorded, in
// order, and a failure becomes a red banner instead of a lost scan.

import { writable, type Readable, type Writable } from 'svelte/store';
import { toIpcError } from './ipc';
import type { Msg } from './i18n';
import { errorKey } from './i18n';
import { credentialRefusal } from './signin';
import type { SoundKind } from './sound';

export type Tone = 'good' | 'bad' | 'info' | 'done';

/** What the status banner shows: a tone, the outcome's name (for tests and
 * colour) and the words, translated when shown. */
export interface Banner {
  tone: Tone;
  outcome: string;
  msg: Msg;
  /** What was scanned, shown under the message. */
  code?: string;
  /** The line a refusal is about (over-scan), so only that line turns red. */
  lineId?: number;
  /** Counts banners, so the screen can re-run its flash for a repeat. */
  seq: number;
}

/** The part of a station's state the queue and the banner look after. */
export interface QueuedState {
  banner: Banner | null;
  /** Scans and actions waiting or running. */
  pending: number;
}

export abstract class ScanStation<S extends QueuedState> implements Readable<S> {
  protected s: S;
  private readonly store: Writable<S>;
  private readonly sound?: (kind: SoundKind) => void;
  private queue: Promise<void> = Promise.resolve();
  private bannerSeq = 0;

  protected constructor(initial: S, sound?: (kind: SoundKind) => void) {
    this.s = initial;
    this.store = writable(initial);
    this.sound = sound;
  }

  subscribe = (run: (value: S) => void, invalidate?: () => void) =>
    this.store.subscribe(run, invalidate);

  get state(): S {
    return this.s;
  }

  protected set(patch: Partial<S>) {
    this.s = { ...this.s, ...patch };
    this.store.set(this.s);
  }

  protected banner(tone: Tone, outcome: string, msg: Msg, code?: string, lineId?: number) {
    this.set({ banner: { tone, outcome, msg, code, lineId, seq: ++this.bannerSeq } } as Partial<S>);
    if (tone !== 'info') this.sound?.(tone);
  }

  protected errorBanner(e: unknown, code?: string) {
    const err = toIpcError(e);
    this.banner(
      'bad',
      'error',
      // Signed out (the session ran out): said in the station's words; the
      // sign-in screen comes up over the station meanwhile.
      err.code === 'not_signed_in'
        ? credentialRefusal(err)
        : {
            key: 'scan.error',
            params: { error: { key: errorKey(err.code) }, message: err.message },
          },
      code,
    );
  }

  /** Runs `task` after everything queued before it; resolves when it is done. */
  protected enqueue(task: () => Promise<void>): Promise<void> {
    this.set({ pending: this.s.pending + 1 } as Partial<S>);
    const run = this.queue.then(async () => {
      try {
        await task();
      } catch (e) {
        this.errorBanner(e);
      } finally {
        this.set({ pending: this.s.pending - 1 } as Partial<S>);
        if (this.s.pending === 0) this.refreshInBackground();
      }
    });
    this.queue = run;
    return run;
  }

  /** Resolves when every queued scan and action has finished. */
  settled(): Promise<void> {
    return this.queue;
  }

  /** Catches up with changes made elsewhere once the queue is empty. */
  protected abstract refreshInBackground(): void;
}
