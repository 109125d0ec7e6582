//! A serial scale that sends its reading as a line of text (most shipping
//! scales in "continuous" or "on request" mode: `ST,GS,+0001.234kg`): the
//! device is read until a stable reading arrives or the time is up. Port
//! speed and framing are the device's own settings (set once with `stty`);
//! a pseudo-terminal stands in for the scale in tests.

use crate::domain::carton::parse_weight;
use crate::{Error, Result};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The first stable weight the scale at `device` sends within `timeout`, in
/// grams. Unstable readings are skipped; a scale that sends only garbage or
/// nothing is an error quoting what it sent and saying what to check.
pub fn read_weight(device: &Path, timeout: Duration) -> Result<i64> {
    let file = std::fs::File::open(device).map_err(|e| {
        Error::Invalid(format!(
            "the scale at {} cannot be opened ({e}); check the device path in Settings and that this user may read it (the dialout group)",
            device.display()
        ))
    })?;
    let (tx, rx) = mpsc::channel::<std::io::Result<String>>();
    // The read blocks until the scale sends a line; the thread ends with
    // the device (or at the next line after the answer was taken).
    std::thread::spawn(move || {
        for line in BufReader::new(file).lines() {
            let stop = line.is_err();
            if tx.send(line).is_err() || stop {
                break;
            }
        }
    });
    let deadline = Instant::now() + timeout;
    let mut last_words: Option<(String, String)> = None;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(Ok(line)) => {
                let text = line.trim_matches(|c: char| c.is_whitespace() || c.is_control());
                if text.is_empty() {
                    continue;
                }
                match parse_weight(text) {
                    Ok(grams) => return Ok(grams),
                    Err(why) => last_words = Some((text.chars().take(60).collect(), why)),
                }
            }
            Ok(Err(e)) => {
                return Err(Error::Invalid(format!(
                    "the scale at {} could not be read ({e})",
                    device.display()
                )))
            }
            Err(mpsc::RecvTimeoutError::Disconnected) | Err(mpsc::RecvTimeoutError::Timeout) => {
                let secs = timeout.as_secs_f32();
                return Err(Error::Invalid(match last_words {
                    Some((text, why)) => format!(
                        "the scale at {} sent no usable weight in {secs:.1} s; its last line was {text:?} ({why})",
                        device.display()
                    ),
                    None => format!(
                        "the scale at {} sent nothing in {secs:.1} s; is it on, and set to send its reading (continuous or on request)?",
                        device.display()
                    ),
                }));
            }
        }
    }
}
