#!/usr/bin/env bash
# `make bundle`: the .deb a store installs (the app, packbench-cli, icons, a
# desktop entry; packbench-server with its systemd unit, not enabled), made
# by the Tauri bundler, then checked by
# scripts/bundle-check.sh (contents, dependencies on Debian 12, a start of
# the packaged app under Xvfb).
#
#   scripts/bundle.sh            release build (what users get), .deb, check
#   scripts/bundle.sh --debug    the debug binaries that `cargo test
#                                --workspace` builds, packaged the same way
#                                and checked (make test: nothing is compiled
#                                a second time)
#   scripts/bundle.sh --no-check build the .deb only
#
# The .deb lands in artifacts/bundle/ as packbench_VERSION_amd64.deb (the
# version is the workspace's, from Cargo.toml); a debug one is named
# packbench_VERSION_amd64-debug.deb so it is never mistaken for a release.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

say() { echo "bundle: $*" >&2; }

profile=release
check=1
for arg in "$@"; do
  case $arg in
  --debug) profile=debug ;;
  --release) profile=release ;;
  --no-check) check= ;;
  -h | --help)
    sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
  *)
    say "unknown option '$arg' (--debug, --release, --no-check, --help)"
    exit 2
    ;;
  esac
done

: "${CARGO_TARGET_DIR:=${HOME:-/tmp}/.cache/packbench/target}"
export CARGO_TARGET_DIR
# The test build's settings (clippy inside it, scripts/clippy-env.sh): the
# debug bundle reuses what make test built, and the release build is the
# one `E2E_PROFILE=release scripts/e2e.sh` makes, not a third variant.
# shellcheck source=scripts/clippy-env.sh
source scripts/clippy-env.sh

# dpkg-deb, dpkg-shlibdeps (dpkg-dev, via build-essential), xvfb-run,
# xdotool, imagemagick and ui/node_modules: scripts/install-deps.sh has them
# all; make test has just run it, so only a lone run needs it.
missing=()
for tool in dpkg-deb dpkg-shlibdeps strip xvfb-run xdotool import node npm cargo; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if ((${#missing[@]})) || [[ ! -d ui/node_modules ]]; then
  say "missing: ${missing[*]:-ui/node_modules}; running scripts/install-deps.sh"
  scripts/install-deps.sh
  hash -r
fi

# The Tauri CLI is a devDependency of ui/ (@tauri-apps/cli, prebuilt; its
# 2.12 line matches the tauri crate in Cargo.lock). A node_modules older than
# that devDependency lacks it: install exactly what the lock file says.
tauri=$ROOT/ui/node_modules/.bin/tauri
if [[ ! -x $tauri ]]; then
  say "the Tauri CLI is missing from ui/node_modules: npm ci in ui/"
  npm --prefix ui ci --no-audit --no-fund
fi

version=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version *= *"\([^"]*\)".*/\1/p' Cargo.toml)
if [[ -z $version ]]; then
  say "cannot read the workspace version from Cargo.toml ([workspace.package] version)"
  exit 1
fi

# The UI is embedded in the binary at compile time: build it when ui/dist is
# missing or older than its sources (only then: a rebuilt ui/dist, even an
# identical one, makes cargo compile the app again).
if [[ ! -f ui/dist/index.html ]] ||
  [[ -n $(find ui/src ui/index.html ui/package.json ui/vite.config.ts -newer ui/dist/index.html -print -quit 2>/dev/null) ]]; then
  say "building the UI (ui/dist)"
  npm --prefix ui run build
fi

start=$SECONDS
if [[ $profile == debug ]]; then
  # Exactly the binaries of `cargo test --workspace` (as scripts/e2e.sh
  # uses them): after make test's build this compiles nothing.
  say "the debug binaries (cargo test --workspace --no-run: up to date after make test)"
  cargo test --workspace --no-run
  # packbench-server has no tests of its own (test = false), so cargo test
  # does not build its binary: without this the package would carry
  # whatever older build the cache holds (15 s after a change to core;
  # nothing when it is up to date).
  cargo build -p packbench-server
else
  say "building the app, the CLI and the server (release; a cold build takes several minutes)"
  cargo build --release -p packbench -p packbench-cli -p packbench-server
fi
say "binaries ready in $((SECONDS - start))s"
bin_dir=$CARGO_TARGET_DIR/$profile
# The binaries of the package (packbench-server: docs/SERVER.md).
bins=(packbench packbench-cli packbench-server)
for bin in "${bins[@]}"; do
  if [[ ! -x $bin_dir/$bin ]]; then
    say "$bin_dir/$bin is missing after the build"
    exit 1
  fi
done

# The binaries are copied (a debug one stripped of its symbols, as a release
# one already is: unstripped, the two debug binaries weigh 1.3 GB) into a
# staging target directory of our own, and `tauri bundle` packages them from
# there (it compiles nothing; it finds the binaries through cargo's target
# directory). So the bundler never writes into the shared build cache, and
# another build replacing target/debug/packbench meanwhile cannot slip into
# the package.
bundle_start=$SECONDS
stage=$(mktemp -d "${TMPDIR:-/tmp}/packbench-bundle.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/$profile"
for bin in "${bins[@]}"; do
  if [[ $profile == debug ]]; then
    strip -o "$stage/$profile/$bin" "$bin_dir/$bin"
  else
    cp "$bin_dir/$bin" "$stage/$profile/$bin"
  fi
done
# The app must hold this UI build (its hashed bundle name).
asset=$(basename "$(ls ui/dist/assets/index-*.js | head -n 1)")
if ! grep -q -a -F "$asset" "$stage/$profile/packbench"; then
  say "$bin_dir/packbench does not embed ui/dist ($asset): another build replaced it; run again"
  exit 1
fi

# Depends gets the versions the binaries need, as a Debian package's
# ${shlibs:Depends} would (dpkg-shlibdeps: e.g. WebKitGTK >= 2.41.90), on
# top of tauri.conf.json's list: apt then refuses a system whose libraries
# are too old instead of installing an app that cannot start.
mkdir -p "$stage/shlibs/debian"
printf 'Source: packbench\n\nPackage: packbench\nArchitecture: any\n' >"$stage/shlibs/debian/control"
if ! shlibs=$(cd "$stage/shlibs" && dpkg-shlibdeps -O -e"$stage/$profile/packbench" -e"$stage/$profile/packbench-cli" -e"$stage/$profile/packbench-server" 2>"$stage/shlibdeps.err"); then
  say "dpkg-shlibdeps failed:"
  cat "$stage/shlibdeps.err" >&2
  exit 1
fi
shlibs=${shlibs#shlibs:Depends=}
# The CLI and the server are other crates of the workspace, so the bundler
# does not know them: they go in as files of the .deb, by their paths in the
# staging folder (hence given here, not in tauri.conf.json), with the
# server's systemd unit (not enabled), the example of its settings (the
# postinst copies it to /etc/default/packbench-server once: dpkg would
# overwrite a shipped file of /etc on upgrade, as the bundler marks no
# conffiles) and its manual (server/deb/). A --config replaces arrays, so
# the depends of tauri.conf.json are repeated in it.
extra_config=$(node -e '
  const [conf, shlibs, stage, root] = process.argv.slice(1);
  const deb = JSON.parse(require("fs").readFileSync(conf, "utf8")).bundle.linux.deb;
  const depends = [...(deb.depends || []), ...shlibs.split(",").map((d) => d.trim()).filter(Boolean)];
  const files = {
    "/usr/bin/packbench-cli": `${stage}/packbench-cli`,
    "/usr/bin/packbench-server": `${stage}/packbench-server`,
    "/usr/lib/systemd/system/packbench-server.service": `${root}/server/deb/packbench-server.service`,
    "/usr/share/packbench/packbench-server.default": `${root}/server/deb/packbench-server.default`,
    "/usr/share/doc/packbench/SERVER.md": `${root}/docs/SERVER.md`,
  };
  const scripts = {
    postInstallScript: `${root}/server/deb/postinst`,
    preRemoveScript: `${root}/server/deb/prerm`,
    postRemoveScript: `${root}/server/deb/postrm`,
  };
  console.log(JSON.stringify({ bundle: { linux: { deb: { depends, files, ...scripts } } } }));
' src-tauri/tauri.conf.json "$shlibs" "$stage/$profile" "$ROOT")
bundle_args=(bundle --bundles deb --ci --config "$extra_config")
[[ $profile == debug ]] && bundle_args+=(--debug)
say "tauri ${bundle_args[*]}"
CARGO_TARGET_DIR=$stage "$tauri" "${bundle_args[@]}"
bundle_took=$((SECONDS - bundle_start))
deb_dir=$stage/$profile/bundle/deb

shopt -s nullglob
debs=("$deb_dir"/*.deb)
shopt -u nullglob
if ((${#debs[@]} != 1)); then
  say "expected one .deb in $deb_dir, found ${#debs[@]}"
  exit 1
fi

out_dir=$ROOT/artifacts/bundle
mkdir -p "$out_dir"
arch=$(dpkg-deb -f "${debs[0]}" Architecture)
if [[ $profile == debug ]]; then
  deb=$out_dir/packbench_${version}_${arch}-debug.deb
else
  deb=$out_dir/packbench_${version}_${arch}.deb
fi
cp "${debs[0]}" "$deb"
size=$(du -h "$deb" | cut -f1)
say "$profile .deb: ${deb#"$ROOT"/} ($size; packaged in ${bundle_took}s, $((SECONDS - start))s with the build)"

if [[ -n $check ]]; then
  scripts/bundle-check.sh "$deb" --expect-ui "$asset"
fi

if [[ $profile == release ]]; then
  echo
  echo "Install it on Debian 12 / Ubuntu:  sudo apt install ./${deb#"$ROOT"/}"
fi
