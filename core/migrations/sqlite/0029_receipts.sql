-- Receipts under 54-ФЗ (issue 15 item 3): what Packbench prepares for the
-- shop's online cash register, per order, and what the register answered.
-- A receipt is `prepared` (built from the order, not fiscal), `sending`
-- (handed to a register now, under a lease), `sent` (the register took it
-- and has not answered yet), `fiscalised` (the register answered with its
-- fiscal attributes) or `failed` (refused or unanswered, with the reason;
-- it can be sent again under the same external id). The fiscal attributes
-- are there if and only if the state is `fiscalised`: the database itself
-- refuses a receipt that claims to be fiscal without them, or carries them
-- without being fiscal. Keep in step with ../postgres/0029_receipts.sql.

CREATE TABLE receipts (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id        INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    -- A refund receipt for a return names it.
    return_id       INTEGER REFERENCES returns(id),
    -- приход / возврат прихода.
    kind            TEXT NOT NULL CHECK (kind IN ('sell', 'sell_refund')),
    -- What money it is for (prepayment, advance, settlement, credit
    -- payment, refund): domain::receipt::ReceiptPurpose.
    purpose         TEXT NOT NULL,
    -- The store's taxation system when it was prepared (СНО).
    taxation        TEXT NOT NULL,
    -- The buyer's e-mail or phone the register sends the receipt to.
    contact         TEXT NOT NULL,
    currency        TEXT NOT NULL,
    total_minor     INTEGER NOT NULL CHECK (total_minor > 0),
    state           TEXT NOT NULL
        CHECK (state IN ('prepared', 'sending', 'sent', 'fiscalised', 'failed')),
    -- Unique per receipt: a register registers one external id once, so
    -- sending again after a lost answer cannot make a second receipt.
    external_id     TEXT NOT NULL UNIQUE,
    -- The register (driver) it went to, and the id that register gave it.
    register        TEXT NOT NULL DEFAULT '',
    register_uuid   TEXT,
    -- Why it failed, or why it is not fiscal.
    reason          TEXT NOT NULL DEFAULT '',
    prepared_at     INTEGER NOT NULL,
    prepared_by     TEXT NOT NULL,
    station         TEXT NOT NULL,
    sending_since   INTEGER,
    sent_at         INTEGER,
    -- The register's fiscal attributes: ФН, ФД, ФПД, the time on the
    -- receipt (as the register wrote it), shift, registration number.
    fn_number       TEXT,
    fd_number       TEXT,
    fpd             TEXT,
    fiscal_time     TEXT,
    shift_number    TEXT,
    registration_number TEXT,
    fns_site        TEXT,
    fiscalised_at   INTEGER,
    CHECK ((state = 'fiscalised') = (fn_number IS NOT NULL AND fd_number IS NOT NULL
                                     AND fpd IS NOT NULL AND fiscal_time IS NOT NULL)),
    CHECK (state = 'fiscalised' OR (registration_number IS NULL AND shift_number IS NULL
                                    AND fiscalised_at IS NULL))
);
CREATE INDEX receipts_order ON receipts(order_id, id);
CREATE INDEX receipts_to_send ON receipts(state) WHERE state IN ('prepared', 'sending', 'sent', 'failed');

CREATE TABLE receipt_lines (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    receipt_id    INTEGER NOT NULL REFERENCES receipts(id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    order_line_id INTEGER REFERENCES order_lines(id) ON DELETE SET NULL,
    name          TEXT NOT NULL,
    price_minor   INTEGER NOT NULL CHECK (price_minor >= 0),
    quantity      INTEGER NOT NULL CHECK (quantity > 0),
    amount_minor  INTEGER NOT NULL CHECK (amount_minor = price_minor * quantity),
    -- The VAT tag (none, vat22, vat122 ...) and the VAT in the amount.
    vat           TEXT NOT NULL,
    vat_minor     INTEGER NOT NULL,
    -- Признак способа расчёта and признак предмета расчёта.
    method        TEXT NOT NULL,
    subject       TEXT NOT NULL,
    marking_code  TEXT,
    UNIQUE (receipt_id, position)
);

CREATE TABLE receipt_payments (
    receipt_id    INTEGER NOT NULL REFERENCES receipts(id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    -- cash, electronic, prepayment (зачёт предоплаты), credit (постоплата).
    kind          TEXT NOT NULL CHECK (kind IN ('cash', 'electronic', 'prepayment', 'credit')),
    amount_minor  INTEGER NOT NULL CHECK (amount_minor > 0),
    PRIMARY KEY (receipt_id, position)
);
