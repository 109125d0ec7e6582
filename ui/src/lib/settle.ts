// A one-key shortcut that a scanner's keys could also press (a carrier's
// digit at the hand-over, E and H on an order, R in the outbox) waits a
// moment before it acts, so that a scan's keys do not act as shortcuts: the
// next key cancels it (the scan going on), and so does a scan that ends
// meanwhile. The second matters for a scan's last key: the scan's Enter is
// the scanner's (lib/scanner.ts stops it) and reaches no screen, so without
// it a tracking number ending in 8 would choose the eighth carrier 90 ms
// later, while the order is being shipped with the one on screen.

/** Longer than the scanner's gap between two keys of one scan (35 ms). */
export const SETTLE_MS = 90;

const pending = new Set<ReturnType<typeof setTimeout>>();

/** Runs `act` after `ms` unless cancelled first; returns the cancel. */
export function settle(act: () => void, ms = SETTLE_MS): () => void {
  const timer = setTimeout(() => {
    pending.delete(timer);
    act();
  }, ms);
  pending.add(timer);
  return () => {
    clearTimeout(timer);
    pending.delete(timer);
  };
}

/** A scan ended: no key of it acts as a shortcut. */
export function cancelSettling() {
  for (const timer of pending) clearTimeout(timer);
  pending.clear();
}
