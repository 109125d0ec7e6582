//! packbench-server: orders that arrive by themselves. It runs beside the
//! shared PostgreSQL server (or beside a station's SQLite file), opens the
//! same database the stations use, and receives the shop's order webhooks
//! (Shopify, WooCommerce) and the store's web form. Every rule is core's
//! (`ops::receive_delivery`): this is a thin HTTP shell that hands core the
//! raw body and the headers, and turns its answer into a status code.
//! docs/SERVER.md says how to run it.
//!
//! Exit codes: 0 stopped, 2 bad usage, a database that cannot be opened, or
//! an address that cannot be listened on.

use axum::body::Bytes;
use axum::extract::{ConnectInfo, DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use clap::Parser;
use packbench_core::ops::{self, Delivery, DeliveryOutcome, Receipt, WebhookChannel};
use packbench_core::store::{DbTarget, Store};
use std::net::SocketAddr;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "packbench-server",
    version,
    about = "Packbench's order server: the shop's webhooks and the web form, into the warehouse's database"
)]
struct Args {
    /// Database: a SQLite file path, a sqlite: URL or a postgres:// URL, as
    /// packbench-cli --db takes it. Default: $PACKBENCH_DATABASE_URL, else
    /// the file in the user's data folder.
    #[arg(long, value_name = "PATH|URL")]
    db: Option<String>,
    /// The address to listen on. Loopback only, unless --allow-remote: the
    /// shops reach it through an HTTPS proxy in front (docs/SERVER.md).
    /// Port 0 picks a free one (the address is printed).
    #[arg(long, default_value = "127.0.0.1:8787", value_name = "ADDRESS:PORT")]
    listen: SocketAddr,
    /// Listen on an address other than loopback (plain HTTP on the
    /// warehouse's network: only where nobody else can listen in).
    #[arg(long)]
    allow_remote: bool,
    /// The station name written on the orders' history.
    #[arg(long, env = "PACKBENCH_STATION", default_value = "server")]
    station: String,
    /// Seconds between looks at the calls waiting for the shops' APIs
    /// (stock levels, shipped orders).
    #[arg(long, default_value_t = 3, value_name = "SECONDS")]
    sync_every: u64,
    /// Watch this folder for the shop's order exports (overrides the
    /// folder set in the app's Settings).
    #[arg(long, value_name = "DIR")]
    watch_folder: Option<std::path::PathBuf>,
}

/// The largest body taken: a Shopify order with hundreds of lines is well
/// under it.
const BODY_LIMIT: usize = 8 * 1024 * 1024;

#[derive(Clone)]
struct App {
    store: Store,
    station: String,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("packbench-server: {message}");
            ExitCode::from(2)
        }
    }
}

async fn run(args: Args) -> Result<(), String> {
    if !args.listen.ip().is_loopback() && !args.allow_remote {
        return Err(format!(
            "{} is not a loopback address; the server takes plain HTTP, so it listens on \
             127.0.0.1 behind an HTTPS proxy (docs/SERVER.md). Add --allow-remote to listen \
             there anyway",
            args.listen
        ));
    }
    let target = match &args.db {
        Some(d) => DbTarget::parse(d),
        None => DbTarget::from_env_or_default(),
    }
    .map_err(|e| e.to_string())?;
    // A server URL without its password: the one this machine's keyring
    // keeps for it, if any (a station saved it there).
    let target =
        packbench_core::secrets::complete(target, &packbench_core::secrets::OsKeyring, None);
    let store = Store::open(&target)
        .await
        .map_err(|e| format!("cannot open the database: {e}"))?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    let address = listener
        .local_addr()
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    eprintln!("packbench-server: database {}", store.describe());
    // The first line on stdout, for whoever started it (a test reads the
    // port from it).
    println!("listening on {address}");

    // Issue 15 item 1: the calls to the shops' APIs and the watched folder,
    // beside the webhooks.
    tokio::spawn(shop_sender(store.clone(), args.sync_every.max(1)));
    tokio::spawn(folder_watcher(
        store.clone(),
        args.station.clone(),
        args.watch_folder.clone(),
    ));
    let app = App {
        store,
        station: args.station,
    };
    let router = Router::new()
        .route(
            "/webhooks/shopify",
            post(|s, c, h, b| deliver(WebhookChannel::Shopify, s, c, h, b)),
        )
        .route(
            "/webhooks/woocommerce",
            post(|s, c, h, b| deliver(WebhookChannel::WooCommerce, s, c, h, b)),
        )
        .route(
            "/orders",
            post(|s, c, h, b| deliver(WebhookChannel::Web, s, c, h, b)),
        )
        .route("/health", get(health))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(app);
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .await
    .map_err(|e| format!("the server stopped: {e}"))
}

/// A header's value as text (bytes that are not text kept as well as they
/// can be: a signature made of them simply does not match).
fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
}

/// Who sent it: the address, and what a proxy in front says.
fn remote_of(addr: SocketAddr, headers: &HeaderMap) -> String {
    let mut remote = addr.to_string();
    for name in ["X-Forwarded-For", "X-Real-IP"] {
        if let Some(v) = header_text(headers, name) {
            let v: String = v.chars().filter(|c| !c.is_control()).take(200).collect();
            remote.push_str(&format!(" ({name}: {v})"));
        }
    }
    remote
}

async fn deliver(
    channel: WebhookChannel,
    State(app): State<App>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let topic = channel
        .topic_header()
        .and_then(|h| header_text(&headers, h));
    let signature = header_text(&headers, channel.signature_header());
    let delivery_id = header_text(&headers, channel.delivery_header());
    let remote = remote_of(addr, &headers);
    let delivery = Delivery {
        channel,
        topic: topic.as_deref(),
        signature: signature.as_deref(),
        delivery_id: delivery_id.as_deref(),
        remote: &remote,
        body: &body,
    };
    match ops::receive_delivery(&app.store, &app.station, &delivery).await {
        Ok(receipt) => {
            let status = status_of(receipt.outcome);
            log_line(channel, &remote, status, &receipt);
            json(status, &receipt)
        }
        // The database cannot be reached or written: nothing was taken,
        // and the shop sends the delivery again later.
        Err(e) => {
            eprintln!(
                "{} {channel} from {remote}: 503, not taken: {e}",
                chrono::Utc::now().to_rfc3339()
            );
            json(
                StatusCode::SERVICE_UNAVAILABLE,
                &serde_json::json!({
                    "outcome": "unavailable",
                    "message": "the warehouse's database cannot be reached now; nothing was taken, send it again later",
                }),
            )
        }
    }
}

fn status_of(outcome: DeliveryOutcome) -> StatusCode {
    match outcome {
        DeliveryOutcome::Unsigned | DeliveryOutcome::BadSignature => StatusCode::UNAUTHORIZED,
        DeliveryOutcome::Unreadable => StatusCode::BAD_REQUEST,
        _ => StatusCode::OK,
    }
}

/// One line per delivery on standard error (the service's journal).
fn log_line(channel: WebhookChannel, remote: &str, status: StatusCode, r: &Receipt) {
    eprintln!(
        "{} {channel} from {remote}: {} {}: {}",
        chrono::Utc::now().to_rfc3339(),
        status.as_u16(),
        r.outcome,
        r.message
    );
}

fn json(status: StatusCode, value: &impl serde::Serialize) -> Response {
    let body = serde_json::to_string(value).unwrap_or_else(|_| "{}".into());
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body,
    )
        .into_response()
}

/// `GET /health`: 200 while the database answers, 503 when it does not.
async fn health(State(app): State<App>) -> Response {
    match ops::server_health(&app.store).await {
        Ok(()) => json(
            StatusCode::OK,
            &serde_json::json!({"status": "ok", "engine": app.store.engine().name()}),
        ),
        Err(e) => {
            eprintln!("health: the database does not answer: {e}");
            json(
                StatusCode::SERVICE_UNAVAILABLE,
                &serde_json::json!({"status": "unavailable", "message": "the database does not answer"}),
            )
        }
    }
}

/// Sends the calls waiting for the shops' APIs every few seconds, for as
/// long as the server runs (core's sender; one line per call on standard
/// error, never a secret).
async fn shop_sender(store: Store, every: u64) {
    loop {
        match ops::send_shop_calls(&store).await {
            Ok(pass) => {
                for line in pass.lines {
                    eprintln!("{} shop {line}", chrono::Utc::now().to_rfc3339());
                }
            }
            Err(e) => eprintln!(
                "{} shop calls: the database cannot be reached, tried again shortly: {e}",
                chrono::Utc::now().to_rfc3339()
            ),
        }
        tokio::time::sleep(std::time::Duration::from_secs(every)).await;
    }
}

/// Looks at the watched folder (the flag's, else the one set in Settings,
/// read again at every look) and imports what the shop's cron dropped.
async fn folder_watcher(store: Store, station: String, flag: Option<std::path::PathBuf>) {
    let actor = packbench_core::domain::Actor::new(
        "Watched folder",
        &station,
        packbench_core::domain::Role::Manager,
    );
    let mut watch: Option<ops::FolderWatch> = None;
    let mut said = String::new();
    loop {
        let settings = ops::watch_folder_settings(&store).await.unwrap_or_default();
        let folder = flag
            .clone()
            .or_else(|| (!settings.folder.is_empty()).then(|| settings.folder.clone().into()));
        if let Some(dir) = folder {
            if watch.as_ref().is_none_or(|w| w.dir() != dir) {
                eprintln!(
                    "packbench-server: watching {} for order exports",
                    dir.display()
                );
                watch = Some(ops::FolderWatch::new(dir));
            }
            if let Some(w) = watch.as_mut() {
                match w.look(&store, &actor, &settings).await {
                    Ok(files) => {
                        said.clear();
                        for f in files {
                            eprintln!(
                                "{} watched folder: {} {}{}",
                                chrono::Utc::now().to_rfc3339(),
                                f.name,
                                f.outcome,
                                f.reason.map(|r| format!(": {r}")).unwrap_or_default()
                            );
                        }
                    }
                    Err(e) => {
                        // Said once, not at every look.
                        let text = e.to_string();
                        if text != said {
                            eprintln!("{} watched folder: {text}", chrono::Utc::now().to_rfc3339());
                            said = text;
                        }
                    }
                }
            }
        } else {
            watch = None;
        }
        tokio::time::sleep(std::time::Duration::from_secs(u64::from(
            settings.every_seconds.max(1),
        )))
        .await;
    }
}
