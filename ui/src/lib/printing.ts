// Documents and printing, apart from the screens: which paper and format
// each document may take, how a job and its document are named in words,
// and which of an order's jobs the packing station shows. Pure functions, so
// the settings screen, the print queue and the packing strip agree and tests
// need no Svelte.

import type { MessageKey, Msg } from './i18n';
import type {
  DocFormat,
  DocumentKey,
  DocumentKind,
  Paper,
  PrinterState,
  PrintJob,
  PrintStatus,
} from './bindings';
import { DOCUMENT_KINDS } from './enums';
import type { Language } from './i18n';
import type { DocumentSettings, PrintSettings } from './ipc';

/** The papers a document can be printed on, the usual one first. */
export function paperChoices(kind: DocumentKind): Paper[] {
  switch (kind) {
    case 'label':
      return ['label_4x6', 'label_100x150'];
    case 'packing_slip':
      return ['a4', 'a5'];
    default:
      return ['a4'];
  }
}

/** PDF for everything; ZPL (thermal printers) for labels only. */
export function formatChoices(kind: DocumentKind): DocFormat[] {
  return kind === 'label' ? ['pdf', 'zpl'] : ['pdf'];
}

/** Russian forms (товарный чек, ТОРГ-12, УПД): core prints them in Russian whatever is set. */
export function russianOnly(kind: DocumentKind): boolean {
  return kind === 'sales_receipt' || kind === 'torg12' || kind === 'upd';
}

/** The resolution matters only to ZPL, which is laid out in printer dots. */
export function showsDpi(kind: DocumentKind, settings: Pick<DocumentSettings, 'format'>): boolean {
  return kind === 'label' && settings.format === 'zpl';
}

/** `settings` with paper and format moved onto choices the document takes. */
export function fitSettings(kind: DocumentKind, settings: DocumentSettings): DocumentSettings {
  const papers = paperChoices(kind);
  const formats = formatChoices(kind);
  return {
    ...settings,
    paper: papers.includes(settings.paper) ? settings.paper : papers[0]!,
    format: formats.includes(settings.format) ? settings.format : formats[0]!,
  };
}

/** Every document's settings fitted to its kind (see fitSettings). */
export function fitPrintSettings(settings: PrintSettings): PrintSettings {
  const out = { ...settings };
  for (const kind of DOCUMENT_KINDS) out[kind] = fitSettings(kind, settings[kind]);
  return out;
}

/** Per-order documents take an order number as their key. */
export function isOrderDocument(kind: DocumentKind): boolean {
  return (
    kind === 'invoice' ||
    kind === 'packing_slip' ||
    kind === 'label' ||
    kind === 'sales_receipt' ||
    kind === 'torg12' ||
    kind === 'upd'
  );
}

export function kindKey(kind: DocumentKind): MessageKey {
  return `doc.${kind}`;
}

export function paperKey(paper: Paper): MessageKey {
  return `paper.${paper}`;
}

export function formatKey(format: DocFormat): MessageKey {
  return `format.${format}`;
}

export function printStatusKey(status: PrintStatus): MessageKey {
  return `print.status.${status}`;
}

export function printerStateKey(state: PrinterState): MessageKey {
  return `printer.${state}`;
}

/** Icons that go with the status word (never colour alone). */
export const PRINT_ICON: Record<PrintStatus, string> = {
  queued: '◷',
  sent: '✔',
  failed: '✖',
};

/**
 * What a document is, in words: "Счёт · заказ 1001", "Сборочный лист № 7";
 * with `lang`, a manifest's day is written as that language writes dates.
 */
export function documentMsg(kind: DocumentKind, key: DocumentKey, lang?: Language): Msg {
  const doc: Msg = { key: kindKey(kind) };
  switch (key.type) {
    case 'order':
      return { key: 'doc.ofOrder', params: { doc, number: key.number } };
    case 'pick_list':
      return { key: 'doc.ofPickList', params: { doc, id: key.id } };
    case 'manifest':
      return {
        key: 'doc.ofManifest',
        params: { doc, carrier: key.carrier, date: lang ? formatDay(key.date, lang) : key.date },
      };
    case 'handover':
      return { key: 'doc.ofHandover', params: { doc, id: key.id } };
    case 'return':
      return { key: 'doc.ofReturn', params: { doc, id: key.id } };
  }
}

/**
 * What the printer, lp or the queue said (core writes English sentences of
 * a few known shapes), in the user's language; anything else as it came,
 * since it is the printer's own words.
 */
export function printerSaidMsg(message: string): Msg | string {
  const text = message.trim();
  let m: RegExpMatchArray | null;
  if ((m = text.match(/^printer (\S+) is stopped: (.+)$/s))) {
    return { key: 'printerSaid.stopped', params: { printer: m[1], reason: m[2] } };
  }
  if ((m = text.match(/^printer (\S+) is stopped$/))) {
    return { key: 'printerSaid.stoppedNoReason', params: { printer: m[1] } };
  }
  if ((m = text.match(/^printer (\S+) does not exist/))) {
    return { key: 'printerSaid.missing', params: { printer: m[1] } };
  }
  if (text.startsWith('no printer is chosen for the ')) return { key: 'printerSaid.noPrinter' };
  if (text.startsWith('pdftoppm is not installed')) return { key: 'printerSaid.noPoppler' };
  if ((m = text.match(/^the preview could not be drawn: (.+)$/s))) {
    return { key: 'printerSaid.notDrawn', params: { reason: m[1] } };
  }
  if ((m = text.match(/^(lp\S*) did not answer within ([\d.]+) s/))) {
    return { key: 'printerSaid.timeout', params: { program: m[1], seconds: m[2] } };
  }
  if ((m = text.match(/^(\S+) is not installed: install CUPS/))) {
    return { key: 'printerSaid.noCups', params: { program: m[1] } };
  }
  if ((m = text.match(/^sent to (\S+) as (\S+)$/))) {
    return { key: 'printerSaid.sent', params: { printer: m[1], job: m[2] } };
  }
  if ((m = text.match(/^the document could not be made: (.+)$/s))) {
    return { key: 'printerSaid.notMade', params: { reason: m[1] } };
  }
  return text;
}

/** [`printerSaidMsg`] as words in the current language. */
export function printerSaid(message: string, tm: (m: Msg) => string): string {
  const m = printerSaidMsg(message);
  return typeof m === 'string' ? m : tm(m);
}

/** One line of the packing strip: "Счёт: отправлено на VirtualPDF". */
export function jobLineMsg(job: PrintJob): Msg {
  const doc: Msg = { key: kindKey(job.kind) };
  switch (job.status) {
    case 'sent':
      return {
        key: 'print.line.sent',
        params: { doc, printer: job.printer ?? { key: 'print.noPrinter' } },
      };
    case 'failed':
      return {
        key: 'print.line.failed',
        params: {
          doc,
          message: job.message ? printerSaidMsg(job.message) : { key: 'print.status.failed' },
        },
      };
    case 'queued':
      return job.message
        ? { key: 'print.line.waiting', params: { doc, message: printerSaidMsg(job.message) } }
        : { key: 'print.line.queued', params: { doc } };
  }
}

/**
 * The newest job of each document, in the order the jobs came (newest
 * first): what the packer needs to know is whether the invoice and the
 * label are out now, not the story of every try.
 */
export function latestPerKind(jobs: readonly PrintJob[]): PrintJob[] {
  const seen = new Set<DocumentKind>();
  const out: PrintJob[] = [];
  for (const job of jobs) {
    if (seen.has(job.kind)) continue;
    seen.add(job.kind);
    out.push(job);
  }
  return out;
}

/** Jobs that are failed in `after` and were not failed in `before`. */
export function newlyFailed(before: readonly PrintJob[], after: readonly PrintJob[]): PrintJob[] {
  const was = new Map(before.map((j) => [j.id, j.status] as const));
  return after.filter((j) => j.status === 'failed' && was.get(j.id) !== 'failed');
}

/** `fresh` jobs replacing the same ids in `jobs`, newest (highest id) first. */
export function mergeJobs(jobs: readonly PrintJob[], fresh: readonly PrintJob[]): PrintJob[] {
  const byId = new Map(jobs.map((j) => [j.id, j] as const));
  for (const j of fresh) byId.set(j.id, j);
  return [...byId.values()].sort((a, b) => b.id - a.id);
}

/**
 * Where "Retry" sends a job when the packer picks no printer: a job that
 * waits because no printer was chosen goes to the printer the station has
 * chosen since (retry without one would leave it waiting again); any other
 * job goes to its own printer (undefined: the backend keeps it).
 */
export function retryPrinter(
  job: Pick<PrintJob, 'kind' | 'printer'>,
  settings: PrintSettings | null,
): string | undefined {
  if (job.printer) return undefined;
  return settings?.[job.kind].printer ?? undefined;
}

/** Today as YYYY-MM-DD on this computer's calendar (the manifest's day). */
export function localDay(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** "2026-11-22" as the language writes a date; anything else as it is. */
export function formatDay(day: string, lang: Language): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return day;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Intl.DateTimeFormat(lang === 'ru' ? 'ru-RU' : 'en-GB', {
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
  }).format(d);
}

/** Size in kilobytes for people: "12,5" / "12.5", at least 0.1. */
export function kilobytes(bytes: number, lang: Language): string {
  const kb = Math.max(0.1, bytes / 1024);
  return new Intl.NumberFormat(lang === 'ru' ? 'ru-RU' : 'en-GB', {
    maximumFractionDigits: kb < 10 ? 1 : 0,
  }).format(kb);
}
