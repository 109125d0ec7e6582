// Cartons and weights as a packer and a supervisor meet them, against
// replies recorded from the real core (src/test/backend.ts):
//
// cartons.json: Стол 2 (Анна, a packer) opens 1001, scans box S's barcode,
// the two-unit line twice, box M's barcode (close carton 1 first); the
// station has no scale; 5 kg is refused with the difference, 780 g closes
// carton 1; Ctrl+B opens carton 2 (the default box M); the last unit; 3 kg
// is refused, accepted with a reason and Мария Иванова's PIN; finish.
//
// carton-settings.json: Стол 5 (Ольга, a supervisor) adds box XL (refused
// without a name), then sets the GS1 prefix (refused: 3 digits; then
// 4601234), a 30 g / 2.5 % tolerance and weighing every carton, and this
// table's scale /dev/ttyUSB0 in the station's settings.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import Packing from './Packing.svelte';
import Settings from './Settings.svelte';
import { ipc } from '../lib/ipc';
import { PackingStation } from '../lib/packing';
import { setLanguage } from '../lib/locale.svelte';
import type { ApprovalAsk, ApprovalPrompt } from '../lib/approval';
import type { AppInfo, BoxType, Credential } from '../lib/bindings';
import { endReplay, flow, refusals, replay, reply } from '../test/backend';
import { $, type } from '../test/dom';

const mounted: Record<string, unknown>[] = [];

function show<P extends Record<string, unknown>>(component: never, props: P): HTMLElement {
  const target = document.createElement('div');
  document.body.append(target);
  mounted.push(mount(component, { target, props }));
  flushSync();
  return target;
}

afterEach(() => {
  for (const c of mounted.splice(0)) void unmount(c);
  document.body.replaceChildren();
  setLanguage('ru');
  endReplay();
});

function ctrl(code: string) {
  const e = new KeyboardEvent('keydown', {
    key: code.slice(3).toLowerCase(),
    code,
    ctrlKey: true,
    bubbles: true,
    cancelable: true,
  });
  window.dispatchEvent(e);
  flushSync();
  return e;
}

async function until(check: () => void) {
  await vi.waitFor(() => {
    flushSync();
    check();
  });
}

const MARIA_PIN: Credential = { kind: 'secret', login: 'maria', secret: '2222' };

/** A supervisor standing by: gives these credentials, one per question. */
function supervisor(...answers: (Credential | null)[]) {
  const asked: ApprovalAsk[] = [];
  const prompt: ApprovalPrompt = {
    ask: (request) => {
      asked.push(request);
      return Promise.resolve(answers.shift() ?? null);
    },
    close: () => {},
  };
  return { prompt, asked };
}

const scans = flow('cartons')
  .steps.filter((s) => s.cmd === 'record_scan')
  .map((s) => s.args.code as string);
const [BOX_S, MUG, , BOX_M, PRESS] = scans as [string, string, string, string, string];

/** cartons.json replayed with 1001 open at Стол 2 and the packing screen on show. */
async function packing(approval?: ApprovalPrompt, scale = false) {
  const backend = replay('cartons');
  const sound = vi.fn();
  let n = 0;
  const station = new PackingStation({
    ipc,
    autoFinish: () => false,
    hasScale: () => scale,
    sound,
    newScanId: () => `scan-${++n}`,
    approval,
  });
  await station.open('1001');
  const root = show(Packing as never, { station });
  return { backend, station, sound, root };
}

/** Up to carton 1 full and box M's barcode refused. */
async function cartonOneFull(approval?: ApprovalPrompt, scale = false) {
  const made = await packing(approval, scale);
  for (const code of [BOX_S, MUG, MUG, BOX_M]) await made.station.scan(code);
  return made;
}

async function closeWith(root: HTMLElement, weight: string) {
  type($(root, 'carton-weight'), weight);
  $(root, 'carton-close')!.click();
}

describe('cartons at the packing table', () => {
  it('opens carton 1 in box S from its barcode and shows it open, with its SSCC', async () => {
    const { station, root, sound } = await packing();
    expect($(root, 'cartons')?.textContent, 'no carton before the first scan').toContain(
      'Коробки пока нет',
    );
    await station.scan(BOX_S);
    expect(station.state.banner?.outcome).toBe('box_opened');
    expect(station.state.banner?.tone).toBe('good');
    expect(sound).toHaveBeenLastCalledWith('good');
    await until(() => {
      expect($(root, 'scan-banner')?.textContent).toContain('Коробка 1: тара S');
      expect($(root, 'carton-1')?.dataset.open).toBe('true');
    });
    expect($(root, 'carton-1')?.textContent).toContain('открыта');
    expect($(root, 'carton-1-sscc')?.textContent).toBe('SSCC 046012340000000017');
    await station.scan(MUG);
    await until(() => expect($(root, 'carton-1')?.dataset.units, 'the mug went in').toBe('1'));
  });

  it('refuses another box while carton 1 holds goods, in red words', async () => {
    const { station, root, sound } = await cartonOneFull();
    expect(station.state.banner?.outcome).toBe('close_carton_first');
    expect(sound).toHaveBeenLastCalledWith('bad');
    const banner = $(root, 'scan-banner');
    expect(banner?.dataset.tone).toBe('bad');
    expect(banner?.textContent).toContain('В коробке 1 уже 2 шт.: сначала закройте её с весом');
    setLanguage('en');
    flushSync();
    expect(banner?.textContent).toContain('Carton 1 holds 2 units: close it with its weight');
  });

  it('says the difference of a wrong weight, then closes with the right one', async () => {
    // The station's settings name a scale, but nothing answers on its port
    // (the recording's station has none): core says so, the weight is typed.
    const { station, root, sound, backend } = await cartonOneFull(undefined, true);
    await until(() => expect(($(root, 'close-carton') as HTMLButtonElement).disabled).toBe(false));
    expect(ctrl('KeyK').defaultPrevented, 'Ctrl+K opens the close dialog').toBe(true);
    expect($(root, 'close-carton-dialog')).not.toBeNull();
    $(root, 'read-scale')!.click();
    await until(() =>
      expect($(root, 'carton-note')?.textContent).toContain('no scale is set for this station'),
    );
    await closeWith(root, '5 kg');
    await until(() => expect($(root, 'close-carton-dialog')?.dataset.stage).toBe('off'));
    expect($(root, 'carton-note')?.textContent).toContain(
      'Вес не сходится: 5 кг, должно быть 780 г ± 50 г (тяжелее на 4,22 кг)',
    );
    expect(sound).toHaveBeenLastCalledWith('bad');
    expect($(root, 'carton-recount'), 'recount is offered').not.toBeNull();
    // The packer weighs again rather than asking for an override.
    type($(root, 'carton-weight'), '780 g');
    expect($(root, 'close-carton-dialog')?.dataset.stage, 'a new weight is checked afresh').toBe(
      'weigh',
    );
    $(root, 'carton-close')!.click();
    await until(() => expect($(root, 'close-carton-dialog')).toBeNull());
    expect(backend.calls.filter((c) => c.cmd === 'close_carton').map((c) => c.args)).toEqual([
      { number: '1001', weight: '5 kg', reason: null, approval: null },
      { number: '1001', weight: '780 g', reason: null, approval: null },
    ]);
    expect(station.state.banner?.outcome).toBe('carton_closed');
    expect($(root, 'scan-banner')?.textContent).toContain(
      'Коробка 1 закрыта: 780 г, ожидалось 780 г ± 50 г ✔',
    );
    await until(() => expect($(root, 'carton-1')?.dataset.open).toBe('false'));
    expect($(root, 'carton-1-weight')?.textContent?.trim()).toBe('780 г из 780 г');
    expect(($(root, 'close-carton') as HTMLButtonElement).disabled, 'nothing open to close').toBe(
      true,
    );
  });

  it('offers "Read scale" only where the station has a scale', async () => {
    const { root } = await cartonOneFull();
    await until(() => expect(($(root, 'close-carton') as HTMLButtonElement).disabled).toBe(false));
    $(root, 'close-carton')!.click();
    flushSync();
    expect($(root, 'carton-weight'), 'the weight is typed').not.toBeNull();
    expect($(root, 'read-scale'), 'no scale device set').toBeNull();
  });

  it('opens the next carton with Ctrl+B, in the default box', async () => {
    const { station, root, backend } = await cartonOneFull();
    await station.closeCarton('780 g');
    expect(ctrl('KeyB').defaultPrevented).toBe(true);
    await until(() => expect($(root, 'carton-2')?.dataset.open).toBe('true'));
    expect(backend.calls.find((c) => c.cmd === 'open_carton')?.args).toEqual({
      number: '1001',
      boxCode: null,
    });
    expect($(root, 'carton-2')?.textContent).toContain('тара M');
    expect($(root, 'scan-banner')?.textContent).toContain('Коробка 2: тара M');
  });

  it('accepts a weight off the tolerance only with a reason and a supervisor', async () => {
    const maria = supervisor(MARIA_PIN);
    const { station, root, backend } = await cartonOneFull(maria.prompt);
    await station.closeCarton('780 g');
    await station.openCarton();
    await station.scan(PRESS);
    await until(() => expect($(root, 'carton-2')?.dataset.units).toBe('1'));
    $(root, 'close-carton')!.click();
    flushSync();
    await closeWith(root, '3 kg');
    await until(() => expect($(root, 'carton-accept')).not.toBeNull());
    expect($(root, 'carton-note')?.textContent).toContain('тяжелее на 2,03 кг');
    $(root, 'carton-accept')!.click();
    await until(() => expect($(root, 'carton-reason')).not.toBeNull());
    expect(
      ($(root, 'carton-accept-confirm') as HTMLButtonElement).disabled,
      'no reason, nothing to approve',
    ).toBe(true);
    type($(root, 'carton-reason'), 'вкладыш с инструкцией');
    $(root, 'carton-accept-confirm')!.click();
    await until(() => expect($(root, 'close-carton-dialog')).toBeNull());
    expect(maria.asked.map((a) => a.what)).toEqual(['accept_weight']);
    expect(backend.calls.filter((c) => c.cmd === 'close_carton').slice(-2)).toEqual([
      {
        cmd: 'close_carton',
        args: { number: '1001', weight: '3 kg', reason: 'вкладыш с инструкцией', approval: null },
      },
      {
        cmd: 'close_carton',
        args: {
          number: '1001',
          weight: '3 kg',
          reason: 'вкладыш с инструкцией',
          approval: MARIA_PIN,
        },
      },
    ]);
    expect($(root, 'scan-banner')?.textContent).toContain(
      'Коробка 2 закрыта: 3 кг, ожидалось 970 г (тяжелее на 2,03 кг); принял(а) Мария Иванова: вкладыш с инструкцией',
    );
    await until(() =>
      expect($(root, 'carton-2')?.textContent).toContain('принял(а) Мария Иванова'),
    );
  });

  it('shows both cartons closed once the order is finished', async () => {
    const { station, root } = await cartonOneFull(supervisor(MARIA_PIN).prompt);
    await station.closeCarton('780 g');
    await station.openCarton();
    await station.scan(PRESS);
    await station.closeCarton('3 kg', 'вкладыш с инструкцией');
    await station.finish();
    expect(station.state.phase).toBe('handover');
    await until(() => {
      expect($(root, 'carton-1')?.dataset.open).toBe('false');
      expect($(root, 'carton-2')?.dataset.open).toBe('false');
    });
    expect($(root, 'carton-2-weight')?.textContent?.trim()).toBe('3 кг из 970 г');
    expect($(root, 'carton-2-sscc')?.textContent).toBe('SSCC 046012340000000024');
  });

  it('at the hand-over of an order packed with no cartons recorded, says so and offers to print, not to print again', async () => {
    // packing-ready.json: the demo's first ready order, packed by the demo
    // with no carton and nothing printed, scanned at an idle station.
    replay('packing-ready');
    const number = flow('packing-ready').steps.find((s) => s.cmd === 'open_for_packing')!.args
      .number as string;
    const station = new PackingStation({
      ipc,
      autoFinish: () => false,
      hasScale: () => false,
      sound: vi.fn(),
      newScanId: () => 'scan-1',
      approval: supervisor().prompt,
    });
    await station.scan(number);
    expect(station.state.phase).toBe('handover');
    const root = show(Packing as never, { station });
    await until(() =>
      expect($(root, 'cartons-none')?.textContent?.trim(), 'no scan is left to open a carton').toBe(
        'Коробки этого заказа не записаны',
      ),
    );
    expect($(root, 'print-none')?.textContent).toContain('ещё не печатались');
    const print = $(root, 'print-again')?.textContent ?? '';
    expect(print, 'nothing was printed: not "again"').toContain('Печать');
    expect(print).not.toContain('снова');
  });

  it('keeps the order as it was when nobody approves the difference (Esc)', async () => {
    const nobody = supervisor(null);
    const { station } = await cartonOneFull(nobody.prompt);
    await station.closeCarton('780 g');
    await station.openCarton();
    await station.scan(PRESS);
    const r = await station.closeCarton('3 kg', 'вкладыш с инструкцией');
    expect(r.kind).toBe('not_approved');
    expect(station.state.banner?.msg.key).toBe('approval.cancelled');
    expect(station.state.cartons.find((c) => c.seq === 2)?.closed_at, 'still open').toBeNull();
  });

  it('has the packing strip in English too', async () => {
    setLanguage('en');
    const { station, root } = await cartonOneFull();
    await station.closeCarton('780 g');
    await until(() =>
      expect($(root, 'carton-1-weight')?.textContent?.trim()).toBe('780 g of 780 g'),
    );
    expect($(root, 'new-carton')?.textContent).toContain('New carton');
    expect($(root, 'close-carton')?.textContent).toContain('Ctrl+K');
    expect($(root, 'scan-banner')?.textContent).toContain(
      'Carton 1 closed: 780 g, expected 780 g ± 50 g ✔',
    );
  });
});

describe('cartons and weights in the settings', () => {
  const info = reply<AppInfo>('carton-settings', 'app_info');

  async function settings() {
    const backend = replay('carton-settings');
    const root = show(Settings as never, { info, onSaved: () => {} });
    await until(() => {
      expect($(root, 'box-S')).not.toBeNull();
      expect($(root, 'carton-prefix')).not.toBeNull();
    });
    return { backend, root };
  }

  it('lists the store’s boxes with their size, empty weight and barcode', async () => {
    const { root } = await settings();
    const cells = (code: string) =>
      [...$(root, `box-${code}`)!.querySelectorAll('[role="cell"]')].map((c) =>
        c.textContent?.trim(),
      );
    expect(cells('S').slice(0, 5)).toEqual([
      'S',
      'Коробка S / Box S',
      '200 × 150 × 100',
      '120',
      'BOX-S',
    ]);
    expect(cells('L')[2]).toBe('400 × 300 × 250');
    expect(($(root, 'carton-default-box') as HTMLSelectElement).value).toBe('M');
    expect(($(root, 'carton-tolerance-g') as HTMLInputElement).value).toBe('50');
    expect(($(root, 'carton-tolerance-pct') as HTMLInputElement).value, '500 bp').toBe('5');
    expect(($(root, 'carton-weigh') as HTMLInputElement).checked).toBe(false);
  });

  it('adds a box, saying what core refused first', async () => {
    const { root, backend } = await settings();
    const saved = flow('carton-settings').steps.filter((s) => s.cmd === 'save_box_type');
    const xl = saved[1]!.args.boxType as BoxType;
    $(root, 'box-add')!.click();
    flushSync();
    type($(root, 'box-code'), xl.code);
    type($(root, 'box-name'), ' ');
    type($(root, 'box-length'), String(xl.length_mm));
    type($(root, 'box-width'), String(xl.width_mm));
    type($(root, 'box-height'), String(xl.height_mm));
    type($(root, 'box-tare'), String(xl.tare_g));
    type($(root, 'box-barcode'), xl.barcode!);
    $(root, 'box-save')!.click();
    const [refused] = refusals('carton-settings', 'save_box_type');
    await until(() => expect($(root, 'box-message')?.textContent).toContain(refused!.message));
    type($(root, 'box-name'), xl.name);
    $(root, 'box-save')!.click();
    await until(() => expect($(root, 'box-XL')).not.toBeNull());
    expect($(root, 'box-message')?.textContent).toContain('Тара XL сохранена');
    expect(backend.calls.filter((c) => c.cmd === 'save_box_type').map((c) => c.args)).toEqual(
      saved.map((s) => s.args),
    );
  });

  it('saves the GS1 prefix and tolerance, core’s refusal shown as it came', async () => {
    const { root, backend } = await settings();
    type($(root, 'carton-prefix'), '460');
    $(root, 'carton-settings-save')!.click();
    await until(() =>
      expect($(root, 'carton-settings-message')?.textContent).toContain(
        'the GS1 company prefix "460" is not 7 to 10 digits',
      ),
    );
    type($(root, 'carton-prefix'), '4601234');
    type($(root, 'carton-tolerance-g'), '30');
    type($(root, 'carton-tolerance-pct'), '2,5');
    const weigh = $(root, 'carton-weigh') as HTMLInputElement;
    weigh.click();
    flushSync();
    $(root, 'carton-settings-save')!.click();
    await until(() =>
      expect($(root, 'carton-settings-message')?.textContent).toMatch(
        /✔\s+Настройки коробок сохранены/,
      ),
    );
    expect(backend.calls.filter((c) => c.cmd === 'set_carton_settings').at(-1)?.args).toEqual({
      settings: {
        company_prefix: '4601234',
        extension: 0,
        default_box: 'M',
        tolerance: { grams: 30, percent_bp: 250 },
        weigh: true,
      },
    });
  });

  it('saves this table’s scale device with the station’s settings', async () => {
    const { root, backend } = await settings();
    const saved = flow('carton-settings').steps.find((s) => s.cmd === 'save_settings')!;
    const field = $(root, 'settings-scale-device') as HTMLInputElement;
    expect(field.value, 'no scale yet: weights are typed').toBe('');
    type(field, '/dev/ttyUSB0');
    $(root, 'settings-save')!.click();
    await until(() => expect($(root, 'settings-message')?.textContent).toContain('✔'));
    expect(backend.calls.find((c) => c.cmd === 'save_settings')?.args).toEqual(saved.args);
  });

  it('is not shown to a packer', async () => {
    replay('settings');
    const root = show(Settings as never, {
      info: reply<AppInfo>('settings', 'app_info'),
      onSaved: () => {},
    });
    await until(() => expect($(root, 'seller-name')).not.toBeNull());
    expect($(root, 'settings-cartons')).toBeNull();
  });
});
