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
        Shipped = "shipped",
        /// Moved by hand along the matrix (delivered, completed, returned).
        Delivered = "delivered",
        Completed = "completed",
        Returned = "returned",
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
    }
}
