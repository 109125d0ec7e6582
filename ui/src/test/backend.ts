// The backend of the UI's unit tests: replies recorded from the real
// commands on a real database (src/fixtures/*.json, written by src-tauri's
// recorder, tests/recorder; refresh them with
// `cargo run -p packbench --example record-fixtures`), served to `invoke`
// through mockIPC. No rule of the warehouse is computed here.
//
// A test walks a recorded flow as the recorder did. A call that changes
// something gets what core replied to the flow's next change with the same
// command and arguments (a test may start further on: the changes it skips
// still happened, as in the recording); a read gets the latest reply to the
// same read recorded up to the next change. Changes made at other stations
// are steps too: `elsewhere()` lets the next one happen. A call the flow cannot
// answer rejects (the UI sees code `ipc`) and is listed in `unanswered`;
// `endReplay()` fails the test if there was any. A test may hold a reply
// back or make a call fail in transport (`around`), never invent a reply.

import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { setSignedIn } from '../lib/session.svelte';
import type { AppInfo, SignedIn } from '../lib/bindings';

export interface Step {
  cmd: string;
  args: Record<string, unknown>;
  /** A command that changes nothing. */
  read?: boolean;
  ok?: unknown;
  error?: { code: string; message: string };
  /** A change made at another station (no reply recorded). */
  elsewhere?: string;
}

export interface Flow {
  flow: string;
  about: string;
  steps: Step[];
}

const fixtures = import.meta.glob<Flow>('../fixtures/*.json', { eager: true, import: 'default' });

/** A recorded flow by name (its file in src/fixtures), as a fresh copy. */
export function flow(name: string): Flow {
  const found = fixtures[`../fixtures/${name}.json`];
  if (!found) throw new Error(`no fixture ${name}.json in src/fixtures`);
  return structuredClone(found);
}

/** Every successful reply to `cmd` in flow `name`, in recorded order. */
export function replies<T>(name: string, cmd: string): T[] {
  return flow(name)
    .steps.filter((s) => s.cmd === cmd && !s.elsewhere && 'ok' in s)
    .map((s) => s.ok as T);
}

/** The first successful reply to `cmd` in flow `name`. */
export function reply<T>(name: string, cmd: string): T {
  const [first] = replies<T>(name, cmd);
  if (first === undefined) throw new Error(`${name}.json has no reply to ${cmd}`);
  return first;
}

/** Every recorded refusal of `cmd` in flow `name`, as `{code, message}`. */
export function refusals(name: string, cmd: string): { code: string; message: string }[] {
  return flow(name)
    .steps.filter((s) => s.cmd === cmd && s.error)
    .map((s) => s.error!);
}

/** Drops absent optionals (null or undefined) so `{a: null}` equals `{}`. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (x !== null && x !== undefined) out[k] = canonical(x);
    }
    return out;
  }
  return v;
}

// Scan ids are made by the station under test (the recorder used its own):
// a recorded scan matches whatever id the test's station sends.
function sameArgs(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const key = (args: Record<string, unknown>) =>
    JSON.stringify(sortKeys(canonical({ ...args, scanId: null })));
  return key(a) === key(b);
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}

/**
 * Reads the screens make that most flows were recorded without: an order's
 * customer messages, which the order screen reads for every order it shows
 * (outbox.json records them; the flows of the order desk, packing and the
 * audit trail, recorded with mail off, do not), and an order's cartons,
 * which the packing station reads after its changes (cartons.json records
 * them; the packing flows recorded before cartons do not). In a flow with no step of
 * one at all it fails in transport, as the `noLifecycle` tests do by hand
 * for `lifecycle`, and is not counted as unanswered: the screen shows what
 * it shows when that read fails. A flow that records the command answers
 * it as usual. Drop a name here once every flow that makes the read
 * records it.
 */
// `order_receipts`: the order screen's receipt panel (issue 15 item 3),
// read for every order shown; only receipt-panel.json records it.
// Issue 15: shop connection: the settings' shop panel reads these for a
// supervisor; only shop-connection.json records them.
export const READS_NOT_RECORDED: readonly string[] = [
  'outbox',
  'cartons',
  'order_receipts',
  'shop_apis',
  'webhook_secrets',
  'shop_calls',
  'webhook_inbox',
  'watch_folder',
  // Issue 15: parcel movements: the order screen reads them for an order
  // that has gone out (and the stalled list for a shipped one); only
  // parcel-movements.json records them.
  'parcel_movements',
  'stalled_parcels',
  // Issue 12: every page asks the window for the keys held while it
  // replaced a renewed one (src-tauri/src/keyhold.rs): the window's, not
  // core's, and in no recording.
  'page_ready',
];

export interface Call {
  cmd: string;
  args: Record<string, unknown>;
}

export interface ReplayOptions {
  /**
   * Wraps the answer to a call: hold it back (a slow command), or fail the
   * transport instead (then `answer` is not called and the flow does not
   * move). Call `answer()` at once to keep the flow's order.
   */
  around?: (call: Call, answer: () => Promise<unknown>) => Promise<unknown> | unknown;
}

export class Backend {
  /** Every call the UI made, in order, but those of `READS_NOT_RECORDED` this flow lacks. */
  readonly calls: Call[] = [];
  /** Calls of `READS_NOT_RECORDED` this flow lacks (failed in transport), in order. */
  readonly notRecorded: Call[] = [];
  /** Calls the flow could not answer, described. */
  readonly unanswered: string[] = [];
  private readonly steps: Step[];
  private readonly reads: Set<string>;
  private readonly unrecorded: Set<string>;
  // Index of the last change applied; -1 before the first.
  private at = -1;

  constructor(readonly recording: Flow) {
    this.steps = recording.steps;
    this.reads = new Set(this.steps.filter((s) => s.read).map((s) => s.cmd));
    this.unrecorded = new Set(
      READS_NOT_RECORDED.filter((cmd) => !this.steps.some((s) => s.cmd === cmd)),
    );
  }

  private nextChange(): number {
    const i = this.steps.findIndex((s, j) => j > this.at && !s.read);
    return i < 0 ? this.steps.length : i;
  }

  /** Lets the next change made at another station happen. */
  elsewhere(): void {
    const i = this.steps.findIndex((s, j) => j > this.at && s.elsewhere);
    if (i < 0) throw new Error(`${this.recording.flow}: no change is left to happen elsewhere`);
    this.at = i;
  }

  /** True for a read of `READS_NOT_RECORDED` that this flow never made. */
  lacks(cmd: string): boolean {
    return this.unrecorded.has(cmd);
  }

  /** What the recording replies to `cmd(args)` now; rejects as the shell would. */
  answer(cmd: string, args: Record<string, unknown>): Promise<unknown> {
    if (this.unrecorded.has(cmd)) {
      return Promise.reject(`${cmd} is not in ${this.recording.flow}.json (recorded without it)`);
    }
    const step = this.reads.has(cmd) ? this.read(cmd, args) : this.change(cmd, args);
    if (!step) return Promise.reject(`no recorded reply to ${describe({ cmd, args })}`);
    if (step.error) return Promise.reject(structuredClone(step.error));
    return Promise.resolve(structuredClone(step.ok));
  }

  private read(cmd: string, args: Record<string, unknown>): Step | null {
    for (let i = this.nextChange() - 1; i >= 0; i--) {
      const step = this.steps[i]!;
      if (step.read && step.cmd === cmd && sameArgs(step.args, args)) return step;
    }
    this.unanswered.push(
      `${this.recording.flow}: ${describe({ cmd, args })} is not recorded before step ${this.nextChange()}`,
    );
    return null;
  }

  private change(cmd: string, args: Record<string, unknown>): Step | null {
    const i = this.steps.findIndex(
      (s, j) => j > this.at && !s.read && !s.elsewhere && s.cmd === cmd && sameArgs(s.args, args),
    );
    if (i >= 0) {
      this.at = i;
      return this.steps[i]!;
    }
    const next = this.steps[this.nextChange()];
    this.unanswered.push(
      `${this.recording.flow}: ${describe({ cmd, args })} is not recorded after step ${this.at}` +
        ` (the next change is ${next ? describe(next) : 'none'})`,
    );
    return null;
  }
}

function describe(s: { cmd: string; args: unknown; elsewhere?: string }): string {
  const where = s.elsewhere ? ` at ${s.elsewhere}` : '';
  return `${s.cmd}(${JSON.stringify(canonical(s.args))})${where}`;
}

let live: Backend[] = [];

/**
 * Answers every `invoke` from flow `name` (events are mocked too). As at
 * the recorded station, whoever the flow's first app_info names is signed
 * in (nobody, when it names nobody): a screen mounted alone shows what
 * that person may do. `signInAs` puts someone else there.
 */
export function replay(name: string, options: ReplayOptions = {}): Backend {
  const backend = new Backend(flow(name));
  setSignedIn(firstInfo(name)?.signed_in ?? null);
  live.push(backend);
  mockIPC(
    (cmd, payload) => {
      const args = (payload ?? {}) as Record<string, unknown>;
      const call = { cmd, args };
      (backend.lacks(cmd) ? backend.notRecorded : backend.calls).push(call);
      const answer = () => backend.answer(cmd, args);
      return options.around ? options.around(call, answer) : answer();
    },
    { shouldMockEvents: true },
  );
  return backend;
}

function firstInfo(name: string): AppInfo | null {
  const step = flow(name).steps.find((s) => s.cmd === 'app_info' && 'ok' in s);
  return (step?.ok as AppInfo | undefined) ?? null;
}

/**
 * Signs in, as the app does when it starts, whoever flow `name` was
 * recorded for: the person its first app_info names, with what core said
 * they may do. Screens mounted on their own then show what that person sees.
 */
export function signInAs(name: string): SignedIn {
  const who = firstInfo(name)?.signed_in;
  if (!who) throw new Error(`${name}.json has no app_info with someone signed in`);
  setSignedIn(who);
  return who;
}

/**
 * Ends the replays of a test: mocks cleared, nobody signed in for the next
 * test, and any unanswered call fails it.
 */
export function endReplay(): void {
  clearMocks();
  setSignedIn(null);
  const missed = live.flatMap((b) => b.unanswered);
  live = [];
  if (missed.length > 0) {
    throw new Error(`calls without a recorded reply:\n${missed.join('\n')}`);
  }
}

/** A promise and the functions that settle it, for holding a reply back. */
export function deferred<T = void>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
