#!/usr/bin/env bash
# A throw-away PostgreSQL server for the test suite and the benchmarks.
#
#   scripts/pg-test-server.sh start    start it (or reuse the one running)
#   scripts/pg-test-server.sh url      print the URL the tests connect with
#   scripts/pg-test-server.sh status   say whether it runs
#   scripts/pg-test-server.sh stop     stop it at once and delete its files
#
# It uses Debian's binaries (package postgresql), its own data directory under
# $PB_PG_DIR (default /tmp/packbench-pg) and listens on 127.0.0.1 only, at
# $PB_PG_PORT (default 54329), so it never meets a PostgreSQL the machine
# already runs. Role `packbench` (LOGIN CREATEDB: the tests create a fresh
# database per test; pg_trgm is a trusted extension, so no superuser is
# needed) owns database `packbench`. Authentication is `trust`: loopback only.
set -euo pipefail

PB_PG_DIR=${PB_PG_DIR:-/tmp/packbench-pg}
PB_PG_DIR=${PB_PG_DIR%/}
PB_PG_PORT=${PB_PG_PORT:-54329}
DATA=$PB_PG_DIR/data
LOG=$PB_PG_DIR/server.log
# Present in a directory this script made; `stop` deletes only such a one.
MARKER=$PB_PG_DIR/.packbench-pg-test-server
ROLE=packbench
DB=packbench
# A role that must give a password; `packbench` may hand databases to it.
PW_ROLE=packbench_pw
PW_ROLE_PASSWORD=Pb-Server-Test-Password-4471
URL="postgres://$ROLE@127.0.0.1:$PB_PG_PORT/$DB"
READY_TIMEOUT=30

say() { echo "pg-test-server: $*" >&2; }
die() {
  say "$*"
  exit 1
}

usage() {
  echo "usage: $0 start|stop|url|status" >&2
  exit 2
}

# Debian installs each major version under /usr/lib/postgresql/N/bin; take
# the newest. PB_PG_BIN overrides.
find_bin() {
  if [[ -n ${PB_PG_BIN:-} ]]; then
    BIN=$PB_PG_BIN
  else
    BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  fi
  [[ -n $BIN && -x $BIN/initdb && -x $BIN/pg_ctl ]] ||
    die "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin (run scripts/install-deps.sh)"
}

# PostgreSQL refuses to run as root. As root (CI) the server runs as the
# `postgres` user that Debian's package creates; otherwise as whoever we are.
# cd / first: the caller's directory may be unreadable to `postgres`.
if [[ $(id -u) -eq 0 ]]; then
  OWNER=postgres
  RUN_AS=(runuser -u "$OWNER" --)
else
  OWNER=$(id -un)
  RUN_AS=()
fi
# Only stdin, stdout and stderr go along. The postmaster that `pg_ctl start`
# leaves behind would otherwise keep every descriptor we inherited: our lock
# (fd 9, so the next start or stop would wait for it forever) and any pipe of
# whoever called us (make, CI's log reader), which would then never see its
# end.
as_owner() {
  (
    cd /
    for fd in /proc/self/fd/*; do
      fd=${fd##*/}
      if ((fd > 2)); then eval "exec $fd>&-"; fi
    done
    exec "${RUN_AS[@]}" "$@"
  )
}

our_server_runs() {
  [[ -f $DATA/postmaster.pid ]] && as_owner "$BIN/pg_ctl" status -D "$DATA" >/dev/null 2>&1
}

port_answers() {
  "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PB_PG_PORT" -U postgres -d postgres -t 2 >/dev/null 2>&1
}

show_log_tail() {
  if [[ -f $LOG ]]; then
    say "last lines of $LOG:"
    tail -n 40 "$LOG" >&2 || true
  fi
}

wait_ready() {
  local timeout=${1:-$READY_TIMEOUT}
  local deadline=$((SECONDS + timeout))
  until port_answers; do
    if ((SECONDS >= deadline)); then
      say "PostgreSQL on 127.0.0.1:$PB_PG_PORT not ready after ${timeout}s"
      show_log_tail
      exit 1
    fi
    sleep 0.2
  done
}

# Superuser session over loopback (trust) to create what the tests log in as.
admin_sql() {
  "$BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PB_PG_PORT" -U postgres -d postgres "$@"
}

ensure_role_and_db() {
  if [[ $(admin_sql -c "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'") != 1 ]]; then
    admin_sql -c "CREATE ROLE $ROLE LOGIN CREATEDB"
  fi
  if [[ $(admin_sql -c "SELECT 1 FROM pg_roles WHERE rolname = '$PW_ROLE'") != 1 ]]; then
    admin_sql -c "CREATE ROLE $PW_ROLE LOGIN PASSWORD '$PW_ROLE_PASSWORD'"
    admin_sql -c "GRANT $PW_ROLE TO $ROLE"
  fi
  if [[ $(admin_sql -c "SELECT 1 FROM pg_database WHERE datname = '$DB'") != 1 ]]; then
    admin_sql -c "CREATE DATABASE $DB OWNER $ROLE ENCODING 'UTF8' TEMPLATE template0"
  fi
}

# Fresh directory owned by the server's user. Leftovers of an earlier run
# (a killed session, a machine handed back) are wiped: the server is
# throw-away and tests must not depend on old data.
prepare_dir() {
  if [[ -e $PB_PG_DIR && ! -f $MARKER ]]; then
    if [[ -n $(ls -A "$PB_PG_DIR" 2>/dev/null) ]]; then
      die "$PB_PG_DIR exists and was not made by this script; set PB_PG_DIR elsewhere"
    fi
  fi
  rm -rf "$DATA" "$LOG"
  mkdir -p "$PB_PG_DIR"
  touch "$MARKER"
  chmod 700 "$PB_PG_DIR"
  if [[ $(id -u) -eq 0 ]]; then
    id "$OWNER" >/dev/null 2>&1 || die "no '$OWNER' user (the postgresql package creates it)"
    chown -R "$OWNER:" "$PB_PG_DIR"
  fi
  as_owner test -w "$PB_PG_DIR" ||
    die "user '$OWNER' cannot write $PB_PG_DIR (a parent directory is closed to it?); set PB_PG_DIR under /tmp"
}

start() {
  find_bin
  if our_server_runs; then
    # Starts and stops are serialised (flock), so a server of ours is either
    # up or left over from a killed run (its pid lingering, say) and useless.
    if (wait_ready 5) 2>/dev/null; then
      ensure_role_and_db
      say "already running on 127.0.0.1:$PB_PG_PORT (data $DATA), reusing it"
      return
    fi
    say "a left-over server in $DATA does not answer; replacing it"
    as_owner "$BIN/pg_ctl" -D "$DATA" -m immediate -w -t 10 stop >/dev/null 2>&1 || true
  fi
  if port_answers; then
    # Some other server holds the port. Reuse it only if it is usable as ours.
    if "$BIN/psql" -X -q -At "$URL" -c 'SELECT 1' >/dev/null 2>&1; then
      say "a server on 127.0.0.1:$PB_PG_PORT accepts $URL, reusing it"
      return
    fi
    die "port $PB_PG_PORT is taken by another server; set PB_PG_PORT to a free port"
  fi

  prepare_dir

  local locale_args=(--locale=C.UTF-8)
  if ! locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then
    locale_args=(--no-locale)
  fi
  # --no-sync: nothing here has to survive a crash.
  if ! as_owner "$BIN/initdb" -D "$DATA" --auth=trust --username=postgres \
    --encoding=UTF8 "${locale_args[@]}" --no-sync >"$PB_PG_DIR/initdb.log" 2>&1; then
    cat "$PB_PG_DIR/initdb.log" >&2
    die "initdb failed"
  fi

  # TLS with a self-signed certificate, so `sslmode=require` is tested
  # against a real handshake (tests/tests/security.rs); plain connections
  # are still accepted on loopback.
  as_owner openssl req -x509 -newkey rsa:2048 -nodes -days 7 -subj /CN=localhost \
    -keyout "$DATA/server.key" -out "$DATA/server.crt" >/dev/null 2>&1 ||
    die "openssl could not make the test server's certificate"
  as_owner chmod 600 "$DATA/server.key"

  # fsync, synchronous_commit and full_page_writes off trade crash safety for
  # speed. That is fine: this cluster is throw-away, made fresh by every
  # `start` and deleted by `stop`; a crash loses nothing anyone keeps.
  # Tests run in parallel threads, each with its own pool: room for 200.
  as_owner tee -a "$DATA/postgresql.conf" >/dev/null <<EOF

# --- packbench throw-away test server (scripts/pg-test-server.sh) ---
listen_addresses = '127.0.0.1'
port = $PB_PG_PORT
unix_socket_directories = '$DATA'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
ssl = on
ssl_cert_file = 'server.crt'
ssl_key_file = 'server.key'
EOF

  # One role signs in with a password (scram), so the tests of keeping the
  # database password out of files meet a server that really asks for it;
  # everyone else is trusted on loopback.
  as_owner sed -i "1i host all $PW_ROLE 127.0.0.1/32 scram-sha-256" "$DATA/pg_hba.conf"

  # -l sends the server's output to the log, so the background postmaster
  # holds none of our caller's pipes open (make, CI's log reader).
  if ! as_owner "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t "$READY_TIMEOUT" start >/dev/null; then
    show_log_tail
    die "pg_ctl start failed"
  fi
  wait_ready
  ensure_role_and_db
  say "started PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PB_PG_PORT (data $DATA)"
}

stop() {
  find_bin
  if our_server_runs; then
    # Immediate: no checkpoint, since the files are deleted next.
    as_owner "$BIN/pg_ctl" -D "$DATA" -m immediate -w -t "$READY_TIMEOUT" stop >/dev/null ||
      die "pg_ctl stop failed"
    say "stopped the server on 127.0.0.1:$PB_PG_PORT"
  fi
  if [[ -f $MARKER ]]; then
    rm -rf "$PB_PG_DIR"
  elif [[ -e $PB_PG_DIR ]]; then
    say "left $PB_PG_DIR in place: it was not made by this script"
  fi
}

status() {
  find_bin
  if our_server_runs; then
    echo "running on 127.0.0.1:$PB_PG_PORT (data $DATA)"
  else
    echo "not running"
    return 3
  fi
}

[[ $# -eq 1 ]] || usage
case $1 in
start | stop)
  # One start or stop at a time, e.g. `make test` and `make bench` together.
  mkdir -p "$(dirname "$PB_PG_DIR")"
  exec 9>"$PB_PG_DIR.flock"
  flock -w 120 9 || die "another start/stop holds $PB_PG_DIR.flock for over 120 s"
  "$1"
  ;;
status) status ;;
url) echo "$URL" ;;
*) usage ;;
esac
