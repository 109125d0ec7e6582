//! Use-cases: one function per thing a user does. Each takes the store and an
//! actor, runs in one transaction, writes its event rows, returns a view.
//! No SQL here: queries live in [`crate::store`], rules in [`crate::domain`].

mod backup;
mod cartons;
mod catalog;
mod dashboard;
mod dashboard_report;
// Issue 14's demo day (a day of work for the dashboard).
mod demo_day;
// Delivery status (issue 15).
mod delivery;
mod desk;
mod documents;
// Dropshipping (issue 15 item 4).
mod dropship;
mod finding;
mod help;
mod ledger;
mod lifecycle;
mod marking;
mod notify;
mod orders;
mod overview;
mod packing;
mod people;
mod picking;
mod printing;
// Issue 15 item 2: which documents go into a channel's parcels.
mod packing_documents;
pub use packing_documents::{
    packing_documents, set_packing_documents, ChannelDocuments, PackingDocuments,
    PackingDocumentsView, PARCEL_DOCUMENTS,
};
mod returns;
// The first-run wizard (issue 14 item 4).
mod setup;
mod shipping;
mod stock;
mod stock_control;

pub use crate::documents::TradeDocument;
pub use crate::domain::buyer::BusinessBuyer;
pub use crate::domain::stock::{AdjustReason, MoveKind, ReorderRow};
pub use crate::domain::stock::{ItemCondition, ReturnOutcome};
pub use crate::exchange::{FieldMapping, ImportKind, ImportPreview};
pub use crate::store::counts::CountHead;
pub use crate::store::returns::ReturnedLine;
pub use crate::store::scans::PackedMarking;
pub use crate::store::shipments::HandoverSummary;
pub use crate::store::stock::{BinView, LedgerFilter, LedgerRow};
pub use backup::{
    back_up, backup_folder, check_backup, check_database, database_file, list_backups, may_restore,
    restore_backup, restore_checked, BackupCheck, BackupFile, BackupReport, RestoreReport,
};
pub use cartons::{
    box_types, carton_settings, cartons_of, close_carton, open_carton, save_box_type,
    set_carton_settings, CartonClosed, CartonSettings,
};
pub use catalog::{
    import_file, import_orders, import_products, import_report_csv, load_demo, load_demo_first_run,
    preview_import, product_by_sku, remembered_mapping, DemoSummary, ImportSummary, ProductView,
};
pub use dashboard::{
    dashboard, dashboard_csv, dashboard_table, dashboard_tables, dashboard_view, Dashboard,
    DashboardChart, DashboardQuery, DashboardRow, DashboardTable, DashboardView, DayTrend,
    HourWork, PackingWork, Stage, StageTimes, Stall, Waiting,
};
pub use dashboard_report::dashboard_pdf;
pub use delivery::{
    import_delivery_statuses, parcel_movements, set_stall_days, stall_days, stalled_parcels,
    CarrierStallDays, DeliveryImport, ParcelMovementView, StalledParcel, UnknownParcel,
};
pub use demo_day::{play_demo_day, DemoDay, DemoDaySummary, HeldOrder};
pub use desk::{
    alternatives, assign_order, create_order, edit_order, find_customers, find_products,
    hold_order, reserve_again, set_expected_date, split_order, Edited, Split,
};
pub use documents::{
    invoice_view, label_view, manifest_view, packing_slip_view, pick_list_view,
    render_carton_label, render_document, render_with_sscc, seller, set_seller,
};
pub use documents::{order_buyer, render_trade_document, trade_view};
pub use finding::{
    count_orders, delete_saved_filter, explain_orders, export_orders, group_orders, save_filter,
    saved_filters, ExportRequest, Exported,
};
pub use help::{check_scanner, scanner_test_codes, test_page_pdf, TestCodeView};
pub use ledger::{add_note, pin_note, record_payment};
pub use lifecycle::{
    add_status, lifecycle, remove_status, rename_status, set_status_limit, set_sub_status,
    set_transition,
};
pub use marking::{marking_codes_csv, packed_marking_codes, MarkingScope};
pub use notify::{
    carrier_list, mail_settings, outbox, preview_template, retry_message, save_carrier,
    save_mail_settings, save_template, send_due, templates, test_mail, Preview,
};
pub use orders::{
    cancel_order, confirm_order, list_orders, move_orders, order_detail, Confirmation, Moved,
    OrderDetail,
};
pub use overview::{
    carriers, changes_since, find_order, is_empty, order_count, status_counts, test_database,
    ChangeCursor, ChangeFeed, DbTest,
};
pub use packing::{
    claim_order, finish_packing, open_for_packing, record_scan, release_claim, take_apart,
    undo_last_scan, Opened, Packed, UndoResult,
};
pub use people::{
    act_as, audit, audit_csv, create_first_admin, create_token, demo_users, list_users, log_in,
    revoke_token, safe_cell, save_user, sign_in_info, user_names, DemoUser, Session, SignInInfo,
    SignedIn, UserInput, UserView,
};
pub use picking::{
    complete_pick_list, create_pick_list, open_pick_lists, pick_list, pick_scan, short_pick,
    PickSelection,
};
pub use printing::{
    list_printers, order_print_jobs, preview_document, print_after_pack, print_after_return,
    print_document, print_jobs, print_order_documents, print_test_page, recover_print_jobs,
    retry_print_job, send_station_print_jobs, send_waiting_print_jobs, DocumentPreview, PrintRun,
    Printer, PrinterState, LP_TIMEOUT, PREVIEW_PAGES, RETRY_AT_MOST, RETRY_FIRST, RETRY_FOR,
};
pub use returns::{
    find_return, receive_return, return_note, ExchangeLine, ReturnInput, ReturnItem, ReturnReceipt,
};
// The first-run wizard (issue 14 item 4).
pub use setup::{
    finish_setup, probe_database, save_store_details, seller_problems, setup_status, use_carriers,
    DatabaseCheck, DbProblem, DocumentPrinter, FieldProblem, SchemaState, SellerField, SellerRule,
    SetupFinished, SetupStatus, SetupStep, StoreDetails, StoreDetailsSaved, PROBE_LIMIT,
};
pub use shipping::{
    close_handover, handover, recent_handovers, ship_bulk, ship_order, ship_parcels,
    waiting_handover, BulkShipped, HandOver, ShipRefusal, ShipRequest,
};
pub use stock_control::{
    adjust_stock, approve_count, bins, cancel_count, count_scan, count_sheet, move_stock,
    receive_stock, reorder, reorder_csv, save_bin, save_product, start_count, stock_ledger,
    BinLevel, CountLine, CountSheet, ProductInput, StockChange, StockProduct,
};

// What the shells name through `ops`, wherever it is defined.
pub use crate::documents::DocumentKey;
pub use crate::domain::access::{Credential, Op, Override, SecretKind};
pub use crate::domain::carton::{BoxType, WeightTolerance, WeightVerdict};
pub use crate::domain::customer::{Customer, CustomerInput};
pub use crate::domain::desk::{LineInput, OrderEdit, PhoneOrderInput, SplitLine};
pub use crate::domain::filter::{GroupBy, GroupCount, SavedFilter};
pub use crate::domain::lifecycle::{Lifecycle, Lock, NewStatus, StatusDef, TransitionCell};
pub use crate::domain::notify::{MailSecurity, MailSettings, NotifyEvent, Template};
pub use crate::domain::payment::{PaymentInput, PaymentKind};
pub use crate::domain::scanner_check::{Finding as ScannerFinding, ScannerCheck, TestCode};
pub use crate::domain::{
    Actor, PickLine, PickList, PickOutcome, PickScanResult, Role, ScanOutcome, ScanResult,
};
pub use crate::exchange::{ExportFormat, ExportRows};
pub use crate::mail::SendReport;
pub use crate::store::cartons::Carton;
pub use crate::store::events::EventView;
pub use crate::store::events::{AuditEntry, AuditFilter};
pub use crate::store::notes::Note;
pub use crate::store::orders::{OrderFilter, OrderSummary};
pub use crate::store::outbox::{Carrier, MessageStatus, OutboxMessage};
pub use crate::store::payments::PaymentEntry;
pub use crate::store::pick_lists::PickListSummary;
pub use crate::store::print_jobs::{PrintJob, PrintStatus};
pub use crate::store::products::ProductMatch;
pub use crate::store::scans::ScanView;
pub use crate::store::statuses::StatusCount;

// Issue 15: orders that arrive by themselves (packbench-server's webhooks
// and web form; the CLI's `webhooks` commands).
mod webhooks;
pub use crate::exchange::webhook::{DeliveryOutcome, WebhookChannel};
pub use crate::store::webhooks::DeliveryLog;
pub use webhooks::{
    dismiss_webhook_delivery, receive_delivery, server_health, set_webhook_secret,
    webhook_deliveries, webhook_delivery, webhook_secrets, Delivery, Receipt, WebhookSecretInfo,
};

// Issue 15 item 1: stock and order status back to the shop's API (the
// server's sender, `packbench-cli shops`), and the watched folder.
mod shop_sync;
mod watch_folder;
pub use crate::store::shop_sync::{ShopCall, ShopCallKind, ShopCallState};
pub use shop_sync::{
    backoff_ms, remember_shop_products, remove_shop_api, retry_failed_shop_calls, retry_shop_call,
    send_shop_calls, set_shop_api, shop_apis, shop_calls, ShopApiInfo, ShopApiInput, ShopQueue,
    ShopSyncPass,
};
pub use watch_folder::{
    set_watch_folder, watch_folder_settings, FolderWatch, WatchFolderSettings, WatchOutcome,
    WatchedFile,
};

// Issue 15 item 4: dropshipping.
pub use crate::documents::purchase_order::{
    PurchaseOrderLineView, PurchaseOrderView, SupplierParty,
};
pub use crate::domain::dropship::{DropshipState, SupplierInput};
pub use crate::store::dropship::{PurchaseOrderHead, PurchaseOrderLine, Supplier};
pub use dropship::{
    link_product, mail_purchase_order, order_purchase_orders, purchase_order, purchase_order_csv,
    purchase_order_pdf, purchase_orders, save_supplier, ship_purchase_order, supplier_products,
    suppliers, PurchaseOrder, PurchaseOrderFile,
};

// Issue 15 item 3: receipts under 54-ФЗ.
mod receipts;
pub use crate::domain::receipt::{
    AtolSettings, MethodSign, PaymentType, ReceiptKind, ReceiptLine, ReceiptMoment, ReceiptPayment,
    ReceiptPurpose, ReceiptSettings, ReceiptState, RegisterSettings, SubjectSign, Taxation, VatTag,
};
pub use crate::store::receipts::{FiscalAttributes, ReceiptRow};
pub use receipts::{
    order_receipts, prepare_receipt, receipt_request, receipt_settings, send_receipts,
    set_receipt_settings, OrderReceipts, ReceiptSent, ReceiptVat, ReceiptView,
};
