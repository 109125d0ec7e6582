import { describe, expect, it } from 'vitest';
import { get } from 'svelte/store';
import { ApprovalGate, withApproval, type ApprovalAsk, type ApprovalPrompt } from './approval';
import { IpcError } from './ipc';
import type { Credential } from './bindings';
import { refusals } from '../test/backend';

// Core's own refusals, as approval.json recorded them.
const [needs, wrong, notSupervisor] = refusals('approval', 'finish_packing').map(
  (e) => new IpcError(e.code as IpcError['code'], e.message),
);
const PIN: Credential = { kind: 'secret', login: 'maria', secret: '2222' };
const WRONG: Credential = { kind: 'secret', login: 'maria', secret: '0000' };

/** A call that answers, in turn, each of `answers` (an error is thrown). */
function core<T>(...answers: (T | IpcError)[]) {
  const sent: (Credential | null)[] = [];
  const call = (approval: Credential | null) => {
    sent.push(approval);
    const next = answers.shift();
    return next instanceof IpcError ? Promise.reject(next) : Promise.resolve(next as T);
  };
  return { call, sent };
}

function person(...answers: (Credential | null)[]) {
  const asked: ApprovalAsk[] = [];
  let closed = 0;
  const prompt: ApprovalPrompt = {
    ask: (a) => (asked.push(a), Promise.resolve(answers.shift() ?? null)),
    close: () => void closed++,
  };
  return { prompt, asked, closed: () => closed };
}

describe('an action that needs approval', () => {
  it('goes through at once when core does not ask, and asks nobody', async () => {
    const c = core('packed');
    const p = person();
    expect(await withApproval('short_ship', c.call, p.prompt)).toEqual({
      done: true,
      value: 'packed',
    });
    expect(c.sent).toEqual([null]);
    expect(p.asked).toEqual([]);
    expect(p.closed(), 'nothing was opened, nothing to close').toBe(0);
  });

  it('is tried again with the credential given, and again after a refusal of it', async () => {
    const c = core(needs!, wrong!, notSupervisor!, 'packed');
    const p = person(WRONG, { kind: 'badge', code: 'BADGE-0003' }, PIN);
    const r = await withApproval('short_ship', c.call, p.prompt);
    expect(r).toEqual({ done: true, value: 'packed' });
    expect(c.sent).toEqual([null, WRONG, { kind: 'badge', code: 'BADGE-0003' }, PIN]);
    expect(p.asked.map((a) => [a.what, a.message, a.refusal?.code ?? null])).toEqual([
      ['short_ship', needs!.message, null],
      ['short_ship', needs!.message, 'wrong_credentials'],
      ['short_ship', needs!.message, 'forbidden'],
    ]);
    expect(p.closed()).toBe(1);
  });

  it('changes nothing when the person gives up (Esc)', async () => {
    const c = core(needs!, 'never');
    const p = person(null);
    expect(await withApproval('take_apart', c.call, p.prompt)).toEqual({ done: false });
    expect(c.sent, 'not sent again').toEqual([null]);
    expect(p.closed()).toBe(1);
  });

  it('throws any other refusal as it came, closing the dialog', async () => {
    const gone = new IpcError('invalid_transition', 'cannot move the order from shipped to ready');
    const c = core(needs!, gone);
    const p = person(PIN);
    await expect(withApproval('short_ship', c.call, p.prompt)).rejects.toBe(gone);
    expect(p.closed()).toBe(1);
    const first = core(wrong!);
    const q = person(PIN);
    await expect(
      withApproval('short_ship', first.call, q.prompt),
      'a wrong PIN before anyone asked is no question',
    ).rejects.toBe(wrong);
    expect(q.asked).toEqual([]);
  });
});

describe('the approval dialog’s gate', () => {
  it('opens on a question, checks while core answers, shows a refusal in words, closes', async () => {
    const gate = new ApprovalGate();
    expect(get(gate)).toBeNull();
    const first = gate.ask({ what: 'short_ship', message: needs!.message, refusal: null });
    expect(get(gate)).toMatchObject({ what: 'short_ship', refusal: null, checking: false });
    gate.give(WRONG);
    expect(get(gate)?.checking, 'core checks the PIN').toBe(true);
    expect(await first).toEqual(WRONG);
    const again = gate.ask({ what: 'short_ship', message: needs!.message, refusal: wrong! });
    expect(get(gate)?.refusal).toEqual({
      key: 'signin.wrongPin',
      params: { n: '1', max: '10', minutes: '15' },
    });
    expect(get(gate)?.checking).toBe(false);
    gate.cancel();
    expect(await again, 'Esc').toBeNull();
    expect(get(gate)).toBeNull();
    const third = gate.ask({ what: 'release_claim', message: '', refusal: null });
    gate.close();
    expect(await third, 'closed from outside: given up').toBeNull();
    expect(get(gate)).toBeNull();
  });
});
