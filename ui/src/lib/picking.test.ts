import { describe, expect, it, vi } from 'vitest';
import { PickingStation, currentBin, type PickingIpc } from './picking';
import type { PickList, PickScanResult } from './types';

function list(): PickList {
  return {
    id: 7,
    status: 'open',
    created_at: '2026-11-22T09:00:00Z',
    created_by: 'Анна',
    orders: ['1001', '1002'],
    lines: [
      {
        id: 1,
        bin: 'A-2',
        sku: 'PB-0001',
        name: 'Кружка',
        barcode: '4601234567893',
        quantity: 2,
        picked: 0,
        short: 0,
        short_reason: null,
        orders: ['1001'],
      },
      {
        id: 2,
        bin: 'A-10',
        sku: 'PB-0002',
        name: 'Чайник',
        barcode: null,
        quantity: 1,
        picked: 0,
        short: 0,
        short_reason: null,
        orders: ['1002'],
      },
    ],
  };
}

// The station under test; the fake's pick_list answers with what it holds,
// as the real backend would after the same scans.
let current: PickingStation | null = null;

function fakeIpc(results: PickScanResult[]) {
  current = null;
  const ipc = {
    pickList: vi.fn(async () => current?.state.list ?? list()),
    pickScan: vi.fn(async () => results.shift()!),
    shortPick: vi.fn(async () => {
      const l = list();
      l.lines[1]!.short = 1;
      l.lines[1]!.short_reason = 'нет на месте';
      return l;
    }),
    completePickList: vi.fn(async () => ({ ...list(), status: 'done' as const })),
  };
  return ipc as typeof ipc & PickingIpc;
}

describe('the pick-list walk', () => {
  it('sends the confirmed bin with every item scan after it', async () => {
    const ipc = fakeIpc([
      { outcome: 'bin_confirmed', bin: 'A-2', code: 'A-2', message: '' },
      {
        outcome: 'picked',
        line_id: 1,
        sku: 'PB-0001',
        name: 'Кружка',
        bin: 'A-2',
        picked: 1,
        quantity: 2,
        list_complete: false,
        code: '4601234567893',
        message: '',
      },
    ]);
    const sound = vi.fn();
    const station = (current = new PickingStation({ ipc, sound, newScanId: () => 'id' }));
    await station.open(7);
    expect(currentBin(station.state), 'before any scan: the first bin with work').toBe('A-2');
    await station.scan('A-2');
    expect(ipc.pickScan).toHaveBeenLastCalledWith(7, undefined, 'A-2', 'id');
    expect(station.state.bin).toBe('A-2');
    await station.scan('4601234567893');
    expect(ipc.pickScan, 'the item scan carries the bin').toHaveBeenLastCalledWith(
      7,
      'A-2',
      '4601234567893',
      'id',
    );
    expect(station.state.list?.lines[0]?.picked).toBe(1);
    expect(station.state.banner).toMatchObject({ tone: 'good', outcome: 'picked' });
    expect(sound).toHaveBeenLastCalledWith('good');
  });

  it('refuses an item from the wrong bin and names the right one', async () => {
    const ipc = fakeIpc([
      {
        outcome: 'wrong_bin',
        sku: 'PB-0002',
        name: 'Чайник',
        expected_bin: 'A-10',
        code: 'x',
        message: '',
      },
    ]);
    const station = (current = new PickingStation({ ipc }));
    await station.open(7);
    await station.scan('x');
    expect(station.state.list?.lines.every((l) => l.picked === 0)).toBe(true);
    expect(station.state.banner).toMatchObject({
      tone: 'bad',
      outcome: 'wrong_bin',
      msg: { key: 'pick.wrong_bin', params: { expected_bin: 'A-10' } },
    });
  });

  it('records a short pick with its reason and completes the list', async () => {
    const ipc = fakeIpc([]);
    const station = (current = new PickingStation({ ipc }));
    await station.open(7);
    await station.shortPick(2, 'нет на месте');
    expect(ipc.shortPick).toHaveBeenCalledWith(7, 2, 'нет на месте');
    expect(station.state.list?.lines[1]?.short).toBe(1);
    await station.complete();
    expect(station.state.list?.status).toBe('done');
    expect(station.state.banner?.outcome).toBe('completed');
  });

  it('asks for a list before scanning', async () => {
    const ipc = fakeIpc([]);
    const station = (current = new PickingStation({ ipc }));
    await station.scan('A-2');
    expect(ipc.pickScan).not.toHaveBeenCalled();
    expect(station.state.banner?.msg.key).toBe('pick.noList');
  });
});
