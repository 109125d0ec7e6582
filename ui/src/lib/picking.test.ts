import { afterEach, describe, expect, it, vi } from 'vitest';
import { PickingStation, currentBin } from './picking';
import { ipc } from './ipc';
import type { PickList, PickScanResult } from './bindings';
import { endReplay, flow, replay, reply } from '../test/backend';

afterEach(() => endReplay());

// picking.json: a pick list of the next confirmed order (1001); the first
// bin is confirmed, its item picked, an item of another bin scanned there,
// the other lines short-picked, the list completed. The screen makes the
// list and shows it (`created`), as the picking screen does.
const list = reply<PickList>('picking', 'create_pick_list');
const scans = flow('picking').steps.filter((s) => s.cmd === 'pick_scan');
const [first, second] = list.lines;
const codeOf = (outcome: PickScanResult['outcome']) =>
  scans.find((s) => (s.ok as PickScanResult).outcome === outcome)!.args.code as string;

function station(sound = vi.fn()) {
  let n = 0;
  return new PickingStation({ ipc, sound, newScanId: () => `scan-${++n}` });
}

async function created(s: PickingStation) {
  s.show(await ipc.createPickList({ next: 1 }));
}

describe('the pick-list walk', () => {
  it('sends the confirmed bin with every item scan after it', async () => {
    const b = replay('picking');
    const sound = vi.fn();
    const s = station(sound);
    await created(s);
    expect(currentBin(s.state), 'before any scan: the first bin with work').toBe(first!.bin);
    await s.scan(first!.bin);
    const pickScans = () => b.calls.filter((c) => c.cmd === 'pick_scan').map((c) => c.args);
    expect(pickScans(), 'a bin is scanned with no bin before it').toEqual([
      { id: list.id, bin: null, code: first!.bin, scanId: 'scan-1' },
    ]);
    expect(s.state.bin).toBe(first!.bin);
    const item = codeOf('picked');
    await s.scan(item);
    expect(pickScans().at(-1), 'the item scan carries the bin').toEqual({
      id: list.id,
      bin: first!.bin,
      code: item,
      scanId: 'scan-2',
    });
    expect(s.state.list?.lines[0]?.picked).toBe(1);
    expect(s.state.banner).toMatchObject({ tone: 'good', outcome: 'picked' });
    expect(sound).toHaveBeenLastCalledWith('good');
  });

  it('refuses an item from the wrong bin and names the right one', async () => {
    replay('picking');
    const s = station();
    await created(s);
    await s.scan(first!.bin);
    for (let i = 0; i < first!.quantity; i++) await s.scan(codeOf('picked'));
    const before = s.state.list?.lines.map((l) => l.picked);
    await s.scan(codeOf('wrong_bin'));
    expect(
      s.state.list?.lines.map((l) => l.picked),
      'nothing picked',
    ).toEqual(before);
    expect(s.state.banner).toMatchObject({
      tone: 'bad',
      outcome: 'wrong_bin',
      msg: { key: 'pick.wrong_bin', params: { sku: second!.sku, expected_bin: second!.bin } },
    });
  });

  it('records a short pick with its reason and completes the list', async () => {
    const b = replay('picking');
    const s = station();
    await created(s);
    await s.scan(first!.bin);
    for (let i = 0; i < first!.quantity; i++) await s.scan(codeOf('picked'));
    for (const line of list.lines.slice(1)) await s.shortPick(line.id, 'нет на месте');
    expect(b.calls.find((c) => c.cmd === 'short_pick')?.args).toEqual({
      id: list.id,
      lineId: second!.id,
      reason: 'нет на месте',
    });
    const shorted = s.state.list?.lines.find((l) => l.id === second!.id);
    expect(shorted).toMatchObject({ short: second!.quantity, short_reason: 'нет на месте' });
    await s.complete();
    expect(s.state.list?.status).toBe('done');
    expect(s.state.banner?.outcome).toBe('completed');
  });

  it('asks for a list before scanning', async () => {
    const b = replay('picking');
    const s = station();
    await s.scan(first!.bin);
    expect(b.calls, 'nothing is sent').toEqual([]);
    expect(s.state.banner?.msg.key).toBe('pick.noList');
  });

  it('opens a list made before by its number', async () => {
    const b = replay('picking');
    await ipc.createPickList({ next: 1 });
    const s = station();
    await s.open(list.id);
    expect(b.calls.filter((c) => c.cmd === 'pick_list')[0]?.args).toEqual({ id: list.id });
    expect(s.state.list?.lines.map((l) => l.sku)).toEqual(list.lines.map((l) => l.sku));
    expect(currentBin(s.state)).toBe(first!.bin);
  });
});
