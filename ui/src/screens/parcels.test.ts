// The hand-over of an order in two cartons at the packing table: one
// tracking number for all (the default) or one per carton, against replies
// recorded from the real core (src/test/backend.ts):
//
// parcels.json: 1001 was packed at Стол 1 into two cartons. Стол 2 scans
// 1001: the hand-over, СДЭК chosen from the order. One number for all,
// 12345, is refused (not a СДЭК number); per carton, 1084563291 and 12345
// are refused the same way; 1084563291 and 1084563292 ship it.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import Packing from './Packing.svelte';
import { ipc } from '../lib/ipc';
import { PackingStation } from '../lib/packing';
import { setLanguage } from '../lib/locale.svelte';
import { endReplay, refusals, replay } from '../test/backend';
import { $, type } from '../test/dom';

const mounted: Record<string, unknown>[] = [];

function show(station: PackingStation): HTMLElement {
  const target = document.createElement('div');
  document.body.append(target);
  mounted.push(mount(Packing, { target, props: { station } }));
  flushSync();
  return target;
}

afterEach(() => {
  for (const c of mounted.splice(0)) void unmount(c);
  document.body.replaceChildren();
  setLanguage('ru');
  endReplay();
});

function press(el: Element, init: KeyboardEventInit) {
  const e = new KeyboardEvent('keydown', { bubbles: true, cancelable: true, ...init });
  el.dispatchEvent(e);
  flushSync();
  return e;
}

async function until(check: () => void) {
  await vi.waitFor(() => {
    flushSync();
    check();
  });
}

const sent = (b: { calls: { cmd: string; args: unknown }[] }, cmd: string) =>
  b.calls.filter((c) => c.cmd === cmd).map((c) => c.args);

const NOT_SDEK = refusals('parcels', 'ship_parcels')[0]!.message;
const ship = (...trackings: string[]) => ({ number: '1001', carrier: 'СДЭК', trackings });

/** parcels.json replayed: 1001 open at the hand-over, its two cartons known. */
async function handOver() {
  const backend = replay('parcels');
  const sound = vi.fn();
  const station = new PackingStation({ ipc, autoFinish: () => true, sound });
  await station.scan('1001');
  expect(station.state.phase).toBe('handover');
  await until(() => expect(station.parcels).toHaveLength(2));
  expect(station.state.carrier, 'the order’s delivery').toBe('СДЭК');
  return { backend, station, sound };
}

describe('the hand-over of an order in two cartons', () => {
  it('sends one scanned number for both cartons by default, and shows core’s refusal', async () => {
    const { backend, station, sound } = await handOver();
    expect(station.state.perCarton, 'one for all unless asked').toBe(false);
    await station.scan('12345');
    expect(sent(backend, 'ship_parcels')).toEqual([ship('12345')]);
    expect(sent(backend, 'ship_order'), 'several cartons: their command').toEqual([]);
    expect(station.state.banner?.outcome).toBe('error');
    expect(station.state.banner?.msg.params?.message).toBe(NOT_SDEK);
    expect(sound).toHaveBeenLastCalledWith('bad');
    expect(station.state.order?.number, 'still to hand over').toBe('1001');
  });

  it('takes a scanned label per carton and ships once every carton has its number', async () => {
    const { backend, station } = await handOver();
    station.setPerCarton(true);
    expect(station.state.parcelTrackings).toEqual(['', '']);
    await station.scan('1084563291');
    expect(station.state.parcelTrackings).toEqual(['1084563291', '']);
    expect(station.state.parcelAt, 'carton 2 is next').toBe(1);
    expect(station.state.banner?.outcome).toBe('parcel_tracking');
    expect(sent(backend, 'ship_parcels'), 'not before the last carton').toEqual([]);
    await station.scan('1084563292');
    expect(sent(backend, 'ship_parcels')).toEqual([ship('1084563291', '1084563292')]);
    expect(station.state.phase).toBe('idle');
    expect(station.state.banner?.outcome).toBe('shipped');
    expect(station.state.lastShipped).toEqual({
      number: '1001',
      carrier: 'СДЭК',
      tracking: '1084563291, 1084563292',
    });
    expect(station.state.perCarton, 'the next order starts with one for all').toBe(false);
  });

  it('keeps the numbers of a refused hand-over to mend the wrong one', async () => {
    const { backend, station } = await handOver();
    station.setPerCarton(true);
    station.parcelFocus(1);
    await station.scan('12345');
    expect(station.state.parcelTrackings, 'into the carton whose field has the focus').toEqual([
      '',
      '12345',
    ]);
    expect(station.state.parcelAt, 'carton 1 is next').toBe(0);
    await station.scan('1084563291');
    expect(sent(backend, 'ship_parcels')).toEqual([ship('1084563291', '12345')]);
    expect(station.state.banner?.msg.params?.message).toBe(NOT_SDEK);
    expect(station.state.parcelTrackings).toEqual(['1084563291', '12345']);
    station.setParcelTracking(1, '1084563292');
    await station.shipPerCarton();
    expect(sent(backend, 'ship_parcels').at(-1)).toEqual(ship('1084563291', '1084563292'));
    expect(station.state.phase).toBe('idle');
  });
});

describe('the packing screen at the hand-over of two cartons', () => {
  it('offers one number for all (the field it always had) or one per carton', async () => {
    const { station, backend } = await handOver();
    const root = show(station);
    await until(() => expect($(root, 'tracking-mode')).not.toBeNull());
    expect($(root, 'tracking-mode')?.textContent).toContain('Коробок: 2');
    expect(($(root, 'tracking-mode-one') as HTMLInputElement).checked).toBe(true);
    expect($(root, 'tracking-input'), 'one field, as for one carton').not.toBeNull();
    expect($(root, 'tracking-input-1')).toBeNull();

    ($(root, 'tracking-mode-per-carton') as HTMLInputElement).click();
    await until(() => expect($(root, 'tracking-input-2')).not.toBeNull());
    expect($(root, 'tracking-input')).toBeNull();
    const first = $(root, 'tracking-input-1') as HTMLInputElement;
    await until(() => expect(document.activeElement, 'carton 1 first').toBe(first));
    expect($(root, 'scan-banner')?.textContent).toContain('этикетку курьера на каждой коробке');
    type(first, '1084563291');
    press(first, { key: 'Enter' });
    const second = $(root, 'tracking-input-2') as HTMLInputElement;
    expect(document.activeElement, 'Enter goes on to carton 2').toBe(second);
    expect(sent(backend, 'ship_parcels'), 'Enter in carton 1 ships nothing').toEqual([]);
    type(second, '1084563292');
    second.closest('form')!.requestSubmit();
    await until(() => expect(station.state.phase).toBe('idle'));
    expect(sent(backend, 'ship_parcels')).toEqual([ship('1084563291', '1084563292')]);
  });

  it('shows a scanned label in its carton’s field and moves on to the next one', async () => {
    const { station } = await handOver();
    const root = show(station);
    await until(() => expect($(root, 'tracking-mode-per-carton')).not.toBeNull());
    ($(root, 'tracking-mode-per-carton') as HTMLInputElement).click();
    await until(() => expect($(root, 'tracking-input-1')).not.toBeNull());
    await until(() => expect(document.activeElement).toBe($(root, 'tracking-input-1')));
    await station.scan('1084563291');
    await until(() =>
      expect(($(root, 'tracking-input-1') as HTMLInputElement).value).toBe('1084563291'),
    );
    await until(() => expect(document.activeElement).toBe($(root, 'tracking-input-2')));
    setLanguage('en');
    flushSync();
    expect($(root, 'tracking-mode')?.textContent).toContain('A tracking number per carton');
    expect($(root, 'scan-banner')?.textContent).toContain('Carton 1: tracking 1084563291');
  });
});
