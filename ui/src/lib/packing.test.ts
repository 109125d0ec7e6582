import { describe, expect, it, vi } from 'vitest';
import { IpcError } from './ipc';
import { PackingStation, type PackingIpc } from './packing';
import type { LineRow, OrderDetail, PrintJob, PrintSettings, ScanResult } from './types';

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

function job(
  id: number,
  kind: PrintJob['kind'],
  status: PrintJob['status'],
  printer: string | null = 'VirtualPDF',
  message = '',
  number = '1001',
): PrintJob {
  return {
    id,
    kind,
    key: { type: 'order', number },
    format: 'pdf',
    paper: kind === 'label' ? 'label_4x6' : 'a4',
    dpi: '203',
    lang: 'ru',
    printer,
    status,
    message,
    cups_job: status === 'sent' ? `${printer}-${id}` : null,
    attempts: status === 'queued' ? 0 : 1,
    created_at: '2026-11-22T10:00:00Z',
    updated_at: '2026-11-22T10:00:01Z',
    station: 'Станция 2',
    user: 'Анна',
  };
}

function printSettings(labelPrinter: string | null): PrintSettings {
  const doc = (paper: 'a4' | 'label_4x6', printer: string | null) => ({
    printer,
    paper,
    format: 'pdf' as const,
    dpi: '203' as const,
    lang: 'ru' as const,
  });
  return {
    auto_print: true,
    invoice: doc('a4', 'VirtualPDF'),
    packing_slip: doc('a4', null),
    label: doc('label_4x6', labelPrinter),
    pick_list: doc('a4', null),
    manifest: doc('a4', null),
  };
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
    orderPrintJobs: vi.fn(async (): Promise<PrintJob[]> => []),
    printOrderDocuments: vi.fn(async (n: string): Promise<PrintJob[]> => [
      job(11, 'invoice', 'sent', 'VirtualPDF', 'sent to VirtualPDF as VirtualPDF-11', n),
      job(12, 'label', 'sent', 'Zebra', 'sent to Zebra as Zebra-12', n),
    ]),
    retryPrintJob: vi.fn(async (id: number, printer?: string) =>
      job(id, 'label', 'sent', printer ?? 'Zebra', 'sent'),
    ),
    printSettings: vi.fn(async () => printSettings('Zebra')),
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

describe('printing at the packing station', () => {
  async function handedOver(ipc: PackingIpc) {
    vi.mocked(ipc.recordScan).mockResolvedValue(accepted(2, 'PB-0002', 1, 1, true));
    const made = await opened(ipc, true);
    await made.station.scan('x');
    expect(made.station.state.phase).toBe('handover');
    return made;
  }

  it('prints the invoice and the label again with F8 and shows how each went', async () => {
    const ipc = fakeIpc();
    const { station, sound } = await handedOver(ipc);
    sound.mockClear();
    await station.printAgain();
    expect(ipc.printOrderDocuments).toHaveBeenCalledWith('1001');
    expect(
      station.state.prints.map((j) => [j.kind, j.status]),
      'both jobs in the strip, newest first',
    ).toEqual([
      ['label', 'sent'],
      ['invoice', 'sent'],
    ]);
    expect(station.state.printing).toBe(false);
    expect(sound, 'nothing went wrong: no alarm').not.toHaveBeenCalled();
  });

  it('never makes a scan wait for a slow printer', async () => {
    let answer: (jobs: PrintJob[]) => void = () => {};
    const ipc = fakeIpc({
      printOrderDocuments: vi.fn(() => new Promise<PrintJob[]>((r) => (answer = r))),
      recordScan: vi.fn(async () => accepted(1, 'PB-0001', 1, 2)),
    });
    const { station } = await opened(ipc);
    const printing = station.printAgain();
    expect(station.state.printing, 'the print is on its way').toBe(true);
    await station.scan('mug');
    expect(ipc.recordScan, 'the scan went through meanwhile').toHaveBeenCalledTimes(1);
    expect(station.state.order?.lines[0]?.packed).toBe(1);
    answer([job(11, 'invoice', 'sent')]);
    await printing;
    expect(station.state.printing).toBe(false);
    expect(station.state.prints.map((j) => j.id)).toEqual([11]);
  });

  it('shows a failed auto-print arriving as orders-changed, loudly, and still ships', async () => {
    const ipc = fakeIpc();
    vi.mocked(ipc.orderPrintJobs).mockResolvedValue([
      job(2, 'label', 'queued', 'Zebra'),
      job(1, 'invoice', 'queued', 'VirtualPDF'),
    ]);
    const { station, sound } = await handedOver(ipc);
    await vi.waitFor(() => expect(station.state.prints).toHaveLength(2));
    sound.mockClear();
    vi.mocked(ipc.orderPrintJobs).mockResolvedValue([
      job(2, 'label', 'failed', 'Zebra', 'printer Zebra is stopped: out of labels'),
      job(1, 'invoice', 'sent', 'VirtualPDF', 'sent to VirtualPDF as VirtualPDF-1'),
    ]);
    station.ordersChanged(['1001']);
    await vi.waitFor(() => expect(station.state.prints[0]?.status).toBe('failed'));
    expect(sound, 'a failed print sounds like a refusal').toHaveBeenCalledWith('bad');
    expect(station.state.banner?.outcome, 'the scan banner is left alone').toBe('finished');
    const asked = vi.mocked(ipc.orderPrintJobs).mock.calls.length;
    station.ordersChanged(['1001']);
    await vi.waitFor(() => expect(ipc.orderPrintJobs).toHaveBeenCalledTimes(asked + 1));
    expect(sound, 'the same failure sounds once').toHaveBeenCalledTimes(1);
    await station.scan('80012345678901');
    expect(ipc.shipOrder, 'a failed label does not block the hand-over').toHaveBeenCalled();
    expect(station.state.prints, "the shipped order's jobs leave with it").toEqual([]);
  });

  it('does not ask for print jobs on every scan while packing with nothing printed', async () => {
    const ipc = fakeIpc();
    const { station } = await opened(ipc);
    await vi.waitFor(() => expect(ipc.orderPrintJobs).toHaveBeenCalledTimes(1));
    station.ordersChanged(['1001']);
    station.ordersChanged(['1002']);
    await Promise.resolve();
    expect(ipc.orderPrintJobs, 'only the look when the order opened').toHaveBeenCalledTimes(1);
  });

  it('retries a failed job on its own printer, and a waiting one on the printer chosen since', async () => {
    const ipc = fakeIpc();
    vi.mocked(ipc.orderPrintJobs).mockResolvedValue([
      job(2, 'label', 'queued', null, 'no printer is chosen for the label'),
      job(1, 'invoice', 'failed', 'VirtualPDF', 'lp: printer stopped'),
    ]);
    const { station } = await handedOver(ipc);
    await vi.waitFor(() => expect(station.state.prints).toHaveLength(2));
    await station.retryPrint(1);
    expect(ipc.retryPrintJob).toHaveBeenLastCalledWith(1, undefined);
    await station.retryPrint(2);
    expect(ipc.printSettings).toHaveBeenCalled();
    expect(ipc.retryPrintJob, "the station's label printer").toHaveBeenLastCalledWith(2, 'Zebra');
    expect(station.state.prints.find((j) => j.id === 2)?.status).toBe('sent');
  });

  it('sounds when a retry fails again: the packer pressed it and must hear the answer', async () => {
    const ipc = fakeIpc({
      // A retry is another attempt: the job comes back changed.
      retryPrintJob: vi.fn(async (id: number) => ({
        ...job(id, 'label', 'failed', 'Zebra', 'still out of labels'),
        attempts: 2,
        updated_at: '2026-11-22T10:00:09Z',
      })),
    });
    vi.mocked(ipc.orderPrintJobs).mockResolvedValue([
      job(2, 'label', 'failed', 'Zebra', 'out of labels'),
    ]);
    const { station, sound } = await handedOver(ipc);
    await vi.waitFor(() => expect(station.state.prints).toHaveLength(1));
    sound.mockClear();
    await station.retryPrint(2);
    expect(station.state.prints[0]?.message).toBe('still out of labels');
    expect(sound).toHaveBeenCalledWith('bad');
  });

  it('does not sound twice for a failure the change feed has shown already', async () => {
    const failed = { ...job(7, 'label', 'failed', 'Zebra', 'out of labels'), attempts: 2 };
    let answer: (jobs: PrintJob[]) => void = () => {};
    const ipc = fakeIpc({
      printOrderDocuments: vi.fn(() => new Promise<PrintJob[]>((r) => (answer = r))),
    });
    const { station, sound } = await handedOver(ipc);
    const pressed = station.printAgain();
    // The label fails fast and the feed shows it while lp still has the invoice.
    vi.mocked(ipc.orderPrintJobs).mockResolvedValue([failed]);
    sound.mockClear();
    await station.refreshPrints();
    expect(sound).toHaveBeenCalledTimes(1);
    answer([failed, job(8, 'invoice', 'sent')]);
    await pressed;
    expect(sound, 'the same failure is not sounded again').toHaveBeenCalledTimes(1);
  });

  it('says why a print request was refused, without covering the scan banner', async () => {
    const ipc = fakeIpc({
      printOrderDocuments: vi.fn(async () => {
        throw new IpcError('unavailable', 'database is locked');
      }),
    });
    const { station, sound } = await handedOver(ipc);
    await station.printAgain();
    expect(station.state.printError).toMatchObject({
      key: 'print.error',
      params: { error: { key: 'error.unavailable' }, message: 'database is locked' },
    });
    expect(station.state.banner?.outcome).toBe('finished');
    expect(sound).toHaveBeenLastCalledWith('bad');
  });

  it("drops a late answer about the last order's jobs", async () => {
    let late: (jobs: PrintJob[]) => void = () => {};
    const ipc = fakeIpc({
      orderPrintJobs: vi.fn(
        (n: string) =>
          new Promise<PrintJob[]>((resolve) => {
            if (n === '1001') late = resolve;
            else resolve([job(5, 'invoice', 'sent', 'VirtualPDF', '', n)]);
          }),
      ),
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
    await vi.waitFor(() => expect(station.state.prints.map((j) => j.id)).toEqual([5]));
    late([job(9, 'label', 'failed', 'Zebra', 'stopped', '1001')]);
    await Promise.resolve();
    await Promise.resolve();
    expect(station.state.order?.number).toBe('1002');
    expect(
      station.state.prints.map((j) => j.id),
      "1001's jobs stay out of 1002's strip",
    ).toEqual([5]);
  });
});
