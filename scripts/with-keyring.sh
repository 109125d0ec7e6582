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
# makes it the default collection; it ends with the D-Bus session.
rc=0
PACKBENCH_KEYRING_DIR=$dir dbus-run-session -- bash -c '
  printf %s packbench-test-keyring |
    XDG_DATA_HOME="$PACKBENCH_KEYRING_DIR" gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
  export PACKBENCH_TEST_KEYRING=1
  exec "$@"' bash "$@" || rc=$?
exit "$rc"
