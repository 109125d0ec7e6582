//! The app's log: `packbench.log` beside the default database, capped and
//! rotated by core's [`RotatingLog`], and every line saying which station
//! and which signed-in user it was (`station=S1 user=Анна`), so a
//! supervisor reading it months later knows who was at the table. Lines
//! about an order carry its number (`order=1001`).

use packbench_core::logfile::{RotatingLog, DEFAULT_KEEP, DEFAULT_MAX_BYTES};
use std::sync::{Mutex, RwLock};
use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

/// Who is at the station now: (station, user); the user is empty when
/// nobody is signed in.
static WHO: RwLock<(String, String)> = RwLock::new((String::new(), String::new()));

/// The station's name for the log (set when the settings are read).
pub fn station(name: &str) {
    if let Ok(mut who) = WHO.write() {
        who.0 = name.to_string();
    }
}

/// The user signed in at the station, or `None` when they signed out.
pub fn user(name: Option<&str>) {
    if let Ok(mut who) = WHO.write() {
        who.1 = name.unwrap_or_default().to_string();
    }
}

/// Prefixes the standard line with the station and the user.
struct WithWho<F>(F);

impl<S, N, F> FormatEvent<S, N> for WithWho<F>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
    F: FormatEvent<S, N>,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> std::fmt::Result {
        if let Ok(who) = WHO.read() {
            let station = if who.0.is_empty() { "-" } else { &who.0 };
            let user = if who.1.is_empty() { "-" } else { &who.1 };
            write!(writer, "station={station:?} user={user:?} ")?;
        }
        self.0.format_event(ctx, writer, event)
    }
}

/// Logs to stderr and to the capped file at `path`.
pub fn init(path: &std::path::Path) {
    use tracing_subscriber::fmt::writer::MakeWriterExt;
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("PACKBENCH_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tao=warn,wry=warn"));
    let format = WithWho(tracing_subscriber::fmt::format().with_ansi(false));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .event_format(format);
    let _ = match RotatingLog::open(path, DEFAULT_MAX_BYTES, DEFAULT_KEEP) {
        Ok(file) => builder
            .with_writer(std::io::stderr.and(Mutex::new(file)))
            .try_init(),
        Err(e) => {
            eprintln!("cannot write the log file {}: {e}", path.display());
            builder.with_writer(std::io::stderr).try_init()
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Buffer {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn every_line_names_the_station_the_user_and_the_order() {
        let buffer = Buffer::default();
        let sink = buffer.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .event_format(WithWho(tracing_subscriber::fmt::format().with_ansi(false)))
            .with_writer(move || sink.clone())
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            station("Упаковка-1");
            user(Some("Анна"));
            tracing::info!(order = %"1001", verdict = "accepted", "scan");
            user(None);
            tracing::info!("signed out");
        });
        let text = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        assert!(
            lines[0].starts_with("station=\"Упаковка-1\" user=\"Анна\" ")
                && lines[0].contains("order=1001")
                && lines[0].contains("scan"),
            "{}",
            lines[0]
        );
        assert!(
            lines[1].starts_with("station=\"Упаковка-1\" user=\"-\" "),
            "{}",
            lines[1]
        );
    }
}
