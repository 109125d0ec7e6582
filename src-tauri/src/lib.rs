//! Packbench desktop shell: thin Tauri commands over `packbench-core`
//! (docs/IPC.md), the station's state, and the `orders-changed` event.

pub mod backup;
pub mod backup_commands;
pub mod changes;
pub mod commands;
pub mod dashboard_commands;
// Dropshipping (issue 15 item 4).
pub mod dropship_commands;
pub mod error;
pub mod help_commands;
pub mod logging;
// A fresh web process when WebKit's has grown past the station's limit.
pub mod keyhold;
pub mod page;
// Receipts under 54-ФЗ (issue 15 item 3).
pub mod receipt_commands;
// The first-run wizard (issue 14 item 4).
pub mod setup_commands;
pub mod shipping_commands;
// Issue 15: the shop connection (shop API, calls' queue, watched folder, webhooks).
pub mod shop_commands;
pub mod state;
pub mod stock_commands;

use packbench_core::config::StationConfig;
use specta_typescript::Typescript;
use state::AppState;
use std::path::Path;
use tauri::{Manager, Runtime};

/// The commands and the event, as Tauri runs them and TypeScript sees them.
pub fn specta_builder<R: Runtime>() -> tauri_specta::Builder<R> {
    use backup_commands::*;
    use commands::*;
    use dashboard_commands::*;
    use dropship_commands::*;
    use help_commands::*;
    use receipt_commands::*;
    use setup_commands::*;
    use shipping_commands::*;
    use shop_commands::*;
    use stock_commands::*;
    tauri_specta::Builder::<R>::new()
        .commands(tauri_specta::collect_commands![
            app_info,
            load_demo,
            unlock_database,
            log_in,
            log_out,
            create_first_admin,
            list_users,
            save_user,
            user_names,
            audit,
            export_audit,
            list_orders,
            count_orders,
            group_orders,
            saved_filters,
            save_filter,
            delete_saved_filter,
            export_orders,
            preview_import,
            import_file,
            cancel_import,
            save_import_report,
            mail_settings,
            save_mail_settings,
            test_mail,
            templates,
            save_template,
            preview_template,
            outbox,
            retry_message,
            carrier_list,
            save_carrier,
            cartons,
            open_carton,
            close_carton,
            box_types,
            read_scale,
            save_box_type,
            carton_settings,
            set_carton_settings,
            status_counts,
            order_detail,
            find_order,
            confirm_order,
            move_orders,
            record_payment,
            add_note,
            pin_note,
            create_order,
            edit_order,
            assign_order,
            reserve_again,
            set_expected_date,
            alternatives,
            split_order,
            hold_order,
            find_customers,
            find_products,
            lifecycle,
            rename_status,
            add_status,
            remove_status,
            set_transition,
            set_status_limit,
            set_sub_status,
            open_for_packing,
            take_apart,
            record_scan,
            undo_last_scan,
            finish_packing,
            release_claim,
            ship_order,
            carriers,
            create_pick_list,
            open_pick_lists,
            pick_list,
            pick_scan,
            short_pick,
            complete_pick_list,
            get_settings,
            save_settings,
            test_database,
            print_settings,
            save_print_settings,
            list_printers,
            print_jobs,
            order_print_jobs,
            retry_print_job,
            print_order_documents,
            print_document,
            preview_document,
            seller,
            save_seller,
            packing_documents,
            set_packing_documents,
            receive_stock,
            move_stock,
            adjust_stock,
            start_count,
            count_scan,
            count_sheet,
            approve_count,
            cancel_count,
            stock_ledger,
            reorder,
            save_reorder_csv,
            bins,
            save_bin,
            product,
            save_product,
            ship_parcels,
            ship_bulk,
            waiting_handover,
            close_handover,
            import_delivery_status,
            stalled_parcels,
            parcel_movements,
            stall_days,
            set_stall_days,
            handover,
            find_return,
            receive_return,
            recent_handovers,
            print_handover,
            print_return_note,
            backup_settings,
            save_backup_settings,
            list_backups,
            backup_now,
            restore_offer,
            scanner_test_codes,
            check_scanner,
            print_test_page,
            about,
            dashboard,
            save_dashboard_csv,
            save_dashboard_pdf,
            restore_backup,
            // The first-run wizard (issue 14 item 4).
            probe_database,
            setup_status,
            save_store_details,
            use_carriers,
            finish_setup,
            // Receipts under 54-ФЗ (issue 15 item 3).
            order_receipts,
            prepare_receipt,
            send_receipts,
            receipt_settings,
            save_receipt_settings,
            // Dropshipping (issue 15 item 4).
            suppliers,
            save_supplier,
            link_supplier_product,
            purchase_orders,
            purchase_order,
            save_purchase_order_pdf,
            save_purchase_order_csv,
            ship_purchase_order,
            mail_purchase_order,
            // Issue 15: the shop connection.
            shop_apis,
            set_shop_api,
            remove_shop_api,
            shop_calls,
            retry_shop_call,
            watch_folder,
            set_watch_folder,
            webhook_secrets,
            set_webhook_secret,
            webhook_inbox,
            dismiss_webhook_delivery,
            page::renew_page,
            page::page_ready,
        ])
        .events(tauri_specta::collect_events![
            changes::OrdersChanged,
            changes::Progress,
            backup::DatabaseUnusable,
            page::PageRenewalDue
        ])
        // Ids and minor units are far below 2^53: plain numbers for the UI.
        .dangerously_cast_bigints_to_number()
        // The UI only receives these types: one shape each, not a
        // serialize/deserialize pair.
        .disable_serde_phases()
}

/// Where the committed bindings live, from the workspace root.
pub const BINDINGS_PATH: &str = "ui/src/lib/bindings.ts";

const BINDINGS_HEADER: &str = "// Generated from src-tauri (commands, DTOs, events). Do not edit:\n// run `cargo run -p packbench --example export-bindings` after changing them.";

/// Writes the TypeScript bindings for every command, DTO and event.
pub fn export_bindings(path: &Path) -> Result<(), String> {
    specta_builder::<tauri::Wry>()
        .export(Typescript::default().header(BINDINGS_HEADER), path)
        .map_err(|e| format!("cannot export the bindings to {}: {e}", path.display()))
}

/// The app around a given state: commands, and [`on_start`] once it runs.
/// `run` uses it with the real runtime, the tests with the mock one.
pub fn app_builder<R: Runtime>(builder: tauri::Builder<R>, state: AppState) -> tauri::Builder<R> {
    builder
        .manage(state)
        .invoke_handler(specta_builder::<R>().invoke_handler())
        .setup(|app| {
            on_start(app.handle());
            Ok(())
        })
}

/// What starts with the event loop: the typed events and the change watch.
/// (Tests on the mock runtime never start the loop; they call this.)
pub fn on_start<R: Runtime>(app: &tauri::AppHandle<R>) {
    specta_builder::<R>().mount_events(app);
    let handle = app.clone();
    let _ = app
        .state::<AppState>()
        .progress
        .set(Box::new(move |p: changes::Progress| {
            use tauri_specta::Event;
            if let Err(e) = p.emit(&handle) {
                tracing::warn!(error = %e, "cannot emit progress");
            }
        }));
    changes::watch(app.clone());
    changes::send_mail(app.clone());
    changes::retry_printing(app.clone());
    backup::start(app.clone());
    let _ = app
        .state::<AppState>()
        .page_renewer
        .set(page::renewer(app.clone()));
    page::watch_keys(app);
    page::watch(app.clone());
}

/// Starts the desktop app. The window appears even when the settings or the
/// database are broken: the UI shows why and what to do.
pub fn run() {
    web_view_memory();
    init_logging();
    // GS1's table is read once per process: read it now, not at the first
    // marking-code scan.
    std::thread::spawn(|| {
        if let Err(e) = packbench_core::domain::gs1::dictionary() {
            tracing::error!("GS1's AI table cannot be read: {e}");
        }
    });
    let (state, opening) = AppState::opening(StationConfig::path());
    tauri::async_runtime::spawn(opening);
    if let Err(e) = app_builder(tauri::Builder::default(), state).run(tauri::generate_context!()) {
        tracing::error!(error = %e, "Packbench stopped");
        eprintln!("Packbench could not start: {e}");
        std::process::exit(1);
    }
}

/// WebKitGTK's accelerated compositing keeps a second copy of every layer
/// of the page: about 100 MB of the web process for a screen of forms and
/// lists (BENCHMARKS.md, "Memory over a shift"), which a packing table that
/// runs all shift does not need. Off unless the station asks for it
/// (`PACKBENCH_COMPOSITING=1`) or the environment already says.
fn web_view_memory() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none()
        && std::env::var("PACKBENCH_COMPOSITING").as_deref() != Ok("1")
    {
        // Before any thread is started: nothing else reads the environment yet.
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
}

/// Where this station keeps things, for `packbench --where` (no window).
pub fn whereabouts() -> String {
    let settings = StationConfig::path();
    let database = StationConfig::load_from(&settings)
        .and_then(|c| c.db_target())
        .map_or_else(|e| format!("cannot tell: {e}"), |t| t.describe());
    format!(
        "settings: {}\ndatabase: {database}\nlog:      {}\n",
        settings.display(),
        log_path().display()
    )
}

/// The log file next to the default database: the place a supervisor
/// looks when the UI says "look at the app's log".
pub fn log_path() -> std::path::PathBuf {
    packbench_core::store::default_sqlite_path().with_file_name("packbench.log")
}

fn init_logging() {
    logging::init(&log_path());
}
