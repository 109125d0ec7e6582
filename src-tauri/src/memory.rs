//! How the station's process spends memory over a shift (issue 12 item 1).
//!
//! glibc gives every thread that allocates its own malloc arena, up to
//! eight per core, and an arena keeps the pages it once used: each SQLite
//! connection of the station's pool has a worker thread of its own, so over
//! a shift the process kept growing by 12-19 MB per 1,000 scans while its
//! main heap stayed at 6.8 MB (BENCHMARKS.md, "Memory over a shift"). Two
//! arenas are plenty for a station that runs one packer's commands.

/// The arenas glibc may create, unless the station's environment already
/// says (`MALLOC_ARENA_MAX`, which glibc reads itself). Called first thing
/// in `run`, before the runtime starts its threads.
pub fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        tune_arenas(ARENAS);
    }
}

/// Arenas for the whole process.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const ARENAS: i32 = 2;

#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
fn tune_arenas(arenas: i32) {
    // SAFETY: mallopt only sets a limit glibc checks when it creates an
    // arena; it takes no pointers and is safe to call from any thread.
    let done = unsafe { libc::mallopt(libc::M_ARENA_MAX, arenas) };
    if done != 1 {
        // Not fatal: the station runs as before, with more memory.
        tracing::warn!(
            arenas,
            "glibc refused M_ARENA_MAX; malloc keeps its default arenas"
        );
    }
}
