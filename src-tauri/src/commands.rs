//! The commands of docs/IPC.md: each takes the state, calls one op of core
//! and maps its error. Rules live in core, not here.

use crate::error::IpcError;
use crate::state::{AppInfo, AppState, Settings};
use packbench_core::documents::{DocumentKind, DocumentSettings, Lang, PrintSettings, Seller};
use packbench_core::domain::scan::ScanResult;
use packbench_core::domain::OrderStatus;
use packbench_core::ops::{
    self, AuditEntry, AuditFilter, Carrier, Confirmation, Credential, Customer, DbTest,
    DemoSummary, DocumentKey, DocumentPreview, Edited, ExportRequest, GroupBy, GroupCount,
    ImportKind, ImportPreview, ImportSummary, Lifecycle, MailSettings, MessageStatus, Moved,
    NewStatus, NotifyEvent, Opened, OrderDetail, OrderEdit, OrderFilter, OrderSummary,
    OutboxMessage, Packed, PaymentInput, PhoneOrderInput, PickList, PickListSummary,
    PickScanResult, PickSelection, Preview, PrintJob, Printer, ProductMatch, SavedFilter, SignedIn,
    Split, SplitLine, StatusCount, Template, UndoResult, UserInput, UserView,
};
use tauri::State;

pub(crate) type Reply<T> = Result<T, IpcError>;

/// The demo warehouse is the same on every station (and in the CLI's `init --demo`).
const DEMO_SEED: u64 = 1;

#[tauri::command]
#[specta::specta]
pub async fn app_info(state: State<'_, AppState>) -> Reply<AppInfo> {
    state.info().await
}

#[tauri::command]
#[specta::specta]
pub async fn load_demo(state: State<'_, AppState>) -> Reply<DemoSummary> {
    let store = state.store().await?;
    match state.actor() {
        Ok(actor) => Ok(ops::load_demo(&store, &actor, DEMO_SEED).await?),
        // The first run: nobody can sign in before the demo brings its users.
        Err(_) => {
            let (station, _) = state.station().await;
            Ok(ops::load_demo_first_run(&store, &station, DEMO_SEED).await?)
        }
    }
}

/// The database password, typed when the station has none for its server
/// (no keyring, or a new machine): the database opens with it.
#[tauri::command]
#[specta::specta]
pub async fn unlock_database(state: State<'_, AppState>, password: String) -> Reply<AppInfo> {
    state.unlock_database(password).await
}

/// Signs a user in at this station (PIN, password or badge); whoever was
/// signed in is signed out (the quick switch).
#[tauri::command]
#[specta::specta]
pub async fn log_in(state: State<'_, AppState>, credential: Credential) -> Reply<SignedIn> {
    let store = state.store_handle().await?;
    let (station, idle) = state.station().await;
    crate::logging::station(&station);
    let session = ops::log_in(&store, &station, &credential, idle).await?;
    let who = state.begin_session(session);
    crate::logging::user(Some(&who.name));
    tracing::info!("signed in");
    Ok(who)
}

#[tauri::command]
#[specta::specta]
pub async fn log_out(state: State<'_, AppState>) -> Reply<()> {
    tracing::info!("signed out");
    state.end_session();
    crate::logging::user(None);
    Ok(())
}

/// The first run of a database with no users: its administrator.
#[tauri::command]
#[specta::specta]
pub async fn create_first_admin(
    state: State<'_, AppState>,
    name: String,
    login: String,
    secret: String,
) -> Reply<SignedIn> {
    let store = state.store_handle().await?;
    let (station, idle) = state.station().await;
    let session = ops::create_first_admin(&store, &station, &name, &login, &secret, idle).await?;
    Ok(state.begin_session(session))
}

#[tauri::command]
#[specta::specta]
pub async fn list_users(state: State<'_, AppState>) -> Reply<Vec<UserView>> {
    let store = state.store().await?;
    Ok(ops::list_users(&store, &state.actor()?).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn save_user(state: State<'_, AppState>, user: UserInput) -> Reply<UserView> {
    let store = state.store_handle().await?;
    Ok(ops::save_user(&store, &state.actor()?, &user).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn user_names(state: State<'_, AppState>) -> Reply<Vec<String>> {
    let store = state.store().await?;
    Ok(ops::user_names(&store, &state.actor()?).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn audit(state: State<'_, AppState>, filter: AuditFilter) -> Reply<Vec<AuditEntry>> {
    let store = state.store().await?;
    Ok(ops::audit(&store, &state.actor()?, &filter).await?)
}

/// Writes the filtered audit trail as CSV into the Downloads folder and
/// returns the file's path.
#[tauri::command]
#[specta::specta]
pub async fn export_audit(state: State<'_, AppState>, filter: AuditFilter) -> Reply<String> {
    let store = state.store_handle().await?;
    let actor = state.actor()?;
    let russian = state.config.read().await.language == "ru";
    let csv = ops::audit_csv(&store, &actor, &filter, russian).await?;
    save_export("packbench-audit", "csv", store.now(), csv.as_ref())
}

#[tauri::command]
#[specta::specta]
pub async fn list_orders(
    state: State<'_, AppState>,
    filter: OrderFilter,
) -> Reply<Vec<OrderSummary>> {
    let store = state.store().await?;
    state.actor()?;
    Ok(ops::list_orders(&store, &filter).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn count_orders(state: State<'_, AppState>, filter: OrderFilter) -> Reply<i64> {
    let store = state.store().await?;
    state.actor()?;
    Ok(ops::count_orders(&store, &filter).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn group_orders(
    state: State<'_, AppState>,
    filter: OrderFilter,
    by: GroupBy,
    utc_offset_minutes: i32,
) -> Reply<Vec<GroupCount>> {
    let store = state.store().await?;
    state.actor()?;
    Ok(ops::group_orders(&store, &filter, by, utc_offset_minutes).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn saved_filters(state: State<'_, AppState>) -> Reply<Vec<SavedFilter>> {
    let store = state.store().await?;
    state.actor()?;
    Ok(ops::saved_filters(&store).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn save_filter(
    state: State<'_, AppState>,
    name: String,
    filter: OrderFilter,
) -> Reply<Vec<SavedFilter>> {
    let store = state.store().await?;
    Ok(ops::save_filter(&store, &state.actor()?, &name, &filter).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn delete_saved_filter(
    state: State<'_, AppState>,
    name: String,
) -> Reply<Vec<SavedFilter>> {
    let store = state.store().await?;
    Ok(ops::delete_saved_filter(&store, &state.actor()?, &name).await?)
}

/// Writes the filtered orders as CSV or XLSX into the export folder
/// (PACKBENCH_EXPORT_DIR, else Downloads), telling the window how far it
/// is with `export-progress` events; returns the file's path.
#[tauri::command]
#[specta::specta]
pub async fn export_orders(state: State<'_, AppState>, request: ExportRequest) -> Reply<String> {
    let store = state.store_handle().await?;
    let actor = state.actor()?;
    let path = export_path(&format!(
        "packbench-orders-{}.{}",
        store.now().format("%Y%m%d-%H%M%S"),
        request.format.as_str()
    ))?;
    let mut last = std::time::Instant::now();
    let exported = ops::export_orders(&store, &actor, &request, |done, total| {
        // A few events a second are enough for a progress bar.
        if done == 0 || done == total || last.elapsed().as_millis() >= 100 {
            last = std::time::Instant::now();
            state.report_progress("export", done, total);
        }
    })
    .await?;
    std::fs::write(&path, &exported.bytes)
        .map_err(|e| IpcError::invalid(format!("cannot write {}: {e}", path.display())))?;
    Ok(path.display().to_string())
}

/// Saves `bytes` as `<stem>-<time>.<ext>` in the folder exports go to and
/// returns the file's path (what the screens show as "Saved: ...").
pub(crate) fn save_export(
    stem: &str,
    ext: &str,
    now: chrono::DateTime<chrono::Utc>,
    bytes: &[u8],
) -> Result<String, IpcError> {
    let path = export_path(&format!("{stem}-{}.{ext}", now.format("%Y%m%d-%H%M%S")))?;
    std::fs::write(&path, bytes)
        .map_err(|e| IpcError::invalid(format!("cannot write {}: {e}", path.display())))?;
    Ok(path.display().to_string())
}

/// A new file's path in the folder exports go to.
pub(crate) fn export_path(name: &str) -> Result<std::path::PathBuf, IpcError> {
    let dir = std::env::var_os("PACKBENCH_EXPORT_DIR")
        .map(std::path::PathBuf::from)
        .or_else(dirs::download_dir)
        .or_else(dirs::home_dir)
        .ok_or_else(|| IpcError::invalid("there is no folder to save the file in"))?;
    std::fs::create_dir_all(&dir)
        .map_err(|e| IpcError::invalid(format!("cannot create {}: {e}", dir.display())))?;
    Ok(dir.join(name))
}

#[tauri::command]
#[specta::specta]
pub async fn status_counts(state: State<'_, AppState>) -> Reply<Vec<StatusCount>> {
    let store = state.store().await?;
    state.actor()?;
    Ok(ops::status_counts(&store).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn order_detail(state: State<'_, AppState>, number: String) -> Reply<OrderDetail> {
    let store = state.store().await?;
    state.actor()?;
    Ok(ops::order_detail(&store, &number).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn find_order(state: State<'_, AppState>, code: String) -> Reply<Option<String>> {
    let store = state.store().await?;
    state.actor()?;
    Ok(ops::find_order(&store, &code).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn confirm_order(state: State<'_, AppState>, number: String) -> Reply<Confirmation> {
    let store = state.store().await?;
    Ok(ops::confirm_order(&store, &state.actor()?, &number).await?)
}

/// Sets the status of one order or a selection by hand (delivered,
/// completed, returned, cancelled with a reason); each says how it went.
#[tauri::command]
#[specta::specta]
pub async fn move_orders(
    state: State<'_, AppState>,
    numbers: Vec<String>,
    to: OrderStatus,
    reason: Option<String>,
) -> Reply<Vec<Moved>> {
    let store = state.store().await?;
    let actor = state.actor()?;
    Ok(ops::move_orders(&store, &actor, &numbers, to, reason.as_deref()).await?)
}

/// A payment or a refund on the order's ledger.
#[tauri::command]
#[specta::specta]
pub async fn record_payment(
    state: State<'_, AppState>,
    number: String,
    payment: PaymentInput,
) -> Reply<OrderDetail> {
    let store = state.store().await?;
    Ok(ops::record_payment(&store, &state.actor()?, &number, &payment).await?)
}

/// A service note on the order; a pinned one shows at packing.
#[tauri::command]
#[specta::specta]
pub async fn add_note(
    state: State<'_, AppState>,
    number: String,
    text: String,
    pinned: bool,
) -> Reply<OrderDetail> {
    let store = state.store().await?;
    Ok(ops::add_note(&store, &state.actor()?, &number, &text, pinned).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn pin_note(
    state: State<'_, AppState>,
    number: String,
    note: i64,
    pinned: bool,
) -> Reply<OrderDetail> {
    let store = state.store().await?;
    Ok(ops::pin_note(&store, &state.actor()?, &number, note, pinned).await?)
}

/// A phone order entered by a manager: its number from the store's
/// sequence, its lines priced by core.
#[tauri::command]
#[specta::specta]
pub async fn create_order(
    state: State<'_, AppState>,
    order: PhoneOrderInput,
) -> Reply<OrderDetail> {
    let store = state.store().await?;
    Ok(ops::create_order(&store, &state.actor()?, &order).await?)
}

/// Changes an order until it is shipped; one history entry.
#[tauri::command]
#[specta::specta]
pub async fn edit_order(
    state: State<'_, AppState>,
    number: String,
    edit: OrderEdit,
) -> Reply<Edited> {
    let store = state.store().await?;
    Ok(ops::edit_order(&store, &state.actor()?, &number, &edit).await?)
}

/// Gives the order to a manager (null: to nobody).
#[tauri::command]
#[specta::specta]
pub async fn assign_order(
    state: State<'_, AppState>,
    number: String,
    manager: Option<String>,
) -> Reply<OrderDetail> {
    let store = state.store().await?;
    Ok(ops::assign_order(&store, &state.actor()?, &number, manager.as_deref()).await?)
}

/// Stock reserved again for what a confirmed order is missing.
#[tauri::command]
#[specta::specta]
pub async fn reserve_again(state: State<'_, AppState>, number: String) -> Reply<Edited> {
    let store = state.store().await?;
    Ok(ops::reserve_again(&store, &state.actor()?, &number).await?)
}

/// The day a back-ordered line's units are expected (YYYY-MM-DD; null: unknown).
#[tauri::command]
#[specta::specta]
pub async fn set_expected_date(
    state: State<'_, AppState>,
    number: String,
    line_id: i64,
    day: Option<String>,
) -> Reply<OrderDetail> {
    let store = state.store().await?;
    let actor = state.actor()?;
    Ok(ops::set_expected_date(&store, &actor, &number, line_id, day.as_deref()).await?)
}

/// Products that could stand in for a line.
#[tauri::command]
#[specta::specta]
pub async fn alternatives(
    state: State<'_, AppState>,
    number: String,
    line_id: i64,
) -> Reply<Vec<ProductMatch>> {
    let store = state.store().await?;
    state.actor()?;
    Ok(ops::alternatives(&store, &number, line_id).await?)
}

/// Splits an order; empty `lines`: its back-ordered units move.
#[tauri::command]
#[specta::specta]
pub async fn split_order(
    state: State<'_, AppState>,
    number: String,
    lines: Vec<SplitLine>,
) -> Reply<Split> {
    let store = state.store().await?;
    Ok(ops::split_order(&store, &state.actor()?, &number, &lines).await?)
}

/// Puts an order on hold with a reason (null: releases it).
#[tauri::command]
#[specta::specta]
pub async fn hold_order(
    state: State<'_, AppState>,
    number: String,
    reason: Option<String>,
) -> Reply<OrderDetail> {
    let store = state.store().await?;
    Ok(ops::hold_order(&store, &state.actor()?, &number, reason.as_deref()).await?)
}

/// Customers by phone (any formatting), e-mail or name.
#[tauri::command]
#[specta::specta]
pub async fn find_customers(state: State<'_, AppState>, query: String) -> Reply<Vec<Customer>> {
    let store = state.store().await?;
    state.actor()?;
    Ok(ops::find_customers(&store, &query).await?)
}

/// Products for an order line: a scanned code, or SKU/name text.
#[tauri::command]
#[specta::specta]
pub async fn find_products(state: State<'_, AppState>, query: String) -> Reply<Vec<ProductMatch>> {
    let store = state.store().await?;
    state.actor()?;
    Ok(ops::find_products(&store, &query).await?)
}

/// The store's lifecycle: every status with its names and limit, and the
/// matrix with the locked transitions.
#[tauri::command]
#[specta::specta]
pub async fn lifecycle(state: State<'_, AppState>) -> Reply<Lifecycle> {
    let store = state.store().await?;
    state.actor()?;
    Ok(ops::lifecycle(&store).await?)
}

/// New names for a status (admin).
#[tauri::command]
#[specta::specta]
pub async fn rename_status(
    state: State<'_, AppState>,
    code: String,
    label_en: String,
    label_ru: String,
) -> Reply<Lifecycle> {
    let store = state.store().await?;
    Ok(ops::rename_status(&store, &state.actor()?, &code, &label_en, &label_ru).await?)
}

/// The store's own status inside a stage (admin).
#[tauri::command]
#[specta::specta]
pub async fn add_status(state: State<'_, AppState>, status: NewStatus) -> Reply<Lifecycle> {
    let store = state.store().await?;
    Ok(ops::add_status(&store, &state.actor()?, &status).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn remove_status(state: State<'_, AppState>, code: String) -> Reply<Lifecycle> {
    let store = state.store().await?;
    Ok(ops::remove_status(&store, &state.actor()?, &code).await?)
}

/// Allows or forbids a transition between stages (admin); locked ones stay.
#[tauri::command]
#[specta::specta]
pub async fn set_transition(
    state: State<'_, AppState>,
    from: OrderStatus,
    to: OrderStatus,
    allowed: bool,
) -> Reply<Lifecycle> {
    let store = state.store().await?;
    Ok(ops::set_transition(&store, &state.actor()?, from, to, allowed).await?)
}

/// Minutes an order may stay in a status; null: no limit (admin).
#[tauri::command]
#[specta::specta]
pub async fn set_status_limit(
    state: State<'_, AppState>,
    code: String,
    max_minutes: Option<i64>,
) -> Reply<Lifecycle> {
    let store = state.store().await?;
    Ok(ops::set_status_limit(&store, &state.actor()?, &code, max_minutes).await?)
}

/// Puts the order in one of the store's own statuses inside its stage
/// (null: back in the bare stage).
#[tauri::command]
#[specta::specta]
pub async fn set_sub_status(
    state: State<'_, AppState>,
    number: String,
    code: Option<String>,
) -> Reply<OrderDetail> {
    let store = state.store().await?;
    Ok(ops::set_sub_status(&store, &state.actor()?, &number, code.as_deref()).await?)
}

/// A scanned or typed order number at the packing station: claimed and
/// packed, or (when packed already) handed over, unchanged.
#[tauri::command]
#[specta::specta]
pub async fn open_for_packing(state: State<'_, AppState>, number: String) -> Reply<Opened> {
    let store = state.store().await?;
    let opened = ops::open_for_packing(&store, &state.actor()?, &number).await;
    match &opened {
        Ok(_) => tracing::info!(order = %number, "opened at packing"),
        Err(e) => tracing::info!(order = %number, refused = %e, "not opened at packing"),
    }
    Ok(opened?)
}

/// Opens a packed order's box again at this station, with a reason.
#[tauri::command]
#[specta::specta]
pub async fn take_apart(
    state: State<'_, AppState>,
    number: String,
    reason: String,
    approval: Option<Credential>,
) -> Reply<OrderDetail> {
    let store = state.store_handle().await?;
    let actor = state.actor()?;
    Ok(ops::take_apart(&store, &actor, &number, &reason, approval.as_ref()).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn record_scan(
    state: State<'_, AppState>,
    number: String,
    code: String,
    scan_id: String,
) -> Reply<ScanResult> {
    let store = state.store().await?;
    let actor = state.actor()?;
    let result = ops::record_scan(&store, &actor, &number, &code, &scan_id).await;
    match &result {
        Ok(r) => tracing::info!(
            order = %number, code = %r.code, scan = %scan_id, verdict = %r.outcome.kind(),
            duplicate = r.duplicate, "scan"
        ),
        Err(e) => tracing::warn!(order = %number, scan = %scan_id, error = %e, "scan not recorded"),
    }
    Ok(result?)
}

#[tauri::command]
#[specta::specta]
pub async fn undo_last_scan(state: State<'_, AppState>, number: String) -> Reply<UndoResult> {
    let store = state.store().await?;
    Ok(ops::undo_last_scan(&store, &state.actor()?, &number).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn cartons(state: State<'_, AppState>, number: String) -> Reply<Vec<ops::Carton>> {
    let store = state.store().await?;
    state.actor()?;
    Ok(ops::cartons_of(&store, &number).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn open_carton(
    state: State<'_, AppState>,
    number: String,
    box_code: Option<String>,
) -> Reply<ops::Carton> {
    let store = state.store().await?;
    Ok(ops::open_carton(&store, &state.actor()?, &number, box_code.as_deref()).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn close_carton(
    state: State<'_, AppState>,
    number: String,
    weight: Option<String>,
    reason: Option<String>,
    approval: Option<Credential>,
) -> Reply<ops::CartonClosed> {
    let store = state.store().await?;
    Ok(ops::close_carton(
        &store,
        &state.actor()?,
        &number,
        weight.as_deref(),
        reason.as_deref(),
        approval.as_ref(),
    )
    .await?)
}

/// The weight on this table's scale (Settings: scale device), in grams:
/// its first stable reading within 3 seconds.
#[tauri::command]
#[specta::specta]
pub async fn read_scale(state: State<'_, AppState>) -> Reply<i64> {
    state.actor()?;
    let device = state.config.read().await.scale_device.trim().to_string();
    if device.is_empty() {
        return Err(packbench_core::Error::Invalid(
            "no scale is set for this station; type the weight, or set the scale's device in Settings".into(),
        )
        .into());
    }
    let read = tauri::async_runtime::spawn_blocking(move || {
        packbench_core::scale::read_weight(
            std::path::Path::new(&device),
            std::time::Duration::from_secs(3),
        )
    })
    .await
    .map_err(|e| packbench_core::Error::Unavailable(format!("the scale reader stopped: {e}")))?;
    Ok(read?)
}

#[tauri::command]
#[specta::specta]
pub async fn box_types(state: State<'_, AppState>) -> Reply<Vec<ops::BoxType>> {
    let store = state.store().await?;
    state.actor()?;
    Ok(ops::box_types(&store).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn save_box_type(
    state: State<'_, AppState>,
    box_type: ops::BoxType,
) -> Reply<Vec<ops::BoxType>> {
    let store = state.store().await?;
    Ok(ops::save_box_type(&store, &state.actor()?, &box_type).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn carton_settings(state: State<'_, AppState>) -> Reply<ops::CartonSettings> {
    let store = state.store().await?;
    state.actor()?;
    Ok(ops::carton_settings(&store).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn set_carton_settings(
    state: State<'_, AppState>,
    settings: ops::CartonSettings,
) -> Reply<ops::CartonSettings> {
    let store = state.store().await?;
    Ok(ops::set_carton_settings(&store, &state.actor()?, &settings).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn finish_packing(
    state: State<'_, AppState>,
    number: String,
    short_reason: Option<String>,
    approval: Option<Credential>,
) -> Reply<Packed> {
    let store = state.store_handle().await?;
    let actor = state.actor()?;
    let print = state.config.read().await.print.clone();
    let (packed, printing) = ops::finish_packing(
        &store,
        &actor,
        &number,
        short_reason.as_deref(),
        &print,
        approval.as_ref(),
    )
    .await?;
    tracing::info!(order = %number, short = short_reason.is_some(), "packed");
    // The packer is never held up by a printer: the jobs go out in the
    // background and their outcome reaches every screen as order events.
    printing.send_in_background();
    Ok(packed)
}

#[tauri::command]
#[specta::specta]
pub async fn release_claim(
    state: State<'_, AppState>,
    number: String,
    approval: Option<Credential>,
) -> Reply<OrderDetail> {
    let store = state.store_handle().await?;
    let actor = state.actor()?;
    Ok(ops::release_claim(&store, &actor, &number, approval.as_ref()).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn ship_order(
    state: State<'_, AppState>,
    number: String,
    carrier: String,
    tracking: String,
) -> Reply<OrderDetail> {
    let store = state.store().await?;
    let actor = state.actor()?;
    let result = ops::ship_order(&store, &actor, &number, &carrier, &tracking).await;
    match &result {
        Ok(_) => tracing::info!(order = %number, %carrier, %tracking, "shipped"),
        // A refused tracking number (a label scanned in two pieces, the
        // wrong carrier) leaves the order at the hand-over: the log says why.
        Err(e) => tracing::warn!(order = %number, %carrier, %tracking, error = %e, "not shipped"),
    }
    Ok(result?)
}

#[tauri::command]
#[specta::specta]
pub async fn carriers(state: State<'_, AppState>) -> Reply<Vec<String>> {
    let store = state.store().await?;
    Ok(ops::carriers(&store).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn create_pick_list(
    state: State<'_, AppState>,
    orders: Option<Vec<String>>,
    next: Option<u32>,
) -> Reply<PickList> {
    let selection = match (orders, next) {
        (Some(orders), None) => PickSelection::Orders(orders),
        (None, Some(n)) => PickSelection::NextConfirmed(n as usize),
        _ => {
            return Err(IpcError::invalid(
                "give either the orders to pick or how many of the next confirmed orders",
            ))
        }
    };
    let store = state.store().await?;
    let actor = state.actor()?;
    Ok(ops::create_pick_list(&store, &actor, selection).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn open_pick_lists(state: State<'_, AppState>) -> Reply<Vec<PickListSummary>> {
    let store = state.store().await?;
    state.actor()?;
    Ok(ops::open_pick_lists(&store).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn pick_list(state: State<'_, AppState>, id: i64) -> Reply<PickList> {
    let store = state.store().await?;
    state.actor()?;
    Ok(ops::pick_list(&store, id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn pick_scan(
    state: State<'_, AppState>,
    id: i64,
    bin: Option<String>,
    code: String,
    scan_id: String,
) -> Reply<PickScanResult> {
    let store = state.store().await?;
    let actor = state.actor()?;
    Ok(ops::pick_scan(&store, &actor, id, bin.as_deref(), &code, &scan_id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn short_pick(
    state: State<'_, AppState>,
    id: i64,
    line_id: i64,
    reason: String,
) -> Reply<PickList> {
    let store = state.store().await?;
    let actor = state.actor()?;
    Ok(ops::short_pick(&store, &actor, id, line_id, &reason).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn complete_pick_list(state: State<'_, AppState>, id: i64) -> Reply<PickList> {
    let store = state.store().await?;
    Ok(ops::complete_pick_list(&store, &state.actor()?, id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn get_settings(state: State<'_, AppState>) -> Reply<Settings> {
    Ok(state.settings().await)
}

#[tauri::command]
#[specta::specta]
pub async fn save_settings(state: State<'_, AppState>, settings: Settings) -> Reply<AppInfo> {
    state.save_settings(settings).await
}

#[tauri::command]
#[specta::specta]
pub async fn test_database(database: String) -> DbTest {
    ops::test_database(&database).await
}

#[tauri::command]
#[specta::specta]
pub async fn print_settings(state: State<'_, AppState>) -> Reply<PrintSettings> {
    Ok(state.config.read().await.print.clone())
}

#[tauri::command]
#[specta::specta]
pub async fn save_print_settings(
    state: State<'_, AppState>,
    settings: PrintSettings,
) -> Reply<PrintSettings> {
    state.save_print_settings(settings).await
}

#[tauri::command]
#[specta::specta]
pub async fn list_printers() -> Vec<Printer> {
    ops::list_printers().await
}

/// The newest jobs first (100 unless asked).
#[tauri::command]
#[specta::specta]
pub async fn print_jobs(state: State<'_, AppState>, limit: Option<i64>) -> Reply<Vec<PrintJob>> {
    let store = state.store().await?;
    state.actor()?;
    Ok(ops::print_jobs(&store, limit.unwrap_or(100)).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn order_print_jobs(state: State<'_, AppState>, number: String) -> Reply<Vec<PrintJob>> {
    let store = state.store().await?;
    state.actor()?;
    Ok(ops::order_print_jobs(&store, &number).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn retry_print_job(
    state: State<'_, AppState>,
    id: i64,
    printer: Option<String>,
) -> Reply<PrintJob> {
    let store = state.store_handle().await?;
    let actor = state.actor()?;
    Ok(ops::retry_print_job(&store, &actor, id, printer.as_deref()).await?)
}

/// "Print again" (F8): the order's invoice and label, whatever auto-print says.
#[tauri::command]
#[specta::specta]
pub async fn print_order_documents(
    state: State<'_, AppState>,
    number: String,
) -> Reply<Vec<PrintJob>> {
    let store = state.store_handle().await?;
    let actor = state.actor()?;
    let print = state.config.read().await.print.clone();
    Ok(ops::print_order_documents(&store, &actor, &number, &print).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn print_document(
    state: State<'_, AppState>,
    kind: DocumentKind,
    key: DocumentKey,
) -> Reply<PrintJob> {
    let store = state.store_handle().await?;
    let actor = state.actor()?;
    let settings = state.config.read().await.print.for_kind(kind).clone();
    Ok(ops::print_document(&store, &actor, kind, &key, &settings).await?)
}

/// The document drawn as pages; `settings` (a choice not saved yet) or the
/// station's own.
#[tauri::command]
#[specta::specta]
pub async fn preview_document(
    state: State<'_, AppState>,
    kind: DocumentKind,
    key: DocumentKey,
    settings: Option<DocumentSettings>,
) -> Reply<DocumentPreview> {
    let store = state.store_handle().await?;
    state.actor()?;
    let settings = match settings {
        Some(s) => s,
        None => state.config.read().await.print.for_kind(kind).clone(),
    };
    Ok(ops::preview_document(&store, kind, &key, &settings).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn seller(state: State<'_, AppState>) -> Reply<Seller> {
    let store = state.store().await?;
    state.actor()?;
    Ok(ops::seller(&store).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn save_seller(state: State<'_, AppState>, seller: Seller) -> Reply<Seller> {
    let store = state.store().await?;
    let actor = state.actor()?;
    Ok(ops::set_seller(&store, &actor, &seller).await?)
}

/// Which documents go into each sales channel's parcels (issue 15).
#[tauri::command]
#[specta::specta]
pub async fn packing_documents(state: State<'_, AppState>) -> Reply<ops::PackingDocumentsView> {
    let store = state.store().await?;
    state.actor()?;
    Ok(ops::packing_documents(&store).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn set_packing_documents(
    state: State<'_, AppState>,
    documents: ops::PackingDocuments,
) -> Reply<ops::PackingDocuments> {
    let store = state.store().await?;
    Ok(ops::set_packing_documents(&store, &state.actor()?, &documents).await?)
}

/// The mail server settings, and whether a password is known for them.
#[derive(Debug, Clone, serde::Serialize, specta::Type)]
pub struct MailView {
    pub settings: MailSettings,
    pub has_password: bool,
}

#[tauri::command]
#[specta::specta]
pub async fn mail_settings(state: State<'_, AppState>) -> Reply<MailView> {
    let store = state.store().await?;
    state.actor()?;
    let settings = ops::mail_settings(&store).await?;
    Ok(MailView {
        has_password: state.mail_password(&settings).is_some(),
        settings,
    })
}

/// Saves the mail settings; a password given goes to the keyring.
#[tauri::command]
#[specta::specta]
pub async fn save_mail_settings(
    state: State<'_, AppState>,
    settings: MailSettings,
    password: Option<String>,
) -> Reply<MailView> {
    let store = state.store().await?;
    let saved = ops::save_mail_settings(&store, &state.actor()?, &settings).await?;
    if let Some(pw) = password.filter(|p| !p.is_empty()) {
        state.keep_mail_password(&saved, &pw);
    }
    Ok(MailView {
        has_password: state.mail_password(&saved).is_some(),
        settings: saved,
    })
}

/// Connects to the mail server with these settings and logs in.
#[tauri::command]
#[specta::specta]
pub async fn test_mail(
    state: State<'_, AppState>,
    settings: MailSettings,
    password: Option<String>,
) -> Reply<()> {
    state.actor()?.may(packbench_core::ops::Op::SetMail)?;
    let password = password
        .filter(|p| !p.is_empty())
        .or_else(|| state.mail_password(&settings));
    Ok(ops::test_mail(&settings, password.as_deref()).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn templates(state: State<'_, AppState>) -> Reply<Vec<Template>> {
    let store = state.store().await?;
    state.actor()?;
    Ok(ops::templates(&store).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn save_template(
    state: State<'_, AppState>,
    event: NotifyEvent,
    lang: Lang,
    subject: String,
    body: String,
    reset: bool,
) -> Reply<Template> {
    let store = state.store().await?;
    Ok(ops::save_template(&store, &state.actor()?, event, lang, &subject, &body, reset).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn preview_template(
    state: State<'_, AppState>,
    lang: Lang,
    subject: String,
    body: String,
    order_number: Option<String>,
) -> Reply<Preview> {
    let store = state.store().await?;
    state.actor()?;
    Ok(ops::preview_template(&store, lang, &subject, &body, order_number.as_deref()).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn outbox(
    state: State<'_, AppState>,
    status: Option<MessageStatus>,
    order_number: Option<String>,
) -> Reply<Vec<OutboxMessage>> {
    let store = state.store().await?;
    state.actor()?;
    Ok(ops::outbox(&store, status, order_number.as_deref(), 500).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn retry_message(state: State<'_, AppState>, id: i64) -> Reply<OutboxMessage> {
    let store = state.store().await?;
    Ok(ops::retry_message(&store, &state.actor()?, id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn carrier_list(state: State<'_, AppState>) -> Reply<Vec<Carrier>> {
    let store = state.store().await?;
    state.actor()?;
    Ok(ops::carrier_list(&store).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn save_carrier(state: State<'_, AppState>, carrier: Carrier) -> Reply<Vec<Carrier>> {
    let store = state.store().await?;
    Ok(ops::save_carrier(&store, &state.actor()?, &carrier).await?)
}

/// A file to import: a path on this computer, or the file's bytes as the
/// window read them (base64), with its name.
#[derive(Debug, Clone, serde::Deserialize, specta::Type)]
pub struct ImportSource {
    pub path: Option<String>,
    pub name: Option<String>,
    pub content_base64: Option<String>,
}

impl ImportSource {
    /// The file's name as chosen (or the last part of its path).
    pub(crate) fn file_name(&self) -> String {
        match (&self.name, &self.path) {
            (Some(n), _) if !n.trim().is_empty() => n.trim().to_string(),
            (_, Some(p)) => std::path::Path::new(p.trim())
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            _ => String::new(),
        }
    }

    pub(crate) fn bytes(&self) -> Result<Vec<u8>, IpcError> {
        use base64::Engine;
        match (&self.path, &self.content_base64) {
            (_, Some(b64)) => base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .map_err(|e| {
                    IpcError::invalid(format!(
                        "the file's content did not arrive whole ({e}); choose it again"
                    ))
                }),
            (Some(path), None) => std::fs::read(path.trim()).map_err(|e| {
                IpcError::invalid(format!("cannot read {}: {e}; check the path", path.trim()))
            }),
            (None, None) => Err(IpcError::invalid("choose a file to import")),
        }
    }
}

#[tauri::command]
#[specta::specta]
pub async fn preview_import(
    state: State<'_, AppState>,
    source: ImportSource,
    kind: ImportKind,
    mapping: Option<Vec<(String, String)>>,
) -> Reply<ImportPreview> {
    let store = state.store().await?;
    state.actor()?;
    let bytes = source.bytes()?;
    Ok(ops::preview_import(&store, &bytes, kind, mapping.as_deref()).await?)
}

/// Imports the file, telling the window how far it is (`progress` events,
/// job `import`); `cancel_import` stops it after the chunk in hand.
#[tauri::command]
#[specta::specta]
pub async fn import_file(
    state: State<'_, AppState>,
    source: ImportSource,
    kind: ImportKind,
    mapping: Vec<(String, String)>,
) -> Reply<ImportSummary> {
    let store = state.store_handle().await?;
    let actor = state.actor()?;
    let bytes = source.bytes()?;
    state
        .import_cancel
        .store(false, std::sync::atomic::Ordering::Relaxed);
    let cancel = state.import_cancel.clone();
    let mut last = std::time::Instant::now();
    Ok(ops::import_file(
        &store,
        &actor,
        &bytes,
        kind,
        &mapping,
        |done, total| {
            if done == 0 || done == total || last.elapsed().as_millis() >= 100 {
                last = std::time::Instant::now();
                state.report_progress("import", done, total);
            }
        },
        &cancel,
    )
    .await?)
}

#[tauri::command]
#[specta::specta]
pub fn cancel_import(state: State<'_, AppState>) {
    state
        .import_cancel
        .store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Writes an import's report (row-numbered errors and warnings) as CSV into
/// the export folder; returns its path.
#[tauri::command]
#[specta::specta]
pub async fn save_import_report(
    state: State<'_, AppState>,
    summary: ImportSummary,
) -> Reply<String> {
    let store = state.store_handle().await?;
    state.actor()?;
    let russian = state.config.read().await.language == "ru";
    let csv = ops::import_report_csv(&summary, russian)?;
    save_export("packbench-import-report", "csv", store.now(), csv.as_ref())
}
