// Replies of core's stock commands for the UI's tests, written by hand in
// the exact shape of the generated bindings (no stock flow is recorded in
// src/fixtures yet: src-tauri/tests/recorder has none), with core's own
// words for its refusals (core/src/ops/stock_control.rs). The data is the
// demo's: PB-001 Кружка «Утро» (barcode 4006381333931, case barcode
// 14006381333938 of 6) and PB-002 Чайник 1.7 л in bins A-02, B-10, C-01.

import { mockIPC } from '@tauri-apps/api/mocks';
import type { BinView, CountSheet, SignedIn, StockChange } from '../lib/bindings';

export const BINS: BinView[] = [
  { code: 'A-02', name: 'Стеллаж A, полка 2', products: 1, on_hand: 10, reserved: 4 },
  { code: 'B-10', name: 'Стеллаж B, полка 10', products: 1, on_hand: 5, reserved: 0 },
  { code: 'C-01', name: 'Приёмка', products: 1, on_hand: 1, reserved: 0 },
];

export const MUG = { sku: 'PB-001', name: 'Кружка «Утро»' };
export const KETTLE = { sku: 'PB-002', name: 'Чайник 1.7 л' };

export function received(units: number, onHand: number, bin = 'C-01'): StockChange {
  return {
    product: MUG,
    units,
    bins: [{ bin, on_hand: onHand, reserved: 0 }],
    duplicate: false,
    message: `${MUG.name} (${MUG.sku}): +${units} into ${bin}, ${onHand} there now`,
  };
}

export function sheet(
  id: number,
  state: string,
  lines: [sku: string, onHand: number, reserved: number, counted: number][],
): CountSheet {
  return {
    count: {
      id,
      bin: 'A-02',
      state,
      started_by: 'Анна Смирнова',
      station: 'Станция 2',
      started_at: Date.UTC(2025, 10, 28, 9, 30),
      decided_by: state === 'open' ? null : 'Мария Петрова',
      decided_at: state === 'open' ? null : Date.UTC(2025, 10, 28, 9, 45),
    },
    lines: lines.map(([sku, on_hand, reserved, counted]) => ({
      sku,
      name: sku === MUG.sku ? MUG.name : KETTLE.name,
      on_hand,
      reserved,
      counted,
      difference: counted - on_hand,
    })),
  };
}

export type Handler = (args: Record<string, unknown>) => unknown;

/** Answers each command with its handler (a throw is core's refusal); records every call. */
export function backend(handlers: Record<string, Handler>) {
  const calls: { cmd: string; args: Record<string, unknown> }[] = [];
  mockIPC((cmd, payload) => {
    const args = (payload ?? {}) as Record<string, unknown>;
    calls.push({ cmd, args });
    const h = handlers[cmd];
    if (!h) return Promise.reject(`no reply for ${cmd} in this test`);
    try {
      return Promise.resolve(h(args));
    } catch (e) {
      return Promise.reject(e);
    }
  });
  return {
    calls,
    sent: (cmd: string) => calls.filter((c) => c.cmd === cmd).map((c) => c.args),
  };
}

export function refuse(code: string, message: string): never {
  throw { code, message };
}

/**
 * Who core says is signed in, as app_info names them: a packer and a
 * supervisor of the demo, with `may` as core lists it for their roles.
 */
export const PACKER: SignedIn = {
  name: 'Анна',
  login: 'анна',
  roles: ['packer'],
  channels: [],
  may: [
    'claim_order',
    'open_for_packing',
    'record_scan',
    'undo_scan',
    'finish_packing',
    'release_claim',
    'take_apart',
    'ship_order',
    'open_carton',
    'close_carton',
    'receive_stock',
    'move_stock',
    'count_stock',
    'add_note',
    'print',
    'read_audit',
    'save_filter',
  ],
};

export const SUPERVISOR: SignedIn = {
  name: 'Мария',
  login: 'мария',
  roles: ['supervisor'],
  channels: [],
  may: [
    'claim_order',
    'open_for_packing',
    'record_scan',
    'undo_scan',
    'finish_packing',
    'release_claim',
    'take_apart',
    'ship_order',
    'open_carton',
    'close_carton',
    'set_cartons',
    'receive_stock',
    'move_stock',
    'adjust_stock',
    'count_stock',
    'edit_products',
    'create_pick_list',
    'pick_scan',
    'short_pick',
    'complete_pick_list',
    'create_order',
    'edit_order',
    'assign_order',
    'hold_order',
    'reserve_again',
    'set_expected_date',
    'split_order',
    'confirm_order',
    'cancel_order',
    'move_orders',
    'set_sub_status',
    'record_payment',
    'add_note',
    'pin_note',
    'print',
    'import_orders',
    'import_products',
    'set_seller',
    'read_audit',
    'save_filter',
    'export_orders',
    'retry_message',
  ],
};
