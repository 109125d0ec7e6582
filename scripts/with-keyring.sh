#!/usr/bin/env bash
# Runs a command with the OS keyring a desktop has: a private D-Bus session
# with GNOME Keyring unlocked, its files in a throw-away folder, so tests of
# password keeping touch no one's real keyring. Sets PACKBENCH_TEST_KEYRING=1
# for the command (the keyring tests fail without it unless skipped by name).
#
#   scripts/with-keyring.sh cargo test ...
set -euo pipefail

command -v dbus-run-session >/dev/null || { echo "with-keyring: dbus-run-session is missing (scripts/install-deps.sh)" >&2; exit 1; }
command -v gnome-keyring-daemon >/dev/null || { echo "with-keyring: gnome-keyring-daemon is missing (scripts/install-deps.sh)" >&2; exit 1; }

dir=$(mktemp -d -t packbench-keyring.XXXXXX)
cleanup() { rm -rf "$dir"; }
trap cleanup EXIT

# The daemon makes the "login" keyring with this password, unlocks it and
# makes it the default collection. It runs in the foreground as a child of
# the session, so its messages land in a log and its end is seen: when it
# dies during the run, its last words are printed (a dead keyring fails the
# password tests with "Message recipient disconnected from message bus").
rc=0
PACKBENCH_KEYRING_DIR=$dir dbus-run-session -- bash -c '
  log=$PACKBENCH_KEYRING_DIR/daemon.log
  printf %s packbench-test-keyring |
    XDG_DATA_HOME="$PACKBENCH_KEYRING_DIR" gnome-keyring-daemon --foreground --unlock \
      --components=secrets --control-directory="$PACKBENCH_KEYRING_DIR/control" >"$log" 2>&1 &
  daemon=$!
  # The command starts once the daemon owns the Secret Service name; a call
  # before that would have D-Bus start a second daemon with a locked keyring.
  owned() {
    dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null |
      grep -q "boolean true"
  }
  for _ in $(seq 200); do
    owned && break
    kill -0 "$daemon" 2>/dev/null || break
    sleep 0.05
  done
  if ! owned; then
    echo "with-keyring: gnome-keyring-daemon did not come up on the session bus; its log:" >&2
    cat "$log" >&2
    exit 1
  fi
  export PACKBENCH_TEST_KEYRING=1
  rc=0
  "$@" || rc=$?
  if kill -0 "$daemon" 2>/dev/null; then
    kill "$daemon"
  else
    status=0
    wait "$daemon" || status=$?
    echo "with-keyring: gnome-keyring-daemon ended during the run (exit status $status); its log:" >&2
    tail -n 40 "$log" >&2
  fi
  exit "$rc"' bash "$@" || rc=$?
exit "$rc"
