//! What the CLI shows: a table for people, JSON with --json.

use packbench_core::domain::money::{exponent_of, format_minor};
use packbench_core::ops::{
    Confirmation, Customer, DemoSummary, ImportSummary, Lifecycle, Moved, Opened, OrderDetail,
    OrderSummary, PrintJob, ProductView, UndoResult,
};
use serde::Serialize;

pub fn write_line(args: std::fmt::Arguments) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if writeln!(stdout, "{args}")
        .and_then(|_| stdout.flush())
        .is_err()
    {
        std::process::exit(0);
    }
}

fn emit<T: Serialize>(value: &T) {
    out!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}

fn money(minor: i64, currency: &str) -> String {
    format!("{} {currency}", format_minor(minor, exponent_of(currency)))
}

pub fn init(json: bool, db: &str, demo: Option<&DemoSummary>) {
    if json {
        emit(&serde_json::json!({"database": db, "demo": demo}));
        return;
    }
    out!("database ready: {db}");
    if let Some(d) = demo {
        out!(
            "demo warehouse loaded: {} products, {} orders; try `packbench-cli orders list --status confirmed`",
            d.products, d.orders
        );
    }
}

pub fn import(json: bool, s: &ImportSummary) {
    if json {
        emit(s);
        return;
    }
    out!(
        "imported {}, updated {}, already present {}, failed {}, warnings {}",
        s.imported,
        s.updated,
        s.skipped,
        s.failed,
        s.warnings
    );
    for e in &s.errors {
        out!(
            "  error   row {}{}: {}",
            e.row,
            e.order
                .as_deref()
                .map(|o| format!(" (order {o})"))
                .unwrap_or_default(),
            e.message
        );
    }
    for w in &s.warning_details {
        out!(
            "  warning row {}{}: {}",
            w.row,
            w.order
                .as_deref()
                .map(|o| format!(" (order {o})"))
                .unwrap_or_default(),
            w.message
        );
    }
}

pub fn order_list(json: bool, rows: &[OrderSummary], life: &Lifecycle) {
    if json {
        emit(&rows);
        return;
    }
    let ru = russian();
    out!(
        "{:<12} {:<14} {:<28} {:>7} {:>14}  {:<16} created",
        "number",
        "status",
        "customer",
        "packed",
        "total",
        "delivery"
    );
    for r in rows {
        out!(
            "{:<12} {:<14} {:<28} {:>7} {:>14}  {:<16} {}",
            r.number,
            truncate(&life.name(r.status, r.sub_status.as_deref(), ru), 14),
            truncate(&r.customer_name, 28),
            format!("{}/{}", r.packed, r.units),
            money(r.total_minor, &r.currency),
            truncate(&r.delivery_method, 16),
            r.created_at.format("%Y-%m-%d %H:%M")
        );
    }
    out!("{} orders", rows.len());
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

pub fn order(json: bool, d: &OrderDetail) {
    if json {
        emit(d);
        return;
    }
    let h = &d.head;
    out!(
        "order {} · {} ({}) · {}",
        h.number,
        h.sub_status.as_deref().unwrap_or(h.status.as_str()),
        d.status_name.get(russian()),
        h.customer_name
    );
    out!(
        "  {} · {} · {} · {}",
        h.channel,
        h.delivery_method,
        h.email,
        h.phone
    );
    if !h.shipping_address.is_empty() {
        out!("  {}", h.shipping_address.replace('\n', ", "));
    }
    if let Some(m) = &h.manager {
        out!("  manager: {m}");
    }
    if let Some(s) = &h.claimed_station {
        out!(
            "  claimed by station {s} ({})",
            h.claimed_by.as_deref().unwrap_or("?")
        );
    }
    if let (Some(c), Some(t)) = (&h.carrier, &h.tracking_number) {
        out!("  shipped with {c}, tracking {t}");
    }
    if !h.comment.is_empty() {
        out!("  comment: {}", h.comment);
    }
    for n in &d.notes {
        let pin = if n.pinned { "📌" } else { "  " };
        out!(
            "  {pin} note {}: {} ({}, {})",
            n.id,
            n.text,
            n.user,
            n.at.format("%Y-%m-%d %H:%M")
        );
    }
    if let Some(r) = &h.hold_reason {
        out!("  ⏸ on hold: {r}");
    }
    if let Some(n) = &d.split_from_number {
        out!("  split from order {n}");
    }
    if !d.split_into.is_empty() {
        out!("  the rest follows as order {}", d.split_into.join(", "));
    }
    for l in &d.lines {
        let mark = if l.packed == l.quantity { "✔" } else { " " };
        out!(
            "  {mark} {:<12} {:<36} bin {:<8} {:>3} / {:<3} {:>12}",
            l.sku,
            truncate(&l.name, 36),
            l.bin.as_deref().unwrap_or("-"),
            l.packed,
            l.quantity,
            money(l.unit_price_minor, &h.currency)
        );
        if l.backordered > 0 {
            out!(
                "      line {}: {} back-ordered{}",
                l.id,
                l.backordered,
                l.expected_on
                    .map(|d| format!(", expected {d}"))
                    .unwrap_or_default()
            );
        }
    }
    out!(
        "  packed {} of {} units · total {}",
        d.packed,
        d.units,
        money(d.total_minor, &h.currency)
    );
    out!(
        "  payment: {} · paid {} · balance {}",
        h.payment_status,
        money(d.paid_minor, &h.currency),
        money(d.balance_minor, &h.currency)
    );
    if let Some(r) = &h.short_reason {
        out!("  short-shipped: {r}");
    }
    for m in &d.marking_codes {
        out!(
            "  marking code {:<12} {}",
            m.sku,
            m.code.replace('\u{1d}', "<GS>")
        );
    }
    for e in &d.events {
        out!(
            "  {} {:<16} {} @ {}",
            e.at.format("%Y-%m-%d %H:%M:%S"),
            e.kind,
            e.user,
            e.station
        );
    }
}

pub fn confirmed(json: bool, c: &Confirmation) {
    if json {
        emit(c);
        return;
    }
    order(false, &c.order);
    if !c.unreserved_skus.is_empty() {
        out!(
            "  not enough stock to reserve: {}",
            c.unreserved_skus.join(", ")
        );
    }
}

/// Orders moved by hand: each with its status, or why it stayed.
pub fn moved(json: bool, moved: &[Moved]) {
    if json {
        emit(&moved);
        return;
    }
    for m in moved {
        match (&m.status, &m.refused) {
            (_, Some(why)) => out!("{}: not moved: {why}", m.number),
            (Some(status), None) => out!("{}: {status}", m.number),
            (None, None) => out!("{}: ?", m.number),
        }
    }
}

pub fn opened(json: bool, o: &Opened) {
    if json {
        emit(o);
        return;
    }
    match o {
        Opened::Packing { order: d } => order(false, d),
        Opened::HandOver { order: d } => {
            order(false, d);
            out!("  packed: hand it to the courier (ship it), or take it apart to change the box");
        }
    }
}

/// A closed box and what its printers did.
pub fn packed(json: bool, d: &OrderDetail, jobs: &[PrintJob]) {
    if json {
        emit(&serde_json::json!({"order": d, "print_jobs": jobs}));
        return;
    }
    order(false, d);
    for job in jobs {
        out!(
            "  {} {}: {} ({})",
            job.kind.as_str(),
            job.id,
            job.status,
            job.message
        );
    }
}

pub fn undone(json: bool, u: &UndoResult) {
    if json {
        emit(u);
        return;
    }
    out!(
        "undone: {} ({}) -{}; now {} of {}",
        u.code,
        u.sku,
        u.units,
        u.packed,
        u.ordered
    );
}

pub fn product(json: bool, p: &ProductView) {
    if json {
        emit(p);
        return;
    }
    out!(
        "{} · {} · {} g · bin {}",
        p.sku,
        p.name,
        p.weight_g,
        p.default_bin.as_deref().unwrap_or("-")
    );
    if p.marked {
        out!("  marked goods (Честный ЗНАК): packed by the item's DataMatrix only");
    }
    if !p.category.is_empty() || p.low_stock.is_some() {
        out!(
            "  category {} · low stock at {}",
            if p.category.is_empty() {
                "-"
            } else {
                &p.category
            },
            p.low_stock.map_or("-".to_string(), |l| l.to_string())
        );
    }
    for b in &p.barcodes {
        out!("  barcode {} ({} per scan)", b.code, b.units);
    }
    for (bin, on_hand, reserved) in &p.stock {
        out!("  bin {bin:<10} on hand {on_hand:>6} reserved {reserved:>6}");
    }
}

/// The store's names are shown in Russian when the user's locale is
/// Russian (LC_ALL, LC_MESSAGES or LANG, the first one set).
fn russian() -> bool {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.is_empty())
        .is_some_and(|v| v.starts_with("ru"))
}

pub fn lifecycle(json: bool, life: &Lifecycle) {
    if json {
        emit(life);
        return;
    }
    out!(
        "{:<20} {:<10} {:<24} {:<24} limit",
        "code",
        "stage",
        "English",
        "Russian"
    );
    for s in &life.statuses {
        let code = if s.standard {
            s.code.clone()
        } else {
            format!("  {}", s.code)
        };
        out!(
            "{:<20} {:<10} {:<24} {:<24} {}",
            code,
            s.stage.as_str(),
            truncate(&s.label_en, 24),
            truncate(&s.label_ru, 24),
            s.max_minutes
                .map(|m| format!("{m} min"))
                .unwrap_or_else(|| "-".into())
        );
    }
    out!("allowed transitions (🔒 locked: the packing rules depend on it):");
    for c in life.transitions.iter().filter(|c| c.allowed) {
        let lock = c
            .locked
            .map(|l| format!(" 🔒 {}", l.why()))
            .unwrap_or_default();
        out!("  {} → {}{lock}", c.from.as_str(), c.to.as_str());
    }
}

pub fn customers(json: bool, found: &[Customer]) {
    if json {
        emit(&found);
        return;
    }
    for c in found {
        out!(
            "{:>6}  {:<32} {:<18} {:<28} {}",
            c.id,
            truncate(&c.name, 32),
            c.phone,
            truncate(&c.email, 28),
            truncate(&c.address.replace('\n', ", "), 40)
        );
    }
    out!("{} customers", found.len());
}

pub fn import_preview(json: bool, p: &packbench_core::ops::ImportPreview) {
    if json {
        emit(p);
        return;
    }
    out!(
        "{} data rows ({}); {} would be imported, {} rows with errors",
        p.total_rows,
        p.encoding,
        p.items,
        p.error_count
    );
    out!("fields the format reads, and the file's column for each:");
    for f in &p.fields {
        out!(
            "  {:<24} <- {}{}",
            f.field,
            f.header.as_deref().unwrap_or("(not in the file)"),
            if f.required { "  [required]" } else { "" }
        );
    }
    if let Some(e) = &p.file_error {
        out!("the file cannot be imported as mapped: {e}");
    }
    for e in p.errors.iter().take(20) {
        out!("  {e}");
    }
}

/// A stored time (milliseconds since 1970) as UTC text.
pub fn utc(at_ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(at_ms).map_or_else(
        || at_ms.to_string(),
        |t| t.format("%Y-%m-%d %H:%M UTC").to_string(),
    )
}
