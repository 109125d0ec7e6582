// DOM helpers shared by the screens' unit tests: find elements by their
// test id and fill in fields as a person would (the event the screen listens
// for, then a flush so the screen has answered before the test looks again).

import { flushSync } from 'svelte';
import { vi } from 'vitest';

/** The element with this test id under `root`, or null. */
export const $ = (root: ParentNode, testid: string) =>
  root.querySelector<HTMLElement>(`[data-testid="${testid}"]`);

/** Every element with this test id under `root`, in document order. */
export const $$ = (root: ParentNode, testid: string) => [
  ...root.querySelectorAll<HTMLElement>(`[data-testid="${testid}"]`),
];

/** Types `value` into an input or textarea (sets it, fires `input`). */
export function type(el: HTMLElement | null, value: string) {
  const input = el as HTMLInputElement;
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
  flushSync();
}

/** Picks `value` in a select (sets it, fires `change`). */
export function choose(el: HTMLElement | null, value: string) {
  const select = el as HTMLSelectElement;
  select.value = value;
  select.dispatchEvent(new Event('change', { bubbles: true }));
  flushSync();
}

/** Waits until `check` passes, flushing Svelte's updates before each try. */
export async function until(check: () => void) {
  await vi.waitFor(() => {
    flushSync();
    check();
  });
}
