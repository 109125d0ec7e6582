import { describe, expect, it } from 'vitest';
import { translate } from './i18n';
import {
  documentMsg,
  fitPrintSettings,
  fitSettings,
  formatChoices,
  jobLineMsg,
  kilobytes,
  latestPerKind,
  localDay,
  mergeJobs,
  newlyFailed,
  paperChoices,
  retryPrinter,
  showsDpi,
} from './printing';
import type { PrintJob } from './bindings';
import { DOCUMENT_KINDS } from './enums';
import type { PrintSettings } from './ipc';
import { flow, replies, reply } from '../test/backend';

// The station's print settings as core sends them: invoices wait for a
// printer, labels go to Zebra (settings.json).
const settings = reply<PrintSettings>('settings', 'print_settings');

// packing.json: order 1001's jobs as the packing strip reads them after
// auto-print (invoice waiting for a printer, label failed), after F8 (both
// again), after the label's retry (failed again) and the invoice's retry on
// VirtualPDF (sent).
const reads = replies<PrintJob[]>('packing', 'order_print_jobs').filter((r) => r.length > 0);
const [afterFinish, afterF8, afterRetry, afterSent] = reads as [
  PrintJob[],
  PrintJob[],
  PrintJob[],
  PrintJob[],
];
const sentInvoice = afterSent.find((j) => j.status === 'sent')!;
const failedLabel = afterFinish.find((j) => j.kind === 'label')!;
const waitingInvoice = afterFinish.find((j) => j.kind === 'invoice')!;
// Settings after the packer chose VirtualPDF for invoices.
const chosen = flow('packing')
  .steps.filter((s) => s.cmd === 'print_settings')
  .map((s) => s.ok as PrintSettings)
  .at(-1)!;

describe('the paper and format each document takes', () => {
  it('offers only the papers a document can be printed on', () => {
    expect(paperChoices('invoice'), 'invoice: A4').toEqual(['a4']);
    expect(paperChoices('pick_list'), 'pick list: A4').toEqual(['a4']);
    expect(paperChoices('manifest'), 'manifest: A4').toEqual(['a4']);
    expect(paperChoices('packing_slip'), 'packing slip: A4 or A5').toEqual(['a4', 'a5']);
    expect(paperChoices('label'), 'label: label paper only').toEqual([
      'label_4x6',
      'label_100x150',
    ]);
    const a5 = DOCUMENT_KINDS.filter((k) => paperChoices(k).includes('a5'));
    expect(a5, 'only the packing slip fits on A5').toEqual(['packing_slip']);
  });

  it('offers ZPL, and its resolution, for labels only', () => {
    expect(formatChoices('label')).toEqual(['pdf', 'zpl']);
    for (const kind of DOCUMENT_KINDS.filter((k) => k !== 'label')) {
      expect(formatChoices(kind), `${kind} is PDF only`).toEqual(['pdf']);
      expect(showsDpi(kind, { format: 'zpl' }), `${kind} has no dpi`).toBe(false);
    }
    expect(showsDpi('label', { format: 'zpl' })).toBe(true);
    expect(showsDpi('label', { format: 'pdf' }), 'a PDF label needs no dpi').toBe(false);
  });

  it('moves a setting that does not fit its document onto one that does', () => {
    // Choices a form may hold for a moment (the invoice's paper on a label).
    expect(fitSettings('label', { ...settings.label, paper: 'a4' }).paper).toBe('label_4x6');
    expect(
      fitSettings('invoice', { ...settings.invoice, paper: 'a5', format: 'zpl' }),
    ).toMatchObject({
      paper: 'a4',
      format: 'pdf',
    });
    const fine = { ...settings.packing_slip, paper: 'a5' as const, printer: 'HP' };
    expect(fitSettings('packing_slip', fine), 'a fitting one is left as it is').toEqual(fine);
    expect(fitPrintSettings(settings), "core's own settings fit as they are").toEqual(settings);
    const all: PrintSettings = {
      ...settings,
      auto_print: false,
      label: { ...settings.invoice, format: 'zpl', dpi: '300' },
    };
    expect(fitPrintSettings(all).label).toMatchObject({
      paper: 'label_4x6',
      format: 'zpl',
      dpi: '300',
    });
    expect(fitPrintSettings(all).auto_print).toBe(false);
  });
});

describe('print jobs in words', () => {
  it('names the document and what it belongs to', () => {
    const order = documentMsg('invoice', { type: 'order', number: '1001' });
    expect(translate('ru', order.key, order.params)).toBe('Счёт · заказ 1001');
    expect(translate('en', order.key, order.params)).toBe('Invoice · order 1001');
    const list = documentMsg('pick_list', { type: 'pick_list', id: 7 });
    expect(translate('ru', list.key, list.params)).toBe('Сборочный лист № 7');
    const manifest = documentMsg(
      'manifest',
      { type: 'manifest', carrier: 'СДЭК', date: '2026-11-22' },
      'ru',
    );
    expect(translate('ru', manifest.key, manifest.params)).toBe(
      'Реестр передачи курьеру · СДЭК, 22.11.2026',
    );
  });

  it('says how each document of the order went, in the packer’s words', () => {
    const line = (j: PrintJob, lang: 'ru' | 'en' = 'ru') => {
      const m = jobLineMsg(j);
      return translate(lang, m.key, m.params);
    };
    expect(line(sentInvoice)).toBe('Счёт: отправлено на VirtualPDF');
    expect(line(sentInvoice, 'en')).toBe('Invoice: sent to VirtualPDF');
    expect(line(failedLabel)).toBe('Этикетка: ошибка — принтер Zebra остановлен: out of labels');
    expect(line(failedLabel, 'en')).toBe(
      'Shipping label: failed — printer Zebra is stopped: out of labels',
    );
    expect(line(waitingInvoice)).toMatch(/^Счёт: ждёт в очереди — .*не выбран принтер/);
  });
});

describe('which jobs the packing strip shows', () => {
  it('keeps the newest job of each document', () => {
    expect(afterF8, 'auto-print and F8: two of each').toHaveLength(4);
    const newest = latestPerKind(afterF8);
    expect(newest.map((j) => j.kind)).toEqual(['label', 'invoice']);
    expect(newest.map((j) => j.id)).toEqual(afterF8.slice(0, 2).map((j) => j.id));
  });

  it('knows a failure that is new from one already shown', () => {
    const again = newlyFailed(afterFinish, afterF8);
    expect(
      again.map((j) => j.kind),
      "F8's label failed: new",
    ).toEqual(['label']);
    expect(again[0]?.id).not.toBe(failedLabel.id);
    expect(newlyFailed(afterF8, afterF8), 'nothing new').toEqual([]);
    expect(newlyFailed(afterF8, afterRetry), 'a retry that failed again is no new failure').toEqual(
      [],
    );
  });

  it('merges fresh jobs over the known ones, newest first', () => {
    const merged = mergeJobs(afterF8, [sentInvoice]);
    expect(merged.map((j) => j.id)).toEqual(afterF8.map((j) => j.id));
    expect(merged.find((j) => j.id === sentInvoice.id)?.status).toBe('sent');
    expect(mergeJobs(afterFinish, afterF8), 'nothing lost, nothing twice').toHaveLength(4);
  });

  it("sends a job that waits for a printer to the station's printer, others to their own", () => {
    expect(retryPrinter(waitingInvoice, chosen), 'VirtualPDF, chosen since').toBe('VirtualPDF');
    expect(retryPrinter(waitingInvoice, settings), 'none chosen yet').toBeUndefined();
    expect(retryPrinter(failedLabel, chosen), 'its own (Zebra)').toBeUndefined();
    expect(retryPrinter({ kind: 'label', printer: null }, chosen)).toBe('Zebra');
    expect(retryPrinter(waitingInvoice, null)).toBeUndefined();
  });
});

describe('small formats', () => {
  it('writes the local day as YYYY-MM-DD and sizes in KB', () => {
    expect(localDay(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
    expect(kilobytes(2048, 'en')).toBe('2');
    expect(kilobytes(1536, 'ru')).toBe('1,5');
    expect(kilobytes(10, 'en'), 'never 0 KB').toBe('0.1');
    expect(kilobytes(123_456, 'en')).toBe('121');
  });
});

describe("the printer's words in the user's language", () => {
  it('reads the shapes core writes and keeps anything else as it came', async () => {
    const { printerSaidMsg } = await import('./printing');
    const { translate } = await import('./i18n');
    const ru = (m: string) => {
      const said = printerSaidMsg(m);
      return typeof said === 'string' ? said : translate('ru', said.key, said.params);
    };
    expect(ru('printer PackbenchStopped is stopped: out of labels')).toBe(
      'принтер PackbenchStopped остановлен: out of labels',
    );
    expect(ru('printer Zebra does not exist (lpstat: Invalid destination name)')).toBe(
      'принтера Zebra нет в системе',
    );
    expect(ru('lp did not answer within 5 s; is the print server (cupsd) running?')).toContain(
      'lp не ответил за 5 с',
    );
    expect(
      ru(
        "no printer is chosen for the invoice; choose one in the station's print settings, then print it again",
      ),
    ).toContain('не выбран принтер');
    expect(ru('sent to VirtualPDF as VirtualPDF-12')).toBe(
      'отправлено на VirtualPDF как VirtualPDF-12',
    );
    expect(
      ru(
        'pdftoppm is not installed: install poppler-utils to see previews (printing works without it)',
      ),
    ).toContain('установите poppler-utils');
    expect(ru('pdftoppm did not answer within 10 s')).toBe('pdftoppm did not answer within 10 s');
    expect(ru('paper jam in tray 2')).toBe('paper jam in tray 2');
  });
});
