#!/usr/bin/env bash
# Real CUPS queues for the printing tests: starts cupsd unless it runs, and
# creates (idempotently) two printers that need no hardware:
#
#   VirtualPDF  a cups-pdf printer: every job lands as a PDF in $HOME/PDF
#               (cups-pdf.conf's `Out ${HOME}/PDF`, the submitting user's home)
#   RawZpl      a raw queue sending the job's bytes unchanged to
#               socket://127.0.0.1:9109, the way a networked Zebra on port 9100
#               is set up; the test listens there and reads what a printer
#               would. (A raw queue cannot write to a file: device; CUPS runs
#               no process for a job without filters, apple/cups#4889.)
#   PackbenchStopped
#               a raw queue that is always stopped ("out of labels"), for the
#               test that a stopped printer fails a job with its reason
#
# Prints the variables the tests read, one NAME=value a line, so that
# scripts/test.sh can `export` them. Run as root (or with sudo available):
# it writes CUPS's configuration.
set -euo pipefail

PDF_PRINTER=${PACKBENCH_TEST_PRINTER:-VirtualPDF}
RAW_PRINTER=${PACKBENCH_TEST_RAW_PRINTER:-RawZpl}
RAW_PORT=${PACKBENCH_TEST_RAW_PORT:-9109}
STOPPED_PRINTER=${PACKBENCH_TEST_STOPPED_PRINTER:-PackbenchStopped}

say() { echo "cups-test-printer: $*" >&2; }

if [[ $(id -u) -eq 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null; then
  as_root=(sudo)
else
  say "not root and no sudo: cannot configure CUPS" >&2
  exit 1
fi

for tool in cupsd lpadmin lpstat lp lpinfo cupsenable cupsdisable cupsaccept cancel; do
  if ! command -v "$tool" >/dev/null && [[ ! -x /usr/sbin/$tool ]]; then
    say "$tool is missing: run scripts/install-deps.sh (Debian packages cups, cups-client, printer-driver-cups-pdf)"
    exit 1
  fi
done

if ! lpstat -r 2>/dev/null | grep -q "is running"; then
  say "starting cupsd"
  # No init system on CI machines: cupsd daemonises itself and stays up for
  # later runs; nothing here stops it, so a desktop session can use it too.
  "${as_root[@]}" /usr/sbin/cupsd
  for _ in $(seq 1 50); do
    lpstat -r 2>/dev/null | grep -q "is running" && break
    sleep 0.1
  done
  if ! lpstat -r 2>/dev/null | grep -q "is running"; then
    say "cupsd did not start; see /var/log/cups/error_log"
    exit 1
  fi
fi

queue_uri() { lpstat -v "$1" 2>/dev/null | sed -n 's/^device for [^:]*: //p'; }

# cups-pdf's model name as lpinfo lists it (Debian: lsb/usr/cups-pdf/...).
if [[ "$(queue_uri "$PDF_PRINTER")" != "cups-pdf:/" ]]; then
  model=$(lpinfo -m 2>/dev/null | awk '/CUPS-PDF_opt\.ppd/ {print $1; exit}')
  if [[ -z $model ]]; then
    say "no CUPS-PDF model: is printer-driver-cups-pdf installed?"
    exit 1
  fi
  say "creating $PDF_PRINTER (cups-pdf)"
  "${as_root[@]}" lpadmin -p "$PDF_PRINTER" -v cups-pdf:/ -m "$model" -E 2>/dev/null
fi

if [[ "$(queue_uri "$RAW_PRINTER")" != "socket://127.0.0.1:$RAW_PORT" ]]; then
  say "creating $RAW_PRINTER (raw, socket://127.0.0.1:$RAW_PORT)"
  "${as_root[@]}" lpadmin -p "$RAW_PRINTER" -v "socket://127.0.0.1:$RAW_PORT" -m raw -E 2>/dev/null
fi

# Port 9 is discard: nothing is ever sent there, the queue stays stopped.
if [[ "$(queue_uri "$STOPPED_PRINTER")" != "socket://127.0.0.1:9" ]]; then
  say "creating $STOPPED_PRINTER (stopped)"
  "${as_root[@]}" lpadmin -p "$STOPPED_PRINTER" -v socket://127.0.0.1:9 -m raw -E 2>/dev/null
fi
"${as_root[@]}" cancel -a "$STOPPED_PRINTER" 2>/dev/null || true
"${as_root[@]}" cupsdisable -r "out of labels" "$STOPPED_PRINTER"

# A previous run may have left either queue stopped (the tests stop one on
# purpose) or holding a job that nobody listened for.
for q in "$PDF_PRINTER" "$RAW_PRINTER"; do
  "${as_root[@]}" cancel -a "$q" 2>/dev/null || true
  "${as_root[@]}" cupsenable "$q"
  "${as_root[@]}" cupsaccept "$q"
done

pdf_dir=${PACKBENCH_TEST_PDF_DIR:-${HOME:-/root}/PDF}
echo "PACKBENCH_TEST_PRINTER=$PDF_PRINTER"
echo "PACKBENCH_TEST_PDF_DIR=$pdf_dir"
echo "PACKBENCH_TEST_RAW_PRINTER=$RAW_PRINTER"
echo "PACKBENCH_TEST_RAW_PORT=$RAW_PORT"
echo "PACKBENCH_TEST_STOPPED_PRINTER=$STOPPED_PRINTER"
say "ready: $PDF_PRINTER writes to $pdf_dir, $RAW_PRINTER sends to 127.0.0.1:$RAW_PORT, $STOPPED_PRINTER is stopped"
