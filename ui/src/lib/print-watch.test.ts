import { describe, expect, it } from 'vitest';
import { PrintWatch } from './print-watch';
import type { PrintJob } from './types';

function job(
  id: number,
  status: PrintJob['status'],
  updated: number,
  station = 'Стол 2',
): PrintJob {
  return {
    id,
    kind: 'label',
    key: { type: 'order', number: String(1000 + id) },
    format: 'pdf',
    paper: 'label_4x6',
    dpi: '203',
    lang: 'ru',
    printer: 'Zebra',
    status,
    message: status === 'failed' ? 'printer Zebra is stopped: out of labels' : '',
    cups_job: null,
    attempts: 1,
    created_at: '2026-11-23T10:00:00Z',
    updated_at: `2026-11-23T10:00:${String(updated).padStart(2, '0')}Z`,
    station,
    user: 'Анна',
  };
}

function watch(queue: { jobs: PrintJob[] }) {
  const seen: number[][] = [];
  const w = new PrintWatch({
    ipc: { printJobs: () => Promise.resolve(queue.jobs) },
    station: () => 'Стол 2',
    onChange: (f) => seen.push(f.map((j) => j.id)),
  });
  return { w, seen };
}

describe('print failures over every screen', () => {
  it('raises a failure of this station once, not what had failed before the start', async () => {
    const queue = { jobs: [job(1, 'failed', 1)] };
    const { w, seen } = watch(queue);
    await w.check();
    expect(w.failures, 'the failure from before the start is not news').toEqual([]);
    queue.jobs = [job(3, 'failed', 5, 'Стол 7'), job(2, 'failed', 4), job(1, 'failed', 1)];
    await w.check();
    expect(
      w.failures.map((j) => j.id),
      "another station's failure is theirs",
    ).toEqual([2]);
    await w.check();
    expect(seen, 'raised once').toEqual([[2]]);
  });

  it('raises a retry that fails again, and drops a failure once it is printed', async () => {
    const queue = { jobs: [] as PrintJob[] };
    const { w } = watch(queue);
    await w.check();
    queue.jobs = [job(5, 'failed', 10)];
    await w.check();
    w.dismiss();
    expect(w.failures).toEqual([]);
    queue.jobs = [job(5, 'failed', 20)];
    await w.check();
    expect(
      w.failures.map((j) => j.id),
      'failed again after a retry',
    ).toEqual([5]);
    queue.jobs = [job(5, 'sent', 30)];
    await w.check();
    expect(w.failures, 'printed after all').toEqual([]);
  });

  it('keeps quiet while the queue cannot be read', async () => {
    const w = new PrintWatch({
      ipc: { printJobs: () => Promise.reject(new Error('database down')) },
      station: () => 'Стол 2',
      onChange: () => {
        throw new Error('no change expected');
      },
    });
    await w.check();
    await w.check();
    expect(w.failures).toEqual([]);
  });
});
