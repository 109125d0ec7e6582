import { describe, expect, it, vi } from 'vitest';
import { IpcError } from './ipc';
import { PackingStation, type PackingIpc } from './packing';
import type { LineRow, OrderDetail, ScanResult } from './types';

function line(id: number, sku: string, quantity: number, packed = 0): LineRow {
  return {
    id,
    position: id,
    product_id: id,
    sku,
    name: `Товар ${sku}`,
    quantity,
    unit_price_minor: 10000,
    discount_minor: 0,
    tax_rate_bp: 2000,
    packed,
    bin: `A-0${id}-1`,
  };
}

function order(number = '1001', status: OrderDetail['status'] = 'packing'): OrderDetail {
  const lines = [line(1, 'PB-0001', 2), line(2, 'PB-0002', 1)];
  return {
    id: 1,
    number,
    channel: 'web',
    customer_name: 'Иванова Мария',
    email: 'm@example.ru',
    phone: '+7 900 000-00-00',
    shipping_address: 'Москва',
    delivery_method: 'СДЭК',
    delivery_cost_minor: 35000,
    currency: 'RUB',
    payment_status: 'paid',
    comment: 'позвонить перед доставкой',
    status,
    status_changed_at: '2026-11-22T10:00:00Z',
    created_at: '2026-11-22T09:00:00Z',
    claimed_station: 'Станция 2',
    claimed_by: 'Анна',
    carrier: null,
    tracking_number: null,
    shipped_at: null,
    short_reason: null,
    lines,
    units: 3,
    packed: 0,
    goods_total_minor: 30000,
    total_minor: 65000,
    events: [],
    scans: [],
  };
}

function accepted(lineId: number, sku: string, packed: number, ordered: number, complete = false) {
  return {
    outcome: 'accepted',
    line_id: lineId,
    sku,
    name: `Товар ${sku}`,
    units: 1,
    packed,
    ordered,
    order_complete: complete,
    code: `code-${sku}`,
    scan_id: 'x',
    duplicate: false,
    message: '',
  } as ScanResult;
}

function fakeIpc(overrides: Partial<PackingIpc> = {}) {
  const ipc = {
    claimOrder: vi.fn(async (n: string) => order(n)),
    findOrder: vi.fn(async () => null as string | null),
    recordScan: vi.fn(async (): Promise<ScanResult> => {
      throw new Error('no scan answer set');
    }),
    // The background refresh: by default a copy of what the station holds.
    orderDetail: vi.fn(async (n: string) => station?.state.order ?? order(n)),
    undoLastScan: vi.fn(),
    finishPacking: vi.fn(async (n: string) => ({ ...order(n, 'ready'), packed: 3 })),
    releaseClaim: vi.fn(async (n: string) => order(n, 'confirmed')),
    shipOrder: vi.fn(async (n: string, carrier: string, tracking: string) => ({
      ...order(n, 'shipped'),
      carrier,
      tracking_number: tracking,
    })),
    carriers: vi.fn(async () => ['Почта России', 'СДЭК', 'Boxberry']),
    ...overrides,
  };
  return ipc as typeof ipc & PackingIpc;
}

let station: PackingStation | null = null;

function makeStation(ipc: PackingIpc, autoFinish = true) {
  const sound = vi.fn();
  let n = 0;
  station = new PackingStation({
    ipc,
    autoFinish: () => autoFinish,
    sound,
    newScanId: () => `scan-${++n}`,
  });
  return { station, sound };
}

async function opened(ipc: PackingIpc, autoFinish = true) {
  const made = makeStation(ipc, autoFinish);
  await made.station.scan('1001');
  return made;
}

describe('the packing station', () => {
  it('opens the scanned order when none is open', async () => {
    const ipc = fakeIpc();
    const { station } = await opened(ipc);
    expect(ipc.claimOrder).toHaveBeenCalledWith('1001');
    expect(station.state.phase).toBe('packing');
    expect(station.state.order?.number).toBe('1001');
    expect(station.state.banner?.outcome).toBe('opened');
  });

  it('updates the line at once from an accepted scan', async () => {
    const ipc = fakeIpc({ recordScan: vi.fn(async () => accepted(1, 'PB-0001', 1, 2)) });
    const { station, sound } = await opened(ipc);
    await station.scan('4601234567893');
    expect(ipc.recordScan).toHaveBeenCalledWith('1001', '4601234567893', 'scan-1');
    const s = station.state;
    expect(s.order?.lines[0]?.packed, 'the scanned line counts one more').toBe(1);
    expect(s.order?.packed, 'and so does the order').toBe(1);
    expect(s.lastLineId, 'the changed line is marked').toBe(1);
    expect(s.banner).toMatchObject({ tone: 'good', outcome: 'accepted', code: '4601234567893' });
    expect(sound).toHaveBeenLastCalledWith('good');
  });

  it('leaves the lines alone and shows a refusal for a wrong item', async () => {
    const ipc = fakeIpc({
      recordScan: vi.fn(
        async () =>
          ({
            outcome: 'wrong_item',
            sku: 'PB-0004',
            name: 'Ложка',
            code: '4600000000000',
            scan_id: 'x',
            duplicate: false,
            message: '',
          }) as ScanResult,
      ),
    });
    const { station, sound } = await opened(ipc);
    const before = station.state.order?.lines;
    await station.scan('4600000000000');
    expect(station.state.order?.lines, 'nothing was packed').toEqual(before);
    expect(station.state.banner).toMatchObject({
      tone: 'bad',
      outcome: 'wrong_item',
      msg: { key: 'scan.wrong_item', params: { name: 'Ложка', sku: 'PB-0004' } },
    });
    expect(sound).toHaveBeenLastCalledWith('bad');
  });

  it('finishes by itself when the order is complete and auto-finish is on', async () => {
    const ipc = fakeIpc({ recordScan: vi.fn(async () => accepted(2, 'PB-0002', 1, 1, true)) });
    const { station, sound } = await opened(ipc, true);
    await station.scan('x');
    expect(ipc.finishPacking).toHaveBeenCalledWith('1001', undefined);
    expect(station.state.phase, 'on to the hand-over').toBe('handover');
    expect(station.state.carrier, "the order's delivery method is the default carrier").toBe(
      'СДЭК',
    );
    expect(sound).toHaveBeenLastCalledWith('done');
  });

  it('waits for F9 when auto-finish is off', async () => {
    const ipc = fakeIpc({ recordScan: vi.fn(async () => accepted(2, 'PB-0002', 1, 1, true)) });
    const { station } = await opened(ipc, false);
    await station.scan('x');
    expect(ipc.finishPacking).not.toHaveBeenCalled();
    expect(station.state.banner?.msg.key).toBe('scan.allPacked');
    await station.finish();
    expect(ipc.finishPacking).toHaveBeenCalledTimes(1);
  });

  it('records two quick scans strictly one after the other, showing both', async () => {
    const answers: ((r: ScanResult) => void)[] = [];
    const ipc = fakeIpc({
      recordScan: vi.fn(() => new Promise<ScanResult>((resolve) => answers.push(resolve))),
    });
    const { station } = await opened(ipc);
    const first = station.scan('mug');
    const second = station.scan('mug');
    await Promise.resolve();
    await Promise.resolve();
    expect(ipc.recordScan, 'the second scan waits for the first').toHaveBeenCalledTimes(1);
    expect(station.state.pending).toBe(2);
    answers[0]!(accepted(1, 'PB-0001', 1, 2));
    await first;
    expect(station.state.order?.lines[0]?.packed).toBe(1);
    await vi.waitFor(() => expect(ipc.recordScan).toHaveBeenCalledTimes(2));
    answers[1]!(accepted(1, 'PB-0001', 2, 2));
    await second;
    expect(station.state.order?.lines[0]?.packed, 'both scans counted').toBe(2);
    expect(
      vi.mocked(ipc.recordScan).mock.calls.map((c) => c[2]),
      'each scan has its own id',
    ).toEqual(['scan-1', 'scan-2']);
  });

  it('switches to another order when the scan is an order number, not a product', async () => {
    const ipc = fakeIpc({
      recordScan: vi.fn(
        async () =>
          ({
            outcome: 'unknown_barcode',
            code: '1002',
            scan_id: 'x',
            duplicate: false,
            message: '',
          }) as ScanResult,
      ),
      findOrder: vi.fn(async () => '1002'),
    });
    const { station } = await opened(ipc);
    await station.scan('1002');
    expect(ipc.findOrder).toHaveBeenCalledWith('1002');
    expect(ipc.claimOrder).toHaveBeenLastCalledWith('1002');
    expect(station.state.order?.number).toBe('1002');
    expect(station.state.banner?.outcome).toBe('switched');
  });

  it('says so when an unknown barcode is no order either', async () => {
    const ipc = fakeIpc({
      recordScan: vi.fn(
        async () =>
          ({
            outcome: 'unknown_barcode',
            code: 'ZZZ',
            scan_id: 'x',
            duplicate: false,
            message: '',
          }) as ScanResult,
      ),
    });
    const { station } = await opened(ipc);
    await station.scan('ZZZ');
    expect(station.state.order?.number, 'the order stays open').toBe('1001');
    expect(station.state.banner).toMatchObject({ tone: 'bad', outcome: 'unknown_barcode' });
  });

  it('looks the code up when an idle scan is no order number', async () => {
    const ipc = fakeIpc({
      claimOrder: vi.fn(async (n: string) => {
        if (n !== '1003') throw new IpcError('not_found', `order ${n} not found`);
        return order('1003');
      }),
      findOrder: vi.fn(async (code: string) => (code === 'LBL-1003' ? '1003' : null)),
    });
    const { station } = makeStation(ipc);
    await station.scan('LBL-1003');
    expect(station.state.order?.number, 'a label barcode names the order').toBe('1003');
    await station.release();
    await station.scan('nonsense');
    expect(station.state.order).toBeNull();
    expect(station.state.banner).toMatchObject({ tone: 'bad', outcome: 'order_not_found' });
  });

  it('shows a backend refusal with its code, not a crash', async () => {
    const ipc = fakeIpc({
      claimOrder: vi.fn(async () => {
        throw new IpcError('conflict', 'order 1001 is being packed at Станция 1');
      }),
    });
    const { station } = makeStation(ipc);
    await station.scan('1001');
    expect(station.state.phase).toBe('idle');
    expect(station.state.banner).toMatchObject({
      tone: 'bad',
      outcome: 'error',
      msg: { key: 'scan.error', params: { error: { key: 'error.conflict' } } },
    });
  });

  it('ships a ready order with the scanned tracking number, then waits for the next', async () => {
    const ipc = fakeIpc({ recordScan: vi.fn(async () => accepted(2, 'PB-0002', 1, 1, true)) });
    const { station } = await opened(ipc, true);
    await station.scan('x');
    await station.scan('80012345678901');
    expect(ipc.shipOrder).toHaveBeenCalledWith('1001', 'СДЭК', '80012345678901');
    expect(station.state.phase).toBe('idle');
    expect(station.state.banner?.outcome).toBe('shipped');
    expect(station.state.lastShipped).toEqual({
      number: '1001',
      carrier: 'СДЭК',
      tracking: '80012345678901',
    });
  });

  it('lets digits pick the carrier, and refuses to ship without one', async () => {
    const ipc = fakeIpc({
      recordScan: vi.fn(async () => accepted(2, 'PB-0002', 1, 1, true)),
      carriers: vi.fn(async () => ['Почта России', 'Boxberry']),
    });
    const { station } = await opened(ipc, true);
    await station.scan('x');
    expect(station.state.carrier, 'СДЭК is not offered: no default').toBeNull();
    await station.scan('TRACK1');
    expect(ipc.shipOrder).not.toHaveBeenCalled();
    expect(station.state.banner?.outcome).toBe('choose_carrier');
    station.chooseCarrierByIndex(2);
    expect(station.state.carrier).toBe('Boxberry');
    await station.scan('TRACK1');
    expect(ipc.shipOrder).toHaveBeenCalledWith('1001', 'Boxberry', 'TRACK1');
  });

  it('undoes the last scan on the line it changed', async () => {
    const ipc = fakeIpc({
      recordScan: vi.fn(async () => accepted(1, 'PB-0001', 1, 2)),
      undoLastScan: vi.fn(async () => ({
        code: 'c',
        line_id: 1,
        sku: 'PB-0001',
        units: 1,
        packed: 0,
        ordered: 2,
      })),
    });
    const { station } = await opened(ipc);
    await station.scan('c');
    await station.undo();
    expect(ipc.undoLastScan).toHaveBeenCalledWith('1001');
    expect(station.state.order?.lines[0]?.packed).toBe(0);
    expect(station.state.order?.packed).toBe(0);
    expect(station.state.banner?.outcome).toBe('undone');
  });

  it('ships short only with a reason', async () => {
    const ipc = fakeIpc();
    const { station } = await opened(ipc);
    await station.finish('нет на складе');
    expect(ipc.finishPacking).toHaveBeenCalledWith('1001', 'нет на складе');
  });

  it('drops a background refresh that a newer scan overtook', async () => {
    const refreshes: ((o: OrderDetail) => void)[] = [];
    const ipc = fakeIpc({
      recordScan: vi
        .fn()
        .mockResolvedValueOnce(accepted(1, 'PB-0001', 1, 2))
        .mockResolvedValueOnce(accepted(1, 'PB-0001', 2, 2)),
    });
    const { station } = await opened(ipc);
    vi.mocked(ipc.orderDetail).mockImplementation(
      () => new Promise<OrderDetail>((resolve) => refreshes.push(resolve)),
    );
    await station.scan('a'); // the queue empties: refresh 1 starts
    expect(refreshes).toHaveLength(1);
    await station.scan('b'); // a newer change lands before refresh 1 answers
    const stale = order();
    stale.lines[0]!.packed = 1;
    refreshes[0]!(stale); // refresh 1 answers late, with the state before scan b
    await Promise.resolve();
    await Promise.resolve();
    expect(station.state.order?.lines[0]?.packed, 'the late refresh does not roll back').toBe(2);
    const fresh = order();
    fresh.lines[0]!.packed = 2;
    fresh.comment = 'свежий';
    refreshes[1]!(fresh); // the refresh started after scan b is current
    await vi.waitFor(() => expect(station.state.order?.comment).toBe('свежий'));
  });

  it('refreshes the open order when another station changed it', async () => {
    const ipc = fakeIpc();
    const { station } = await opened(ipc);
    const changed = order();
    changed.comment = 'новый комментарий';
    vi.mocked(ipc.orderDetail).mockResolvedValue(changed);
    station.ordersChanged(['1001']);
    await vi.waitFor(() => expect(station.state.order?.comment).toBe('новый комментарий'));
  });
});
