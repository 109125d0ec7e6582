// The values of generated string unions (bindings.ts) that the UI walks
// through at run time, in the order it shows them. Each list is checked
// against its union when compiling: a value missing, or one that does not
// exist, fails `npm run check`, so a status added in Rust cannot go unseen.

import type { DocumentKind, ErrorCode, OrderStatus } from './bindings';

/** `values`, typed so that they must be exactly the members of `T`. */
function every<T extends string>() {
  return <const V extends readonly T[]>(
    values: V & ([T] extends [V[number]] ? unknown : { missing: Exclude<T, V[number]> }),
  ): readonly T[] => values;
}

/** The order's life, in order (the orders screen's tabs). */
export const ORDER_STATUSES = every<OrderStatus>()([
  'new',
  'confirmed',
  'picking',
  'packing',
  'ready',
  'shipped',
  'delivered',
  'completed',
  'returned',
  'cancelled',
]);

/** Documents in the order the settings and print screens list them. */
export const DOCUMENT_KINDS = every<DocumentKind>()([
  'invoice',
  'packing_slip',
  'label',
  'pick_list',
  'manifest',
]);

/** Every code a command may fail with. */
export const ERROR_CODES = every<ErrorCode>()([
  'not_found',
  'invalid_transition',
  'conflict',
  'refused',
  'invalid',
  'forbidden',
  'unavailable',
  'damaged',
  'storage',
  'migration',
]);
