// A supervisor's approval at the station. Core decides what a packer may
// not do alone (ship short, take a packed box apart, release another
// station's claim, accept a carton's weight off the tolerance): it answers
// `needs_approval`, the station asks for a supervisor's badge or login +
// PIN, and the same call goes again with that credential. A wrong PIN, a locked login or a person who is no
// supervisor is asked again with core's reason; Esc gives up and nothing
// changes. Which actions need approval, and who may approve, is core's to
// say: nothing here knows it.

import { writable, type Readable } from 'svelte/store';
import { toIpcError, type IpcError } from './ipc';
import type { Credential, ErrorCode } from './bindings';
import type { Msg } from './i18n';
import { credentialRefusal } from './signin';

/** What the station was doing when core asked for a supervisor. */
export type ApprovalWhat =
  'short_ship' | 'take_apart' | 'release_claim' | 'accept_weight' | 'approve_count';

export interface ApprovalAsk {
  what: ApprovalWhat;
  /** Core's words (English) for what needs approving. */
  message: string;
  /** Why core refused the last credential given; null the first time. */
  refusal: IpcError | null;
}

/** Whoever asks the person at the station: the dialog, or a test. */
export interface ApprovalPrompt {
  /** Resolves to the credential given, or null when the person gave up (Esc). */
  ask(request: ApprovalAsk): Promise<Credential | null>;
  /** The call went through, or failed for another reason: stop asking. */
  close(): void;
}

export type Approved<T> = { done: true; value: T } | { done: false };

// Refusals of the credential itself: the dialog asks again.
const ASK_AGAIN: readonly string[] = [
  'wrong_credentials',
  'locked_out',
  'forbidden',
  'needs_approval',
] satisfies readonly ErrorCode[];

/**
 * Runs `call` without approval; if core asks for a supervisor, asks
 * `prompt` for a credential and runs `call` again with it, as often as the
 * credential is refused. `{done: false}` when the person gave up; any
 * other failure is thrown as it came.
 */
export async function withApproval<T>(
  what: ApprovalWhat,
  call: (approval: Credential | null) => Promise<T>,
  prompt: ApprovalPrompt,
): Promise<Approved<T>> {
  let approval: Credential | null = null;
  let message = '';
  let asked = false;
  try {
    for (;;) {
      try {
        return { done: true, value: await call(approval) };
      } catch (e) {
        const err = toIpcError(e);
        const first = approval === null && err.code === 'needs_approval';
        const again = approval !== null && ASK_AGAIN.includes(err.code);
        if (!first && !again) throw err;
        if (first) message = err.message;
        asked = true;
        approval = await prompt.ask({ what, message, refusal: first ? null : err });
        if (!approval) return { done: false };
      }
    }
  } finally {
    if (asked) prompt.close();
  }
}

/** What the approval dialog shows while it is open. */
export interface ApprovalState {
  what: ApprovalWhat;
  message: string;
  /** Why the last credential was refused, in words to show. */
  refusal: Msg | null;
  /** A credential is on its way to core. */
  checking: boolean;
  /** Counts the asks, so the dialog clears the PIN after each refusal. */
  seq: number;
}

/**
 * The app's one approval dialog, as a store: `ask` opens it (or asks again
 * with the refusal), the dialog answers with `give` or `cancel`.
 */
export class ApprovalGate implements ApprovalPrompt, Readable<ApprovalState | null> {
  private readonly store = writable<ApprovalState | null>(null);
  private state: ApprovalState | null = null;
  private pending: ((c: Credential | null) => void) | null = null;
  private seq = 0;

  subscribe = this.store.subscribe;

  get current(): ApprovalState | null {
    return this.state;
  }

  ask(request: ApprovalAsk): Promise<Credential | null> {
    // One question at a time: an older one still open is given up.
    this.pending?.(null);
    this.set({
      what: request.what,
      message: request.message,
      refusal: request.refusal ? credentialRefusal(request.refusal) : null,
      checking: false,
      seq: ++this.seq,
    });
    return new Promise((resolve) => (this.pending = resolve));
  }

  /** The supervisor's badge or login + PIN: the call goes again with it. */
  give(credential: Credential) {
    const resolve = this.pending;
    if (!resolve || !this.state) return;
    this.pending = null;
    this.set({ ...this.state, checking: true });
    resolve(credential);
  }

  /** Esc: the action is given up, nothing changes. */
  cancel() {
    const resolve = this.pending;
    this.pending = null;
    this.set(null);
    resolve?.(null);
  }

  close() {
    this.pending?.(null);
    this.pending = null;
    this.set(null);
  }

  private set(next: ApprovalState | null) {
    this.state = next;
    this.store.set(next);
  }
}

/** A prompt that always gives up: for stations that have no dialog. */
export const NO_APPROVAL: ApprovalPrompt = {
  ask: () => Promise.resolve(null),
  close: () => {},
};
