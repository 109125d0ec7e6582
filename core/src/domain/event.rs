//! What the history of an order (and of the store) records.

crate::named_enum! {
    /// The kind of an event row: every state change writes one, in the same
    /// transaction as the change.
    pub enum EventKind("event kind") {
        /// Entered by hand or by the demo.
        Created = "created",
        /// Came in from a shop's export.
        Imported = "imported",
        Confirmed = "confirmed",
        /// Changed after it was placed (lines, contact, delivery, number):
        /// before and after hold only what changed.
        Edited = "edited",
        /// Given to a manager (or taken from one).
        Assigned = "assigned",
        /// Stock reserved again for what the order was missing.
        Reserved = "reserved",
        /// The day the missing units of a back-ordered line are expected.
        ExpectedDate = "expected_date",
        /// Split in two: the rest of the order ships later as another.
        Split = "split",
        /// Put on hold with a reason, or the hold released.
        Held = "held",
        Cancelled = "cancelled",
        /// Put on a pick list (confirmed → picking).
        PickList = "pick_list",
        /// A pick-list line came up short on the shelf.
        ShortPick = "short_pick",
        /// The pick list holding the order is complete.
        Picked = "picked",
        /// A station claimed the order for packing.
        Claimed = "claimed",
        /// The claim was given back (the station or a supervisor).
        ClaimReleased = "claim_released",
        /// Packed complete (packing → ready).
        Packed = "packed",
        /// Packed with missing units and a reason.
        PackedShort = "packed_short",
        /// A packed order opened again for changes (ready → packing).
        TakenApart = "taken_apart",
        /// A carton closed, with its weight and what it should weigh.
        CartonClosed = "carton_closed",
        Shipped = "shipped",
        /// Moved by hand along the matrix (delivered, completed, returned).
        Delivered = "delivered",
        Completed = "completed",
        Returned = "returned",
        /// Goods came back from a shipped order (all or some of them).
        ReturnReceived = "return_received",
        PaymentRecorded = "payment_recorded",
        RefundRecorded = "refund_recorded",
        NoteAdded = "note_added",
        /// A note pinned or unpinned.
        NotePinned = "note_pinned",
        Printed = "printed",
        PrintFailed = "print_failed",
        /// A job waits: no printer is chosen for its document.
        PrintWaiting = "print_waiting",
        /// The seller's details on documents changed.
        SellerChanged = "seller_changed",
        /// The store's lifecycle changed: a status renamed, added or
        /// removed, a limit set, a transition allowed or forbidden.
        LifecycleChanged = "lifecycle_changed",
        /// The order was put in one of the store's own statuses inside its
        /// stage (or back in the bare stage).
        SubStatusSet = "sub_status_set",
        /// A user added (by an admin, the first run or the demo).
        UserCreated = "user_created",
        /// A user's name, roles, channels, state, PIN or badge changed.
        UserChanged = "user_changed",
        /// Someone signed in at a station (PIN, password or badge).
        SignedIn = "signed_in",
        /// A login locked after too many wrong PINs.
        LockedOut = "locked_out",
        TokenCreated = "token_created",
        TokenRevoked = "token_revoked",
        // Dropshipping (issue 15 item 4).
        /// Purchase orders made for the lines a supplier ships.
        PurchaseOrdered = "purchase_ordered",
        /// One part of the order left (the warehouse's parcel or a
        /// supplier's) while another still waits.
        PartShipped = "part_shipped",
        /// A dropshipping supplier added or changed, or a product linked to one.
        SupplierChanged = "supplier_changed",
        /// The order was cancelled: its purchase orders still waiting are
        /// cancelled and the suppliers told.
        PurchaseOrderCancelled = "purchase_order_cancelled",
        // Receipts under 54-ФЗ (issue 15 item 3).
        /// A receipt built from the order and kept (not fiscal).
        ReceiptPrepared = "receipt_prepared",
        /// A receipt handed to the register, which has not answered yet.
        ReceiptSent = "receipt_sent",
        /// The register answered with the receipt's fiscal attributes.
        ReceiptFiscalised = "receipt_fiscalised",
        /// The register refused a receipt or did not answer.
        ReceiptFailed = "receipt_failed",
        /// The store's receipt settings changed.
        ReceiptSettingsChanged = "receipt_settings_changed",
    }
}

impl EventKind {
    /// What happened, in words (the audit trail's CSV; the app's screens
    /// have the same words in their dictionary).
    pub fn label(self, russian: bool) -> &'static str {
        use EventKind::*;
        let (en, ru) = match self {
            Created => ("Created", "Создан"),
            Imported => ("Imported", "Импортирован"),
            Confirmed => ("Confirmed", "Подтверждён"),
            Edited => ("Order changed", "Заказ изменён"),
            Assigned => ("Manager assigned", "Назначен менеджер"),
            Reserved => ("Stock reserved again", "Резерв повторён"),
            ExpectedDate => (
                "Expected date of missing units",
                "Ожидаемая дата поступления",
            ),
            Split => ("Order split", "Заказ разделён"),
            Held => ("Hold", "Удержание"),
            Cancelled => ("Cancelled", "Отменён"),
            PickList => ("Put on a pick list", "В сборочном листе"),
            ShortPick => ("Short pick", "Недостача при сборке"),
            Picked => ("Picked", "Собран"),
            Claimed => ("Claimed for packing", "Взят в упаковку"),
            ClaimReleased => ("Claim released", "Освобождён"),
            Packed => ("Packed", "Упакован"),
            PackedShort => ("Packed short", "Упакован с недовложением"),
            TakenApart => ("Box opened again", "Упаковка вскрыта"),
            CartonClosed => ("Carton closed", "Коробка закрыта"),
            Shipped => ("Shipped", "Отправлен"),
            Delivered => ("Delivered", "Доставлен"),
            Completed => ("Completed", "Завершён"),
            Returned => ("Returned", "Возврат"),
            ReturnReceived => ("Return received", "Возврат принят"),
            PaymentRecorded => ("Payment", "Оплата"),
            RefundRecorded => ("Refund", "Возврат денег"),
            NoteAdded => ("Note", "Заметка"),
            NotePinned => ("Note pinned", "Заметка закреплена"),
            Printed => ("Printed", "Напечатано"),
            PrintFailed => ("Printing failed", "Ошибка печати"),
            PrintWaiting => ("Waiting for a printer", "Ждёт выбора принтера"),
            SellerChanged => ("Seller details changed", "Изменены реквизиты продавца"),
            LifecycleChanged => ("Order statuses changed", "Изменены статусы заказов"),
            SubStatusSet => ("Step within stage", "Шаг внутри этапа"),
            UserCreated => ("User added", "Добавлен пользователь"),
            UserChanged => ("User changed", "Изменён пользователь"),
            SignedIn => ("Signed in", "Вход"),
            LockedOut => ("Login locked", "Вход заблокирован"),
            TokenCreated => ("API token issued", "Выдан API-токен"),
            TokenRevoked => ("API token revoked", "Отозван API-токен"),
            PurchaseOrdered => ("Purchase order to a supplier", "Заказ поставщику"),
            PartShipped => ("Part of the order shipped", "Отправлена часть заказа"),
            SupplierChanged => ("Supplier changed", "Поставщик изменён"),
            PurchaseOrderCancelled => ("Purchase order cancelled", "Заказ поставщику отменён"),
            ReceiptPrepared => ("Receipt prepared", "Чек подготовлен"),
            ReceiptSent => ("Receipt sent to the register", "Чек передан в кассу"),
            ReceiptFiscalised => ("Receipt fiscalised", "Чек пробит"),
            ReceiptFailed => ("Receipt not fiscalised", "Чек не пробит"),
            ReceiptSettingsChanged => ("Receipt settings changed", "Изменены настройки чеков"),
        };
        if russian {
            ru
        } else {
            en
        }
    }
}
