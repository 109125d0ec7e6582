import { afterEach, describe, expect, it, vi } from 'vitest';
import { playBad, playDone, playGood } from './sound';
import { handleScans, modalOpen, openModal, routeScan, typingInField } from './scan-router';
import { invoke as fakeInvoke } from './fake-backend';
import type {
  AppInfo,
  DocumentPreview,
  OrderDetail,
  PrintJob,
  PrintSettings,
  ScanResult,
} from './types';

describe('sounds', () => {
  it('do nothing, quietly, where there is no audio', () => {
    expect(() => (playGood(), playBad(), playDone())).not.toThrow();
  });

  it('play through Web Audio where there is one', () => {
    const started: number[] = [];
    const node = () => ({
      connect: (n: unknown) => n,
      type: '',
      frequency: { value: 0 },
      gain: { setValueAtTime: vi.fn(), linearRampToValueAtTime: vi.fn() },
      start: (t: number) => started.push(t),
      stop: vi.fn(),
    });
    class FakeContext {
      state = 'running';
      currentTime = 0;
      destination = {};
      createOscillator = node;
      createGain = node;
    }
    vi.stubGlobal('AudioContext', FakeContext);
    // The module caches its context: load a fresh copy with the stub in place.
    vi.resetModules();
    return import('./sound').then((m) => {
      m.playBad();
      expect(started, 'the bad sound is two buzzes').toHaveLength(2);
      m.playDone();
      expect(started, 'done adds three rising tones').toHaveLength(5);
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

  it('knows a text field from a checkbox', () => {
    const text = document.createElement('input');
    const box = document.createElement('input');
    box.type = 'checkbox';
    document.body.append(text, box);
    expect(typingInField({ target: text } as unknown as Event)).toBe(true);
    expect(typingInField({ target: box } as unknown as Event)).toBe(false);
  });
});

describe('the in-browser fake backend', () => {
  it('packs and ships order 1001 the way the contract says', async () => {
    const info = (await fakeInvoke('app_info', {})) as AppInfo;
    expect(info.empty_database).toBe(false);
    const order = (await fakeInvoke('claim_order', { number: '1001' })) as OrderDetail;
    expect(order.status).toBe('packing');
    const line = order.lines[0]!;
    const codes = (await import('./fake-backend')).demoBarcodes();
    const code = codes.find((c) => c.sku === line.sku)!.barcode;
    const r = (await fakeInvoke('record_scan', {
      number: '1001',
      code,
      scanId: 's-1',
    })) as ScanResult;
    expect(r).toMatchObject({ outcome: 'accepted', sku: line.sku, packed: 1, duplicate: false });
    const again = (await fakeInvoke('record_scan', {
      number: '1001',
      code,
      scanId: 's-1',
    })) as ScanResult;
    expect(again, 'a retried scan is counted once').toMatchObject({ packed: 1, duplicate: true });
    await expect(fakeInvoke('finish_packing', { number: '1001' })).rejects.toMatchObject({
      code: 'refused',
    });
    const ready = (await fakeInvoke('finish_packing', {
      number: '1001',
      shortReason: 'нет на складе',
    })) as OrderDetail;
    expect(ready.status).toBe('ready');
    const shipped = (await fakeInvoke('ship_order', {
      number: '1001',
      carrier: 'СДЭК',
      tracking: 'T-1',
    })) as OrderDetail;
    expect(shipped).toMatchObject({ status: 'shipped', carrier: 'СДЭК', tracking_number: 'T-1' });
  });
});

describe('printing in the in-browser fake backend', () => {
  it('prints the invoice and label after packing, as the shell does with auto-print on', async () => {
    const codes = (await import('./fake-backend')).demoBarcodes();
    const order = (await fakeInvoke('claim_order', { number: '1004' })) as OrderDetail;
    let n = 0;
    for (const line of order.lines) {
      const code = codes.find((c) => c.sku === line.sku)!.barcode;
      for (let i = 0; i < line.quantity; i++) {
        await fakeInvoke('record_scan', { number: '1004', code, scanId: `p-${++n}` });
      }
    }
    await fakeInvoke('finish_packing', { number: '1004' });
    const queued = (await fakeInvoke('order_print_jobs', { number: '1004' })) as PrintJob[];
    expect(
      queued.map((j) => [j.kind, j.status]),
      'queued at once, newest first',
    ).toEqual([
      ['label', 'queued'],
      ['invoice', 'queued'],
    ]);
    await vi.waitFor(
      async () => {
        const jobs = (await fakeInvoke('order_print_jobs', { number: '1004' })) as PrintJob[];
        expect(jobs.map((j) => [j.kind, j.status])).toEqual([
          ['label', 'failed'],
          ['invoice', 'sent'],
        ]);
      },
      { timeout: 4000 },
    );
    const [label] = (await fakeInvoke('order_print_jobs', { number: '1004' })) as PrintJob[];
    expect(label!.message, 'the demo label printer is out of labels').toContain('stopped');
    const again = (await fakeInvoke('retry_print_job', {
      id: label!.id,
      printer: 'VirtualPDF',
    })) as PrintJob;
    expect(again).toMatchObject({ status: 'sent', printer: 'VirtualPDF', attempts: 2 });
  });

  it('refuses settings a document cannot take, and keeps good ones', async () => {
    const s = (await fakeInvoke('print_settings', {})) as PrintSettings;
    await expect(
      fakeInvoke('save_print_settings', {
        settings: { ...s, invoice: { ...s.invoice, paper: 'a5' } },
      }),
    ).rejects.toMatchObject({ code: 'invalid' });
    const saved = (await fakeInvoke('save_print_settings', {
      settings: { ...s, packing_slip: { ...s.packing_slip, printer: 'VirtualPDF' } },
    })) as PrintSettings;
    expect(saved.packing_slip.printer).toBe('VirtualPDF');
  });

  it('draws a preview as page pictures, with the ZPL of a thermal label', async () => {
    const p = (await fakeInvoke('preview_document', {
      kind: 'label',
      key: { type: 'order', number: '1002' },
    })) as DocumentPreview;
    expect(p.pages[0]).toMatch(/^data:image\/svg\+xml/);
    expect(p.page_count).toBe(1);
    expect(p.zpl).toContain('^XA');
    await expect(
      fakeInvoke('preview_document', { kind: 'invoice', key: { type: 'order', number: '99' } }),
    ).rejects.toMatchObject({ code: 'not_found' });
  });

  it("keeps the seller's details from a packer", async () => {
    const seller = await fakeInvoke('seller', {});
    await expect(fakeInvoke('save_seller', { seller })).rejects.toMatchObject({
      code: 'forbidden',
    });
  });
});
