#!/usr/bin/env bash
# Installs what building and testing Packbench needs on Debian 12.
#
# CI runs in a fresh clone, possibly on a fresh machine, so everything the
# project needs is installed from here. It is idempotent and quick when all is
# present: dpkg is asked first, and apt-get runs only for what is missing.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Build: C toolchain and OpenSSL headers for -sys crates.
# Run and test: PostgreSQL (the second storage engine the test suite runs on),
# poppler-utils and zbar-tools (tests read PDFs back with pdftotext/pdftoppm
# and decode barcodes with zbarimg; dmtx-utils' dmtxread decodes the
# DataMatrix zbar cannot read), DejaVu (Cyrillic in documents), Xvfb
# (anything that opens a window needs a display), CUPS with a PDF printer
# (printing tests send real jobs through lp to queues that
# scripts/cups-test-printer.sh creates), openssl (the PostgreSQL test
# server's TLS certificate), gnome-keyring and D-Bus (the OS keyring that
# keeps database passwords; tests run one under dbus-run-session), and
# Debian's Python with openpyxl (an independent reader of exported XLSX)
# and aiosmtpd (the loopback SMTP server customer e-mail is tested against).
BASE_PKGS=(
  build-essential pkg-config libssl-dev file
  postgresql poppler-utils zbar-tools dmtx-utils fonts-dejavu-core xvfb xauth
  cups cups-client printer-driver-cups-pdf locales openssl
  gnome-keyring dbus libdbus-1-dev
  python3-openpyxl python3-aiosmtpd
)

# The desktop app (TOOLCHAIN.md, "System packages"): WebKitGTK and friends to
# build src-tauri; WebKitWebDriver, xdotool and imagemagick to drive it and
# take screenshots end to end.
# Installed only once src-tauri/ exists, so the core/CLI work stays lean.
# fonts-noto-color-emoji: the app's icons (📌 ⏸ ⚠) as a desktop shows them;
# without it the screenshots under Xvfb draw empty boxes. sqlite3: the
# dashboard scenario reads the app's database itself, apart from Packbench.
DESKTOP_PKGS=(
  fonts-noto-color-emoji sqlite3
  libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libayatana-appindicator3-dev
  libsoup-3.0-dev libjavascriptcoregtk-4.1-dev
  webkit2gtk-driver imagemagick xdotool x11-xkb-utils
)

say() { echo "install-deps: $*"; }

wanted=("${BASE_PKGS[@]}")
if [[ -d src-tauri ]]; then
  wanted+=("${DESKTOP_PKGS[@]}")
fi

missing=()
for pkg in "${wanted[@]}"; do
  # A removed package can linger as "deinstall ok config-files": only a fully
  # installed one counts.
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  if [[ "$status" != "install ok installed" ]]; then
    missing+=("$pkg")
  fi
done

if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    as_root=()
  elif command -v sudo >/dev/null; then
    as_root=(sudo)
  else
    say "missing Debian packages: ${missing[*]}" >&2
    say "not root and no sudo: install them as root and run again" >&2
    exit 1
  fi
  say "installing: ${missing[*]}"
  # Wait for a concurrent apt/dpkg instead of failing on its lock.
  apt_opts=(-o DPkg::Lock::Timeout=300 -q)
  "${as_root[@]}" apt-get "${apt_opts[@]}" update
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get "${apt_opts[@]}" install -y --no-install-recommends "${missing[@]}"
else
  say "Debian packages: all ${#wanted[@]} present"
fi

# Russian users come first: the tests print, import and scan with a Russian
# locale (CUPS's tools answer in Russian there), so the machine must have
# ru_RU.UTF-8 generated, not only the C locale.
if ! locale -a 2>/dev/null | grep -qiE '^ru_RU\.utf-?8$'; then
  say "generating the ru_RU.UTF-8 locale"
  if [[ $(id -u) -eq 0 ]]; then
    localedef -i ru_RU -f UTF-8 ru_RU.UTF-8
  else
    sudo localedef -i ru_RU -f UTF-8 ru_RU.UTF-8
  fi
fi

# Lints need rustfmt and clippy; the machine's rustup usually has them.
for component in rustfmt clippy; do
  if [[ $component == rustfmt ]]; then check=(cargo fmt --version); else check=(cargo clippy --version); fi
  if ! "${check[@]}" >/dev/null 2>&1; then
    say "adding rustup component $component"
    rustup component add "$component"
  fi
done

# The UI (a later issue). With an npm workspace at the root, install there;
# otherwise in ui/ itself. Only when node_modules is missing: a full install
# on every test run would cost time for nothing.
if [[ -f ui/package.json ]]; then
  if [[ -f package.json ]]; then npm_dir=.; else npm_dir=ui; fi
  if [[ ! -d $npm_dir/node_modules ]]; then
    # npm ci installs exactly what package-lock.json says.
    say "npm ci in $npm_dir/"
    (cd "$npm_dir" && npm ci --no-audit --no-fund)
  fi
fi

# End-to-end tests in the real app (scripts/e2e.sh): tauri-driver, the
# WebDriver proxy in front of WebKitWebDriver, is a Rust tool from crates.io
# (no Debian package); pinned to the version TOOLCHAIN.md verified. And the
# test runner's npm packages (webdriverio), exactly as locked. Install scripts
# are skipped: webdriverio's optional browser-driver downloads cannot reach
# anything here and are not used (tauri-driver is the driver).
if [[ -d src-tauri ]]; then
  if ! command -v tauri-driver >/dev/null; then
    say "cargo install tauri-driver"
    # Its own throw-away target dir: not the project's shared build cache.
    env -u CARGO_TARGET_DIR cargo install tauri-driver --version 2.1.0 --locked
  fi
  if [[ -f tests/e2e/package-lock.json && ! -d tests/e2e/node_modules ]]; then
    say "npm ci in tests/e2e/"
    (cd tests/e2e && npm ci --ignore-scripts --no-audit --no-fund)
  fi
fi
