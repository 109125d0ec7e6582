// The values of generated string unions (bindings.ts) that the UI walks
// through at run time, in the order it shows them. Each list is checked
// against its union when compiling: a value missing, or one that does not
// exist, fails `npm run check`, so a status added in Rust cannot go unseen.

import type {
  DocumentKind,
  ErrorCode,
  EventKind,
  ImportKind,
  Lock,
  MailSecurity,
  MessageStatus,
  NotifyEvent,
  OrderStatus,
  PaymentStatus,
  Role,
} from './bindings';

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
  'return_note',
  'sales_receipt',
  'torg12',
  'upd',
]);

/** Every code a command may fail with. */
export const ERROR_CODES = every<ErrorCode>()([
  'not_found',
  'invalid_transition',
  'conflict',
  'refused',
  'invalid',
  'forbidden',
  'needs_approval',
  'not_signed_in',
  'wrong_credentials',
  'locked_out',
  'unavailable',
  'damaged',
  'storage',
  'migration',
]);

/** Every payment state of an order. */
export const PAYMENT_STATUSES = every<PaymentStatus>()([
  'awaiting_payment',
  'partially_paid',
  'paid',
  'partially_refunded',
  'refunded',
]);

/** Why a transition of the matrix cannot be forbidden (the legend's order). */
export const LOCKS = every<Lock>()(['finishing', 'hand_over', 'take_apart']);

/** Every kind of history entry, so each one has words in both languages. */
export const EVENT_KINDS = every<EventKind>()([
  'created',
  'imported',
  'confirmed',
  'edited',
  'assigned',
  'reserved',
  'expected_date',
  'split',
  'held',
  'cancelled',
  'pick_list',
  'short_pick',
  'picked',
  'claimed',
  'claim_released',
  'packed',
  'packed_short',
  'taken_apart',
  'carton_closed',
  'shipped',
  'delivered',
  'completed',
  'returned',
  'return_received',
  'payment_recorded',
  'refund_recorded',
  'note_added',
  'note_pinned',
  'printed',
  'print_failed',
  'print_waiting',
  'seller_changed',
  'lifecycle_changed',
  'sub_status_set',
  'user_created',
  'user_changed',
  'signed_in',
  'locked_out',
  'token_created',
  'token_revoked',
  // Receipts under 54-ФЗ (issue 15 item 3).
  'receipt_prepared',
  'receipt_sent',
  'receipt_fiscalised',
  'receipt_failed',
  'receipt_settings_changed',
  // Dropshipping (issue 15 item 4).
  'purchase_ordered',
  'part_shipped',
  'supplier_changed',
  'purchase_order_cancelled',
]);

/** Every role, in the order the users screen offers them. */
export const ROLES = every<Role>()(['picker', 'packer', 'manager', 'supervisor', 'admin']);

/** What a customer is told about, in the order of an order's life. */
export const NOTIFY_EVENTS = every<NotifyEvent>()([
  'confirmed',
  'back_ordered',
  'packed',
  'shipped',
  'at_pickup_point',
  'delivered',
  // To the dropshipping supplier (issue 15 item 4).
  'purchase_order',
  'purchase_order_cancelled',
]);

/** Where a customer message is, in the order the outbox's filter offers them. */
export const MESSAGE_STATUSES = every<MessageStatus>()([
  'queued',
  'sending',
  'sent',
  'failed',
  'given_up',
  'skipped',
]);

/** What a file brings in: orders in a shop's format first, products last. */
export const IMPORT_KINDS = every<ImportKind>()([
  'shopify',
  'woocommerce',
  'packbench',
  'products',
]);

/** How the connection to the mail server is protected, the usual first. */
export const MAIL_SECURITIES = every<MailSecurity>()(['starttls', 'tls', 'none']);
