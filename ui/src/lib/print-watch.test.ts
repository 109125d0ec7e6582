import { afterEach, describe, expect, it } from 'vitest';
import { PrintWatch } from './print-watch';
import { ipc } from './ipc';
import type { PrintJob } from './bindings';
import { endReplay, replay } from '../test/backend';

afterEach(() => endReplay());

// print-queue.json: Стол 2's label of 1009 failed before the app started;
// then Стол 1's label of 1012 fails, Стол 2's label of 1013 fails, is
// retried on Zebra (fails again) and on VirtualPDF (sent).
function watch() {
  const seen: string[][] = [];
  const w = new PrintWatch({
    ipc,
    station: () => 'Стол 2',
    onChange: (f) => seen.push(f.map(orderOf)),
  });
  return { w, seen };
}

const orderOf = (j: PrintJob) => (j.key.type === 'order' ? j.key.number : `#${j.id}`);

describe('print failures over every screen', () => {
  it('raises a failure of this station once, not what had failed before the start', async () => {
    const b = replay('print-queue');
    const { w, seen } = watch();
    b.elsewhere(); // 1009's label fails before the start
    await w.check();
    expect(w.failures, 'the failure from before the start is not news').toEqual([]);
    b.elsewhere(); // Стол 1's label of 1012
    b.elsewhere(); // Стол 2's label of 1013
    await w.check();
    expect(w.failures.map(orderOf), "another station's failure is theirs").toEqual(['1013']);
    expect(w.failures[0]?.message).toBe('printer Zebra is stopped: out of labels');
    await w.check();
    expect(seen, 'raised once').toEqual([['1013']]);
  });

  it('raises a retry that fails again, and drops a failure once it is printed', async () => {
    const b = replay('print-queue');
    const { w } = watch();
    b.elsewhere();
    await w.check();
    b.elsewhere();
    b.elsewhere();
    await w.check();
    w.dismiss();
    expect(w.failures).toEqual([]);
    b.elsewhere(); // retried on Zebra: still out of labels
    await w.check();
    expect(w.failures.map(orderOf), 'failed again after a retry').toEqual(['1013']);
    expect(w.failures[0]?.attempts).toBe(2);
    b.elsewhere(); // retried on VirtualPDF: sent
    await w.check();
    expect(w.failures, 'printed after all').toEqual([]);
  });

  it('keeps quiet while the queue cannot be read', async () => {
    // database-down.json: print_jobs answers `unavailable`.
    replay('database-down');
    const w = new PrintWatch({
      ipc,
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
