import { describe, expect, it } from 'vitest';
import { PageRenewal, type Holding } from './page-renewal';

const betweenOrders: Holding = {
  packingShown: true,
  packingIdle: true,
  otherWork: false,
  dialog: false,
};
const due = { web_mb: 140, limit_mb: 130, quiet_ms: 30_000 };

function renewal(fail = false) {
  let clock = 1_000_000;
  const asked: number[] = [];
  const r = new PageRenewal({
    now: () => clock,
    renew: async () => {
      asked.push(clock);
      if (fail) throw new Error('no window');
    },
  });
  return { r, asked, tick: (ms: number) => (clock += ms) };
}

describe('a fresh page at a quiet moment', () => {
  it('is never asked for before the station says it is due', async () => {
    const { r, asked, tick } = renewal();
    tick(10 * 60_000);
    expect(await r.check(betweenOrders)).toBe(false);
    expect(asked).toEqual([]);
  });

  it('waits for the quiet time after the last key, then asks once', async () => {
    const { r, asked, tick } = renewal();
    r.onDue(due);
    tick(29_000);
    r.activity(); // the packer scans the next order's number
    tick(29_999);
    expect(await r.check(betweenOrders), 'not quiet for 30 s yet').toBe(false);
    tick(1);
    expect(await r.check(betweenOrders)).toBe(true);
    tick(60_000);
    expect(await r.check(betweenOrders), 'asked once: the page is being replaced').toBe(false);
    expect(asked.length).toBe(1);
  });

  it('never renews while the page holds something a reload would lose', async () => {
    const { r, asked, tick } = renewal();
    r.onDue(due);
    tick(10 * 60_000);
    for (const holding of [
      { ...betweenOrders, packingIdle: false }, // an order open or a scan queued
      { ...betweenOrders, packingShown: false }, // another screen, or the sign-in screen over it
      { ...betweenOrders, otherWork: true }, // an open pick list
      { ...betweenOrders, dialog: true }, // a supervisor's approval
    ]) {
      expect(await r.check(holding), JSON.stringify(holding)).toBe(false);
    }
    expect(asked).toEqual([]);
    expect(await r.check(betweenOrders)).toBe(true);
  });

  it('after a failed request waits for the station to say it again', async () => {
    const { r, asked, tick } = renewal(true);
    r.onDue(due);
    tick(30_000);
    expect(await r.check(betweenOrders)).toBe(false);
    tick(30_000);
    expect(await r.check(betweenOrders), 'not due until told again').toBe(false);
    r.onDue(due);
    expect(await r.check(betweenOrders)).toBe(false);
    expect(asked.length).toBe(2);
  });
});
