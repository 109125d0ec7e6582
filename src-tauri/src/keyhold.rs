//! The scanner's keys kept while the page is renewed.
//!
//! A renewal ends the web process and loads the page in a new one
//! ([`crate::page`]); for the second or so that takes, a key typed into the
//! window has no page to go to. A keyboard-wedge scanner types through the
//! window like any keyboard, so a scan made in that second would be lost
//! (the packer hears nothing and scans again). So the window's key events
//! are held from the moment the renewal starts, and given to the new page,
//! in the order typed, once it says it listens (`page_ready`). A renewal
//! does not start within [`KEYS_QUIET`] of the last key, so no scan is ever
//! split between the old page and the new one.

use std::time::{Duration, Instant};

/// No renewal starts within this long of the last key: a scanner's burst
/// (a dozen keys a few milliseconds apart, then Enter) is over by then.
pub const KEYS_QUIET: Duration = Duration::from_secs(1);

/// The keys held are given back after this long even if the new page never
/// says it listens, so a page that failed to load does not swallow the
/// keyboard.
pub const HOLD_AT_MOST: Duration = Duration::from_secs(20);

/// The window's key events while a renewal runs; `T` is the toolkit's
/// event.
#[derive(Debug)]
pub struct KeyHold<T> {
    last_key: Option<Instant>,
    holding: bool,
    held: Vec<T>,
    /// Counts the holds, so a timer set for one never ends the next.
    hold: u64,
}

impl<T> Default for KeyHold<T> {
    fn default() -> Self {
        KeyHold {
            last_key: None,
            holding: false,
            held: Vec::new(),
            hold: 0,
        }
    }
}

/// Why a renewal cannot start now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotNow {
    /// A key came this long ago: a scan may be being typed.
    KeyAgo(Duration),
    /// A renewal is running already (its page has not said it listens).
    Renewing,
}

impl std::fmt::Display for NotNow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotNow::KeyAgo(ago) => write!(
                f,
                "a key came {} ms ago: the page is not renewed while the scanner types; it is asked again at the next quiet moment",
                ago.as_millis()
            ),
            NotNow::Renewing => f.write_str(
                "the page is being renewed already: wait for the new page (a second at most)",
            ),
        }
    }
}

impl<T> KeyHold<T> {
    /// A key event reached the window at `now`: kept (true: the page must
    /// not get it now) while a renewal runs, else passed on. `event` makes
    /// the copy to keep, only while holding.
    pub fn key(&mut self, now: Instant, event: impl FnOnce() -> T) -> bool {
        self.last_key = Some(now);
        if self.holding {
            self.held.push(event());
        }
        self.holding
    }

    /// A renewal starts at `now`: keys are held from here; the hold's
    /// number. Refused while one runs, and within [`KEYS_QUIET`] of the
    /// last key.
    pub fn start(&mut self, now: Instant) -> Result<u64, NotNow> {
        if self.holding {
            return Err(NotNow::Renewing);
        }
        if let Some(ago) = self.last_key.map(|t| now.saturating_duration_since(t)) {
            if ago < KEYS_QUIET {
                return Err(NotNow::KeyAgo(ago));
            }
        }
        self.holding = true;
        self.hold += 1;
        Ok(self.hold)
    }

    /// The new page listens (or it took too long): the keys held, in the
    /// order typed; from here keys go to the page again.
    pub fn release(&mut self) -> Vec<T> {
        self.holding = false;
        std::mem::take(&mut self.held)
    }

    /// True while hold number `hold` runs.
    pub fn holding(&self, hold: u64) -> bool {
        self.holding && self.hold == hold
    }
}

#[cfg(target_os = "linux")]
mod gtk_window {
    use super::{KeyHold, HOLD_AT_MOST};
    use gtk::prelude::*;
    use std::cell::RefCell;
    use std::time::Instant;

    thread_local! {
        // GTK's events live on its main thread, as does everything here.
        static HOLD: RefCell<KeyHold<gtk::gdk::Event>> = RefCell::new(KeyHold::default());
    }

    fn on_key(event: &gtk::gdk::EventKey) -> gtk::glib::Propagation {
        let copy = || -> gtk::gdk::Event { (**event).clone() };
        if HOLD.with(|h| h.borrow_mut().key(Instant::now(), copy)) {
            gtk::glib::Propagation::Stop
        } else {
            gtk::glib::Propagation::Proceed
        }
    }

    /// Watches the web view's keys (each one's time, and held while a
    /// renewal runs). Called once, on GTK's main thread.
    pub fn attach(view: &webkit2gtk::WebView) {
        view.connect_key_press_event(|_, e| on_key(e));
        view.connect_key_release_event(|_, e| on_key(e));
        // The window going: what is held goes with it, while GTK is still up.
        view.connect_destroy(|_| {
            drop(HOLD.with(|h| h.borrow_mut().release()));
        });
    }

    /// Starts holding the keys and calls `renew` (on GTK's main thread);
    /// refused within a second of the last key, or while a renewal runs.
    /// The keys are given back to the page by [`give_back`], or after
    /// [`HOLD_AT_MOST`].
    pub fn renew(view: &webkit2gtk::WebView, renew: impl FnOnce()) -> Result<(), String> {
        let hold = HOLD
            .with(|h| h.borrow_mut().start(Instant::now()))
            .map_err(|e| e.to_string())?;
        renew();
        let view = view.clone();
        gtk::glib::timeout_add_local_once(HOLD_AT_MOST, move || {
            if HOLD.with(|h| h.borrow().holding(hold)) {
                let n = give_back(&view);
                tracing::warn!(
                    key_events = n,
                    "the renewed page did not say it listens within 20 s (page_ready): the keys held are given to the window now; if the window stays blank, restart the app"
                );
            }
        });
        Ok(())
    }

    /// Gives the keys held to the page, in the order typed; how many.
    pub fn give_back(view: &webkit2gtk::WebView) -> usize {
        let held = HOLD.with(|h| h.borrow_mut().release());
        for event in &held {
            // Through the widget's key signals, as GTK would have: WebKit
            // sends them to the new page.
            view.event(event);
        }
        held.len()
    }
}

#[cfg(target_os = "linux")]
pub use gtk_window::{attach, give_back, renew};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_pass_until_a_renewal_starts_then_are_held_in_order_until_released() {
        let t0 = Instant::now();
        let mut hold = KeyHold::default();
        assert!(
            !hold.key(t0, || 'a'),
            "no renewal: the key goes to the page"
        );
        let later = t0 + Duration::from_secs(2);
        let first = hold.start(later).expect("two seconds after the last key");
        assert!(hold.holding(first));
        assert_eq!(
            hold.start(later + Duration::from_secs(5)),
            Err(NotNow::Renewing),
            "one renewal at a time"
        );
        assert!(hold.key(later, || '1'));
        assert!(hold.key(later + Duration::from_millis(5), || '2'));
        assert!(hold.key(later + Duration::from_millis(10), || '\n'));
        assert_eq!(hold.release(), vec!['1', '2', '\n']);
        assert!(
            !hold.key(later + Duration::from_secs(1), || 'b'),
            "released: keys go to the page again"
        );
        assert!(hold.release().is_empty(), "nothing held twice");
        let second = hold.start(later + Duration::from_secs(3)).unwrap();
        assert!(
            !hold.holding(first) && hold.holding(second),
            "the first hold's timer does not end the second"
        );
    }

    #[test]
    fn no_renewal_starts_within_a_second_of_a_key() {
        let t0 = Instant::now();
        let mut hold = KeyHold::default();
        hold.key(t0, || 'x');
        let refused = hold.start(t0 + Duration::from_millis(300));
        assert_eq!(refused, Err(NotNow::KeyAgo(Duration::from_millis(300))));
        assert!(
            refused.unwrap_err().to_string().contains("300 ms ago"),
            "the refusal says when the key came"
        );
        assert!(!hold.holding(0), "refused: keys still go to the page");
        assert!(!hold.key(t0 + Duration::from_millis(400), || 'y'));
        assert!(hold.start(t0 + Duration::from_millis(1400)).is_ok());
        let mut fresh: KeyHold<char> = KeyHold::default();
        assert!(fresh.start(t0).is_ok(), "no key yet: nothing to wait for");
    }
}
