//! The station's log file, capped: `packbench.log` grows to a size limit,
//! then becomes `packbench.log.1` (the older ones move up to `.2`, `.3`
//! ...) and a new one starts; the oldest beyond the kept count is deleted.
//! A shift writes a few megabytes, so the default cap keeps months.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// 10 MB per file and 9 older files: at most 100 MB of log.
pub const DEFAULT_MAX_BYTES: u64 = 10 * 1024 * 1024;
pub const DEFAULT_KEEP: usize = 9;

pub struct RotatingLog {
    path: PathBuf,
    max_bytes: u64,
    keep: usize,
    file: File,
    size: u64,
}

impl RotatingLog {
    /// Opens (appending to) the log at `path`; files past `max_bytes` are
    /// rotated, `keep` older files are kept.
    pub fn open(path: &Path, max_bytes: u64, keep: usize) -> io::Result<RotatingLog> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        let size = file.metadata()?.len();
        Ok(RotatingLog {
            path: path.to_path_buf(),
            max_bytes: max_bytes.max(1),
            keep,
            file,
            size,
        })
    }

    /// The n-th older file (`packbench.log.n`).
    pub fn older(path: &Path, n: usize) -> PathBuf {
        let mut name = path.as_os_str().to_owned();
        name.push(format!(".{n}"));
        PathBuf::from(name)
    }

    fn rotate(&mut self) -> io::Result<()> {
        self.file.flush()?;
        if self.keep == 0 {
            self.file = File::create(&self.path)?;
        } else {
            let _ = std::fs::remove_file(Self::older(&self.path, self.keep));
            for n in (1..self.keep).rev() {
                let from = Self::older(&self.path, n);
                if from.exists() {
                    std::fs::rename(&from, Self::older(&self.path, n + 1))?;
                }
            }
            std::fs::rename(&self.path, Self::older(&self.path, 1))?;
            self.file = OpenOptions::new()
                .create(true)
                .append(true)
                .open(&self.path)?;
        }
        self.size = 0;
        Ok(())
    }
}

impl Write for RotatingLog {
    /// A write (one log line, as the log formatter hands it over) is never
    /// split between two files.
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.size > 0 && self.size + buf.len() as u64 > self.max_bytes {
            self.rotate()?;
        }
        self.file.write_all(buf)?;
        self.size += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir = crate::test_dir(&format!("log-{name}"));
        dir.join("packbench.log")
    }

    #[test]
    fn the_log_rotates_at_its_cap_and_keeps_only_the_newest_files() {
        let path = temp("rotate");
        let mut log = RotatingLog::open(&path, 1_000, 3).unwrap();
        let line = |i: usize| {
            format!(
                "{i:05} station=S1 user=anna order=1001 {}\n",
                "x".repeat(50)
            )
        };
        for i in 0..200 {
            log.write_all(line(i).as_bytes()).unwrap();
        }
        log.flush().unwrap();
        let mut files = vec![path.clone()];
        files.extend((1..=3).map(|n| RotatingLog::older(&path, n)));
        for f in &files {
            let len = std::fs::metadata(f).unwrap().len();
            assert!(
                len <= 1_000,
                "{} holds {len} bytes, over the cap",
                f.display()
            );
        }
        assert!(
            !RotatingLog::older(&path, 4).exists(),
            "only 3 older files are kept"
        );
        // The newest lines are in the current file, whole; the oldest kept
        // file holds older lines, also whole.
        let now = std::fs::read_to_string(&path).unwrap();
        assert!(now.ends_with(&line(199)), "{now}");
        let oldest = std::fs::read_to_string(RotatingLog::older(&path, 3)).unwrap();
        assert!(
            oldest.lines().all(|l| l.len() == line(0).len() - 1),
            "{oldest}"
        );
        let first: usize = oldest[..5].parse().unwrap();
        assert!(
            first > 0 && first < 199,
            "the oldest lines were dropped: {first}"
        );
        let _ = std::fs::remove_dir_all(path.parent().unwrap());
    }

    #[test]
    fn a_log_reopened_after_a_restart_appends_and_still_counts_its_size() {
        let path = temp("reopen");
        {
            let mut log = RotatingLog::open(&path, 100, 2).unwrap();
            log.write_all(&[b'a'; 80]).unwrap();
        }
        let mut log = RotatingLog::open(&path, 100, 2).unwrap();
        log.write_all(&[b'b'; 40]).unwrap();
        assert_eq!(
            std::fs::read(RotatingLog::older(&path, 1)).unwrap(),
            vec![b'a'; 80]
        );
        assert_eq!(std::fs::read(&path).unwrap(), vec![b'b'; 40]);
        let _ = std::fs::remove_dir_all(path.parent().unwrap());
    }
}
