import { afterEach, describe, expect, it, vi } from 'vitest';
import { ipc } from './ipc';
import { PackingStation } from './packing';
import type { ApprovalAsk, ApprovalPrompt } from './approval';
import type { Credential } from './bindings';
import { latestPerKind } from './printing';
import type { Opened, PrintJob, ScanResult, UndoResult } from './bindings';
import {
  deferred,
  endReplay,
  flow,
  refusals,
  replay,
  replies,
  reply,
  type ReplayOptions,
} from '../test/backend';

afterEach(() => endReplay());

// packing.json: Стол 2 packs 1001 straight through (the two-unit line
// first), auto-print queues the invoice (no printer chosen) and fails the
// label (Zebra is out of labels), F8 prints both again, retries, ships.
const claimed = reply<Opened>('packing', 'open_for_packing').order;
const straight = flow('packing').steps.filter((s) => s.cmd === 'record_scan');
const codes = straight.map((s) => s.args.code as string);
const twoUnitLine = claimed.lines.find((l) => l.quantity === 2)!;
const TRACKING = '1084563291';

// packing-detours.json: a wrong item, the two-unit line three times (the
// third is over), an undo, a bad check digit, an unknown product, order
// 1014's number; released, #1015 and a code that is no order.
const detours = replies<ScanResult>('packing-detours', 'record_scan');
const detour = (outcome: ScanResult['outcome']) => detours.find((r) => r.outcome === outcome)!;

/**
 * A supervisor standing by the station: gives these credentials, one per
 * question (null: Esc), and keeps what each question said.
 */
function supervisor(...answers: (Credential | null)[]) {
  const asked: ApprovalAsk[] = [];
  let closed = 0;
  const prompt: ApprovalPrompt = {
    ask: (request) => {
      asked.push(request);
      return Promise.resolve(answers.shift() ?? null);
    },
    close: () => void closed++,
  };
  return { prompt, asked, closed: () => closed };
}

const MARIA_PIN: Credential = { kind: 'secret', login: 'maria', secret: '2222' };
const MARIA_BADGE: Credential = { kind: 'badge', code: 'BADGE-0002' };

function makeStation(autoFinish = true, approval?: ApprovalPrompt) {
  const sound = vi.fn();
  let n = 0;
  const station = new PackingStation({
    ipc,
    autoFinish: () => autoFinish,
    sound,
    newScanId: () => `scan-${++n}`,
    approval,
  });
  return { station, sound };
}

/** Flow `name` replayed, and a station with order 1001 open. */
async function opened(
  name: string,
  autoFinish = true,
  options: ReplayOptions = {},
  approval?: ApprovalPrompt,
) {
  const backend = replay(name, options);
  const made = makeStation(autoFinish, approval);
  await made.station.scan('1001');
  return { backend, ...made };
}

/** packing.json up to the hand-over: every unit scanned, auto-finished. */
async function handedOver(options: ReplayOptions = {}) {
  const made = await opened('packing', true, options);
  for (const code of codes) await made.station.scan(code);
  expect(made.station.state.phase).toBe('handover');
  await made.station.refreshPrints();
  return made;
}

const sent = (b: { calls: { cmd: string; args: unknown }[] }, cmd: string) =>
  b.calls.filter((c) => c.cmd === cmd).map((c) => c.args);

// packing-ready.json: the demo's first ready order scanned at an idle
// station; taken apart without a reason (refused), then with one.
const readyNumber = flow('packing-ready').steps.find((s) => s.cmd === 'open_for_packing')!.args
  .number as string;

describe('a packed order at the packing station', () => {
  it('opens at the hand-over and stays ready; nothing is claimed or printed', async () => {
    const backend = replay('packing-ready');
    const { station } = makeStation();
    await station.scan(readyNumber);
    expect(station.state.phase, 'the hand-over, not packing').toBe('handover');
    expect(station.state.order?.status).toBe('ready');
    expect(station.state.order?.claimed_station ?? null).toBeNull();
    expect(sent(backend, 'finish_packing'), 'no second finish, so no second print').toEqual([]);
    expect(sent(backend, 'print_order_documents')).toEqual([]);
  });

  it('is taken apart only with a reason and a supervisor, then packs again here', async () => {
    const backend = replay('packing-ready');
    const maria = supervisor(MARIA_BADGE);
    const { station, sound } = makeStation(true, maria.prompt);
    await station.scan(readyNumber);
    await station.takeApart(' ');
    expect(station.state.phase, 'refused without a reason').toBe('handover');
    expect(station.state.banner?.tone).toBe('bad');
    expect(sound).toHaveBeenLastCalledWith('bad');
    expect(maria.asked, 'no reason: nothing to approve yet').toEqual([]);
    await station.takeApart('коробка мала');
    expect(maria.asked.map((a) => [a.what, a.refusal])).toEqual([['take_apart', null]]);
    expect(sent(backend, 'take_apart').slice(-2)).toEqual([
      { number: readyNumber, reason: 'коробка мала', approval: null },
      { number: readyNumber, reason: 'коробка мала', approval: MARIA_BADGE },
    ]);
    expect(maria.closed(), 'the dialog closes once it went through').toBe(1);
    expect(station.state.phase).toBe('packing');
    expect(station.state.order?.status).toBe('packing');
    expect(station.state.banner?.outcome).toBe('taken_apart');
    expect(station.state.order?.events.at(-1)).toMatchObject({
      kind: 'taken_apart',
      approved_by: 'Мария Иванова',
    });
  });

  it('stays packed when nobody approves taking it apart (Esc)', async () => {
    const backend = replay('packing-ready');
    const nobody = supervisor(null);
    const { station } = makeStation(true, nobody.prompt);
    await station.scan(readyNumber);
    await station.takeApart('коробка мала');
    expect(nobody.asked).toHaveLength(1);
    expect(sent(backend, 'take_apart'), 'asked once, not sent again').toHaveLength(1);
    expect(station.state.phase).toBe('handover');
    expect(station.state.order?.status).toBe('ready');
    expect(station.state.banner).toMatchObject({
      tone: 'info',
      outcome: 'not_approved',
      msg: { key: 'approval.cancelled' },
    });
  });

  it('is put aside without a call to core: it stays packed', async () => {
    const backend = replay('packing-ready');
    const { station } = makeStation();
    await station.scan(readyNumber);
    const before = backend.calls.length;
    await station.putAside();
    expect(station.state.phase).toBe('idle');
    expect(station.state.order).toBeNull();
    expect(backend.calls.slice(before).map((c) => c.cmd)).toEqual([]);
  });
});

describe('the packing station', () => {
  it('opens the scanned order when none is open', async () => {
    const { station, backend } = await opened('packing');
    expect(sent(backend, 'open_for_packing')).toEqual([{ number: '1001' }]);
    expect(station.state.phase).toBe('packing');
    expect(station.state.order?.number).toBe('1001');
    expect(station.state.order?.claimed_station).toBe('Стол 2');
    expect(station.state.banner?.outcome).toBe('opened');
  });

  it('updates the line at once from an accepted scan', async () => {
    const { station, sound, backend } = await opened('packing');
    await station.scan(codes[0]!);
    expect(sent(backend, 'record_scan')).toEqual([
      { number: '1001', code: codes[0], scanId: 'scan-1' },
    ]);
    const s = station.state;
    const line = s.order?.lines.find((l) => l.id === twoUnitLine.id);
    expect(line?.packed, 'the scanned line counts one more').toBe(1);
    expect(s.order?.packed, 'and so does the order').toBe(1);
    expect(s.lastLineId, 'the changed line is marked').toBe(twoUnitLine.id);
    expect(s.banner).toMatchObject({ tone: 'good', outcome: 'accepted', code: codes[0] });
    expect(sound).toHaveBeenLastCalledWith('good');
  });

  it('leaves the lines alone and shows a refusal for a wrong item', async () => {
    const wrong = detour('wrong_item') as Extract<ScanResult, { outcome: 'wrong_item' }>;
    const { station, sound } = await opened('packing-detours');
    const before = station.state.order?.lines.map((l) => l.packed);
    await station.scan(wrong.code);
    expect(
      station.state.order?.lines.map((l) => l.packed),
      'nothing was packed',
    ).toEqual(before);
    expect(station.state.banner).toMatchObject({
      tone: 'bad',
      outcome: 'wrong_item',
      msg: { key: 'scan.wrong_item', params: { name: wrong.name, sku: wrong.sku } },
    });
    expect(sound).toHaveBeenLastCalledWith('bad');
  });

  it('refuses an over-scan and marks the full line, packing nothing more', async () => {
    const { station, sound } = await opened('packing-detours');
    const two = detour('over_scan').code;
    await station.scan(two);
    await station.scan(two);
    await station.scan(two);
    const line = station.state.order?.lines.find((l) => l.id === twoUnitLine.id);
    expect(line?.packed, 'still two of two').toBe(2);
    expect(station.state.banner).toMatchObject({
      tone: 'bad',
      outcome: 'over_scan',
      lineId: twoUnitLine.id,
      msg: { key: 'scan.over_scan', params: { packed: 2, ordered: 2 } },
    });
    expect(sound).toHaveBeenLastCalledWith('bad');
  });

  it('finishes by itself when the order is complete and auto-finish is on', async () => {
    const { station, sound, backend } = await opened('packing', true);
    for (const code of codes) await station.scan(code);
    expect(sent(backend, 'finish_packing')).toEqual([
      { number: '1001', shortReason: null, approval: null },
    ]);
    expect(station.state.phase, 'on to the hand-over').toBe('handover');
    expect(station.state.order?.status).toBe('ready');
    expect(station.state.carrier, "the order's delivery method is the default carrier").toBe(
      'СДЭК',
    );
    expect(sound).toHaveBeenCalledWith('done');
  });

  it('waits for F9 when auto-finish is off', async () => {
    const { station, backend } = await opened('packing', false);
    for (const code of codes) await station.scan(code);
    expect(sent(backend, 'finish_packing')).toEqual([]);
    expect(station.state.banner?.msg.key).toBe('scan.allPacked');
    await station.finish();
    expect(sent(backend, 'finish_packing')).toHaveLength(1);
    expect(station.state.phase).toBe('handover');
  });

  it('records two quick scans strictly one after the other, showing both', async () => {
    const held: (() => void)[] = [];
    const { station, backend } = await opened('packing', true, {
      around: (call, answer) => {
        if (call.cmd !== 'record_scan') return answer();
        const gate = deferred();
        held.push(gate.resolve);
        const reply = answer();
        return gate.promise.then(() => reply);
      },
    });
    const first = station.scan(codes[0]!);
    const second = station.scan(codes[1]!);
    await vi.waitFor(() => expect(held).toHaveLength(1));
    expect(sent(backend, 'record_scan'), 'the second scan waits for the first').toHaveLength(1);
    expect(station.state.pending).toBe(2);
    held[0]!();
    await first;
    const packed = () => station.state.order?.lines.find((l) => l.id === twoUnitLine.id)?.packed;
    expect(packed()).toBe(1);
    await vi.waitFor(() => expect(held).toHaveLength(2));
    held[1]!();
    await second;
    expect(packed(), 'both scans counted').toBe(2);
    expect(
      sent(backend, 'record_scan').map((a) => (a as { scanId: string }).scanId),
      'each scan has its own id',
    ).toEqual(['scan-1', 'scan-2']);
  });

  it('switches to another order when the scan is an order number, not a product', async () => {
    const { station, backend } = await opened('packing-detours');
    await station.scan('1014');
    expect(sent(backend, 'find_order')).toContainEqual({ code: '1014' });
    expect(sent(backend, 'open_for_packing').at(-1)).toEqual({ number: '1014' });
    expect(station.state.order?.number).toBe('1014');
    expect(station.state.banner?.outcome).toBe('switched');
  });

  it('says so when an unknown barcode is no order either', async () => {
    const unknown = detour('unknown_barcode').code;
    const { station } = await opened('packing-detours');
    await station.scan(unknown);
    expect(station.state.order?.number, 'the order stays open').toBe('1001');
    expect(station.state.banner).toMatchObject({
      tone: 'bad',
      outcome: 'unknown_barcode',
      msg: { params: { code: unknown } },
    });
  });

  it('names a code with a bad check digit as such', async () => {
    const invalid = detour('invalid_barcode') as Extract<
      ScanResult,
      { outcome: 'invalid_barcode' }
    >;
    const { station } = await opened('packing-detours');
    await station.scan(invalid.code);
    expect(station.state.banner).toMatchObject({
      tone: 'bad',
      outcome: 'invalid_barcode',
      msg: { key: 'scan.invalid_barcode', params: { reason: invalid.reason } },
    });
  });

  it('looks the code up when an idle scan is no order number', async () => {
    const backend = replay('packing-detours');
    const { station } = makeStation();
    await station.scan('#1015');
    expect(sent(backend, 'find_order')).toEqual([{ code: '#1015' }]);
    expect(station.state.order?.number, "a label's barcode names the order").toBe('1015');
    await station.release();
    expect(station.state.order).toBeNull();
    await station.scan('nonsense');
    expect(station.state.order).toBeNull();
    expect(station.state.banner).toMatchObject({ tone: 'bad', outcome: 'order_not_found' });
  });

  it('shows a backend refusal with its code, not a crash', async () => {
    const backend = replay('packing-taken');
    backend.elsewhere(); // Стол 1 claims 1001
    const { station } = makeStation();
    await station.scan('1001');
    expect(station.state.phase).toBe('idle');
    expect(station.state.banner).toMatchObject({
      tone: 'bad',
      outcome: 'error',
      msg: {
        key: 'scan.error',
        params: {
          error: { key: 'error.conflict' },
          message: refusals('packing-taken', 'open_for_packing')[0]!.message,
        },
      },
    });
  });

  it('follows the open order when another station takes it, and packs nothing then', async () => {
    const backend = replay('packing-taken');
    backend.elsewhere(); // Стол 1 claims 1001
    const { station } = makeStation();
    await station.scan('1014');
    const code = flow('packing-taken').steps.find((s) => s.cmd === 'record_scan')!.args.code;
    backend.elsewhere(); // a supervisor releases 1014
    station.ordersChanged(['1014']);
    await vi.waitFor(() => expect(station.state.order?.claimed_station).toBeNull());
    await station.scan(code as string);
    expect(station.state.banner).toMatchObject({
      tone: 'bad',
      outcome: 'not_claimed',
      msg: { key: 'scan.not_claimed_free', params: { number: '1014' } },
    });
    backend.elsewhere(); // Стол 1 claims 1014
    station.ordersChanged(['1014']);
    await vi.waitFor(() => expect(station.state.order?.claimed_station).toBe('Стол 1'));
    await station.scan(code as string);
    expect(station.state.banner).toMatchObject({
      outcome: 'not_claimed',
      msg: { key: 'scan.not_claimed', params: { number: '1014', held_by: 'Стол 1' } },
    });
    expect(station.state.order?.packed, 'nothing was packed').toBe(0);
  });

  it('ships a ready order with the scanned tracking number, then waits for the next', async () => {
    const { station, backend } = await handedOver();
    await station.scan(TRACKING);
    expect(sent(backend, 'ship_order')).toEqual([
      { number: '1001', carrier: 'СДЭК', tracking: TRACKING },
    ]);
    expect(station.state.phase).toBe('idle');
    expect(station.state.banner?.outcome).toBe('shipped');
    expect(station.state.lastShipped).toEqual({
      number: '1001',
      carrier: 'СДЭК',
      tracking: TRACKING,
    });
  });

  it('lets digits pick the carrier, and refuses to ship without one', async () => {
    const { station, backend } = await handedOver();
    station.chooseCarrier(null);
    await station.scan(TRACKING);
    expect(sent(backend, 'ship_order')).toEqual([]);
    expect(station.state.banner?.outcome).toBe('choose_carrier');
    station.chooseCarrierByIndex(3);
    expect(station.state.carrier).toBe(station.state.carriers[2]);
    station.chooseCarrierByIndex(1);
    expect(station.state.carrier).toBe('СДЭК');
    await station.scan(TRACKING);
    expect(sent(backend, 'ship_order')).toEqual([
      { number: '1001', carrier: 'СДЭК', tracking: TRACKING },
    ]);
  });

  it('lets a carrier key choose only at the hand-over it was pressed at', async () => {
    const { station } = await handedOver();
    // The key's moment passes at this hand-over: it chooses.
    station.chooseCarrierByIndex(3, '1001');
    expect(station.state.carrier).toBe(station.state.carriers[2]);
    station.chooseCarrierByIndex(1, '1001');
    expect(station.state.carrier).toBe('СДЭК');
    // Pressed at another order's hand-over: by now this one is open, and
    // that key is not its packer's choice.
    station.chooseCarrierByIndex(3, '1002');
    expect(station.state.carrier, 'a key pressed for another order').toBe('СДЭК');
    await station.scan(TRACKING);
    expect(station.state.phase).toBe('idle');
    // Counted after the order shipped: the next order starts with none chosen.
    station.chooseCarrierByIndex(3, '1001');
    expect(station.state.carrier, 'a key pressed at a hand-over that is over').toBeNull();
  });

  it('undoes the last scan on the line it changed', async () => {
    const undone = reply<UndoResult>('packing-detours', 'undo_last_scan');
    const { station, backend } = await opened('packing-detours');
    const two = detour('over_scan').code;
    await station.scan(two);
    await station.scan(two);
    await station.undo();
    expect(sent(backend, 'undo_last_scan')).toEqual([{ number: '1001' }]);
    const line = station.state.order?.lines.find((l) => l.id === undone.line_id);
    expect(line?.packed).toBe(undone.packed);
    expect(station.state.order?.packed).toBe(undone.packed);
    expect(station.state.banner?.outcome).toBe('undone');
  });

  it('ships short only with a reason, approved by a supervisor', async () => {
    const maria = supervisor(MARIA_PIN);
    const { station, backend } = await opened('packing-short', true, {}, maria.prompt);
    const code = flow('packing-short').steps.find((s) => s.cmd === 'record_scan')!.args.code;
    await station.scan(code as string);
    await station.finish();
    expect(station.state.phase, 'refused: still packing').toBe('packing');
    expect(station.state.banner).toMatchObject({
      tone: 'bad',
      msg: { params: { error: { key: 'error.refused' } } },
    });
    expect(maria.asked, 'a refusal is no question for a supervisor').toEqual([]);
    await station.finish('нет на складе');
    expect(sent(backend, 'finish_packing')).toEqual([
      { number: '1001', shortReason: null, approval: null },
      { number: '1001', shortReason: 'нет на складе', approval: null },
      { number: '1001', shortReason: 'нет на складе', approval: MARIA_PIN },
    ]);
    expect(maria.asked).toEqual([
      {
        what: 'short_ship',
        message: refusals('packing-short', 'finish_packing')[1]!.message,
        refusal: null,
      },
    ]);
    expect(station.state.phase).toBe('handover');
    expect(station.state.order?.short_reason).toBe('нет на складе');
  });

  it('drops a background refresh that a newer scan overtook', async () => {
    const refreshes: (() => void)[] = [];
    const { station } = await opened('packing', true, {
      around: (call, answer) => {
        if (call.cmd !== 'order_detail') return answer();
        const gate = deferred();
        refreshes.push(gate.resolve);
        const reply = answer();
        return gate.promise.then(() => reply);
      },
    });
    const packed = () => station.state.order?.lines.find((l) => l.id === twoUnitLine.id)?.packed;
    await station.scan(codes[0]!); // the queue empties: a refresh starts
    await station.scan(codes[1]!); // a newer change lands before it answers
    expect(refreshes.length).toBeGreaterThanOrEqual(2);
    refreshes.at(-2)!(); // the refresh from before the second scan answers late
    await new Promise((r) => setTimeout(r, 0));
    expect(packed(), 'the late refresh does not roll back').toBe(2);
    expect(station.state.order?.scans, 'nor is it applied').toEqual([]);
    refreshes.at(-1)!(); // the refresh started after the second scan is current
    await vi.waitFor(() => expect(station.state.order?.scans).toHaveLength(2));
    expect(packed()).toBe(2);
  });

  it('refreshes the open order when another station changed it', async () => {
    const backend = replay('packing-taken');
    backend.elsewhere();
    const { station } = makeStation();
    await station.scan('1014');
    expect(station.state.order?.claimed_station).toBe('Стол 2');
    backend.elsewhere(); // a supervisor releases 1014
    station.ordersChanged(['1014']);
    await vi.waitFor(() => expect(station.state.order?.status).toBe('confirmed'));
    expect(station.state.order?.events.at(-1)?.kind).toBe('claim_released');
  });
});

describe('a scan the database did not answer', () => {
  // What a command answers while the database server is out of reach.
  const down = refusals('database-down', 'print_jobs')[0]!;
  const scanIds = (b: { calls: { cmd: string; args: unknown }[] }) =>
    sent(b, 'record_scan').map((a) => (a as { scanId: string }).scanId);

  it('scanned again goes under the same id, so it is counted once if it was recorded after all', async () => {
    let fail = 1;
    const { backend, station } = await opened('packing', true, {
      around: (call, answer) =>
        call.cmd === 'record_scan' && fail-- > 0 ? Promise.reject(down) : answer(),
    });
    await station.scan(codes[0]!);
    expect(station.state.banner?.tone, 'the packer is told it failed').toBe('bad');
    await station.scan(codes[0]!);
    expect(station.state.banner?.outcome).toBe('accepted');
    // The two-unit line's second unit: a scan of its own.
    await station.scan(codes[0]!);
    expect(scanIds(backend), 'the retry repeats the id; the next scan has its own').toEqual([
      'scan-1',
      'scan-1',
      'scan-2',
    ]);
  });

  it('is forgotten when another code is scanned next', async () => {
    let fail = 1;
    const { backend, station } = await opened('packing', true, {
      around: (call, answer) =>
        call.cmd === 'record_scan' && fail-- > 0 ? Promise.reject(down) : answer(),
    });
    const other = codes.find((c) => c !== codes[0])!;
    await station.scan(codes[0]!);
    await station.scan(other);
    expect(scanIds(backend)).toEqual(['scan-1', 'scan-2']);
  });
});

describe('printing at the packing station', () => {
  it('prints the invoice and the label again with F8 and shows how each went', async () => {
    const { station, sound, backend } = await handedOver();
    sound.mockClear();
    await station.printAgain();
    expect(sent(backend, 'print_order_documents')).toEqual([{ number: '1001' }]);
    expect(
      latestPerKind(station.state.prints).map((j) => [j.kind, j.status]),
      'the newest of each document in the strip',
    ).toEqual([
      ['label', 'failed'],
      ['invoice', 'queued'],
    ]);
    expect(station.state.printing).toBe(false);
    expect(sound, 'the label failed again: the packer hears it').toHaveBeenCalledWith('bad');
  });

  it('never makes a scan wait for a slow printer', async () => {
    const printed = deferred();
    const { station, backend } = await opened('packing-short', true, {
      around: (call, answer) => {
        if (call.cmd !== 'print_order_documents') return answer();
        const reply = answer();
        return printed.promise.then(() => reply);
      },
    });
    const code = flow('packing-short').steps.find((s) => s.cmd === 'record_scan')!.args.code;
    const printing = station.printAgain();
    expect(station.state.printing, 'the print is on its way').toBe(true);
    await station.scan(code as string);
    expect(sent(backend, 'record_scan'), 'the scan went through meanwhile').toHaveLength(1);
    expect(station.state.order?.packed).toBe(1);
    printed.resolve();
    await printing;
    expect(station.state.printing).toBe(false);
    expect(station.state.prints.map((j) => j.kind).sort()).toEqual(['invoice', 'label']);
  });

  it('shows a failed auto-print loudly, once, and still ships', async () => {
    const { station, sound } = await handedOver();
    expect(
      station.state.prints.map((j) => [j.kind, j.status]),
      'auto-print: the label failed, the invoice waits for a printer',
    ).toEqual([
      ['label', 'failed'],
      ['invoice', 'queued'],
    ]);
    expect(sound, 'a failed print sounds like a refusal').toHaveBeenCalledWith('bad');
    expect(station.state.banner?.outcome, 'the scan banner is left alone').toBe('finished');
    sound.mockClear();
    station.ordersChanged(['1001']);
    await station.refreshPrints();
    expect(sound, 'the same failure sounds once').not.toHaveBeenCalled();
    await station.scan(TRACKING);
    expect(station.state.phase, 'a failed label does not block the hand-over').toBe('idle');
    expect(station.state.prints, "the shipped order's jobs leave with it").toEqual([]);
  });

  it('does not ask for print jobs on every scan while packing with nothing printed', async () => {
    const { station, backend } = await opened('packing');
    await vi.waitFor(() => expect(sent(backend, 'order_print_jobs')).toHaveLength(1));
    await station.scan(codes[0]!);
    station.ordersChanged(['1001']);
    station.ordersChanged(['1002']);
    await station.settled();
    expect(sent(backend, 'order_print_jobs'), 'only the look when the order opened').toHaveLength(
      1,
    );
  });

  it('retries a failed job on its own printer, and a waiting one on the printer chosen since', async () => {
    const { station, backend } = await handedOver();
    await station.printAgain();
    const [invoice, label] = reply<PrintJob[]>('packing', 'print_order_documents');
    await station.retryPrint(label!.id);
    expect(sent(backend, 'retry_print_job').at(-1), 'Zebra again').toEqual({
      id: label!.id,
      printer: null,
    });
    // At the settings screen the packer chooses a printer for invoices.
    const settings = await ipc.printSettings();
    await ipc.savePrintSettings({
      ...settings,
      invoice: { ...settings.invoice, printer: 'VirtualPDF' },
    });
    await station.retryPrint(invoice!.id);
    expect(
      sent(backend, 'retry_print_job').at(-1),
      "the station's invoice printer, chosen since",
    ).toEqual({ id: invoice!.id, printer: 'VirtualPDF' });
    expect(station.state.prints.find((j) => j.id === invoice!.id)).toMatchObject({
      status: 'sent',
      printer: 'VirtualPDF',
    });
  });

  it('sounds when a retry fails again: the packer pressed it and must hear the answer', async () => {
    const { station, sound } = await handedOver();
    await station.printAgain();
    const [, label] = reply<PrintJob[]>('packing', 'print_order_documents');
    sound.mockClear();
    await station.retryPrint(label!.id);
    const retried = station.state.prints.find((j) => j.id === label!.id);
    expect(retried).toMatchObject({ status: 'failed', attempts: 2 });
    expect(retried?.message).toBe('printer Zebra is stopped: out of labels');
    expect(sound).toHaveBeenCalledWith('bad');
  });

  it('does not sound twice for a failure the change feed has shown already', async () => {
    const printed = deferred();
    const { station, sound } = await handedOver({
      around: (call, answer) => {
        if (call.cmd !== 'print_order_documents') return answer();
        const reply = answer();
        return printed.promise.then(() => reply);
      },
    });
    const pressed = station.printAgain();
    // The label fails fast and the feed shows it while the request is out.
    sound.mockClear();
    await station.refreshPrints();
    expect(sound).toHaveBeenCalledTimes(1);
    printed.resolve();
    await pressed;
    expect(sound, 'the same failure is not sounded again').toHaveBeenCalledTimes(1);
  });

  it('says why a print request was refused, without covering the scan banner', async () => {
    // What every command answers while the database is down (recorded).
    const down = refusals('database-down', 'print_jobs')[0]!;
    const { station, sound } = await handedOver({
      around: (call, answer) =>
        call.cmd === 'print_order_documents' ? Promise.reject(down) : answer(),
    });
    await station.printAgain();
    expect(station.state.printError).toMatchObject({
      key: 'print.error',
      params: { error: { key: 'error.unavailable' }, message: down.message },
    });
    expect(station.state.banner?.outcome).toBe('finished');
    expect(sound).toHaveBeenLastCalledWith('bad');
  });

  it("drops a late answer about the last order's jobs", async () => {
    let hold = false;
    const late = deferred();
    const { station } = await handedOver({
      around: (call, answer) => {
        if (call.cmd !== 'order_print_jobs' || !hold) return answer();
        const reply = answer();
        return late.promise.then(() => reply);
      },
    });
    expect(station.state.prints).toHaveLength(2);
    hold = true;
    const refresh = station.refreshPrints();
    await station.scan(TRACKING);
    expect(station.state.order, 'shipped: nothing open').toBeNull();
    late.resolve();
    await refresh;
    expect(station.state.prints, "1001's jobs stay out of the next order's strip").toEqual([]);
  });
});

// approval.json: Анна (a packer) ships 1001 short; core asks for a
// supervisor, refuses a wrong PIN and Анна Петрова's badge (a packer's),
// takes Мария's PIN. Then 1014, open at Стол 2, is released elsewhere and
// claimed by Стол 1; Анна's Release needs Мария's badge.
describe("a supervisor's approval at the packing station", () => {
  const WRONG: Credential = { kind: 'secret', login: 'maria', secret: '0000' };
  const PACKERS_BADGE: Credential = { kind: 'badge', code: 'BADGE-0003' };

  it('asks again after a wrong PIN and a packer’s badge, and ships short with the PIN', async () => {
    const maria = supervisor(WRONG, PACKERS_BADGE, MARIA_PIN);
    const { station, backend } = await opened('approval', true, {}, maria.prompt);
    const code = flow('approval').steps.find((s) => s.cmd === 'record_scan')!.args.code;
    await station.scan(code as string);
    await station.finish('нет на складе');
    expect(
      maria.asked.map((a) => a.refusal?.code ?? null),
      'asked, then asked again with why',
    ).toEqual([null, 'wrong_credentials', 'forbidden']);
    expect(maria.asked.every((a) => a.what === 'short_ship')).toBe(true);
    expect(maria.asked[2]!.message, "core's words stay the first question's").toBe(
      maria.asked[0]!.message,
    );
    expect(
      sent(backend, 'finish_packing').map((a) => (a as { approval: unknown }).approval),
    ).toEqual([null, WRONG, PACKERS_BADGE, MARIA_PIN]);
    expect(maria.closed()).toBe(1);
    expect(station.state.phase).toBe('handover');
    expect(station.state.order?.events.at(-1)).toMatchObject({
      kind: 'packed_short',
      user: 'Анна',
      approved_by: 'Мария Иванова',
    });
  });

  it('releases an order another station took, with the supervisor’s badge', async () => {
    const backend = replay('approval');
    const maria = supervisor(MARIA_BADGE);
    const { station } = makeStation(true, maria.prompt);
    await station.scan('1014');
    expect(station.state.order?.claimed_station).toBe('Стол 2');
    backend.elsewhere(); // a supervisor releases 1014 at Стол 5
    backend.elsewhere(); // Стол 1 claims it
    await station.release();
    expect(maria.asked.map((a) => a.what)).toEqual(['release_claim']);
    expect(sent(backend, 'release_claim')).toEqual([
      { number: '1014', approval: null },
      { number: '1014', approval: MARIA_BADGE },
    ]);
    expect(station.state.order).toBeNull();
    expect(station.state.banner?.outcome).toBe('released');
  });

  it('gives up without a dialog: nothing is sent again, the order stays open', async () => {
    const backend = replay('approval');
    const { station } = makeStation(true);
    await station.scan('1014');
    backend.elsewhere();
    backend.elsewhere();
    await station.release();
    expect(sent(backend, 'release_claim')).toEqual([{ number: '1014', approval: null }]);
    expect(station.state.order?.number).toBe('1014');
    expect(station.state.banner?.outcome).toBe('not_approved');
  });
});
