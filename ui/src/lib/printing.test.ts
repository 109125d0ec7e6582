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
import type { DocumentSettings, PrintJob, PrintSettings } from './types';
import { DOCUMENT_KINDS } from './types';

function job(id: number, kind: PrintJob['kind'], status: PrintJob['status'], extra = {}): PrintJob {
  return {
    id,
    kind,
    key: { type: 'order', number: '1001' },
    format: 'pdf',
    paper: 'a4',
    dpi: '203',
    lang: 'ru',
    printer: 'VirtualPDF',
    status,
    message: '',
    cups_job: null,
    attempts: 1,
    created_at: '2026-11-22T10:00:00Z',
    updated_at: '2026-11-22T10:00:00Z',
    station: 'Станция 2',
    user: 'Анна',
    ...extra,
  };
}

const doc = (extra: Partial<DocumentSettings> = {}): DocumentSettings => ({
  printer: null,
  paper: 'a4',
  format: 'pdf',
  dpi: '203',
  lang: 'ru',
  ...extra,
});

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
    expect(fitSettings('label', doc({ paper: 'a4' })).paper).toBe('label_4x6');
    expect(fitSettings('invoice', doc({ paper: 'a5', format: 'zpl' }))).toMatchObject({
      paper: 'a4',
      format: 'pdf',
    });
    const fine = doc({ paper: 'a5', printer: 'HP' });
    expect(fitSettings('packing_slip', fine), 'a fitting one is left as it is').toEqual(fine);
    const all: PrintSettings = {
      auto_print: false,
      invoice: doc(),
      packing_slip: doc(),
      label: doc({ format: 'zpl', dpi: '300' }),
      pick_list: doc(),
      manifest: doc(),
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
    expect(line(job(1, 'invoice', 'sent'))).toBe('Счёт: отправлено на VirtualPDF');
    expect(line(job(1, 'invoice', 'sent'), 'en')).toBe('Invoice: sent to VirtualPDF');
    expect(
      line(job(2, 'label', 'failed', { message: 'printer Zebra is stopped: out of labels' })),
    ).toBe('Этикетка: ошибка — принтер Zebra остановлен: out of labels');
    expect(line(job(2, 'label', 'failed')), 'a failure without words still says so').toBe(
      'Этикетка: ошибка — Ошибка',
    );
    expect(
      line(job(3, 'label', 'queued', { printer: null, message: 'no printer is chosen' })),
    ).toBe('Этикетка: ждёт в очереди — no printer is chosen');
    expect(line(job(3, 'invoice', 'queued'))).toBe('Счёт: в очереди, печатается…');
  });
});

describe('which jobs the packing strip shows', () => {
  it('keeps the newest job of each document', () => {
    const jobs = [
      job(5, 'label', 'sent'),
      job(4, 'invoice', 'sent'),
      job(2, 'label', 'failed'),
      job(1, 'invoice', 'failed'),
    ];
    expect(latestPerKind(jobs).map((j) => j.id)).toEqual([5, 4]);
  });

  it('knows a failure that is new from one already shown', () => {
    const before = [job(2, 'label', 'queued'), job(1, 'invoice', 'failed')];
    const after = [
      job(3, 'label', 'failed'),
      job(2, 'label', 'failed'),
      job(1, 'invoice', 'failed'),
    ];
    expect(newlyFailed(before, after).map((j) => j.id)).toEqual([3, 2]);
    expect(newlyFailed(after, after), 'nothing new').toEqual([]);
  });

  it('merges fresh jobs over the known ones, newest first', () => {
    const merged = mergeJobs(
      [job(2, 'label', 'failed'), job(1, 'invoice', 'sent')],
      [job(2, 'label', 'sent'), job(3, 'invoice', 'sent')],
    );
    expect(merged.map((j) => [j.id, j.status])).toEqual([
      [3, 'sent'],
      [2, 'sent'],
      [1, 'sent'],
    ]);
  });

  it("sends a job that waits for a printer to the station's printer, others to their own", () => {
    const settings: PrintSettings = {
      auto_print: true,
      invoice: doc({ printer: 'VirtualPDF' }),
      packing_slip: doc(),
      label: doc({ printer: 'Zebra', paper: 'label_4x6' }),
      pick_list: doc(),
      manifest: doc(),
    };
    expect(retryPrinter({ kind: 'label', printer: null }, settings)).toBe('Zebra');
    expect(retryPrinter({ kind: 'label', printer: 'Old' }, settings), 'its own').toBeUndefined();
    expect(retryPrinter({ kind: 'manifest', printer: null }, settings), 'none chosen').toBe(
      undefined,
    );
    expect(retryPrinter({ kind: 'label', printer: null }, null)).toBeUndefined();
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
