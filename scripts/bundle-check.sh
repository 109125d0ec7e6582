#!/usr/bin/env bash
# Checks a Packbench .deb as a store would meet it (scripts/bundle.sh runs
# it after every bundle; make test on the debug one):
#
#   scripts/bundle-check.sh FILE.deb [--expect-ui ASSET]
#
# 1. its control file: the package name, the workspace's version, this
#    machine's architecture, and Depends naming WebKitGTK, GTK, CUPS's
#    client and poppler;
# 2. its contents: the app, packbench-cli and packbench-server in /usr/bin,
#    the icons, the desktop entry (whose Exec and Icon point at files of the
#    package); the server's systemd unit (not enabled; settings from
#    /etc/default/packbench-server, made by the postinst from the example
#    the package ships) as `dpkg-deb -c` lists them, and the maintainer
#    scripts;
# 3. every shared library the three binaries load comes from a package that
#    Depends pulls in (dpkg-shlibdeps against apt's dependency closure);
# 4. `apt-get install --simulate ./FILE.deb` resolves on this machine, and
#    on a clean Debian 12 (apt told that nothing is installed: every
#    dependency must be in the archive);
# 5. extracted with `dpkg-deb -x` into a throw-away root, packbench-cli
#    tells the version, packbench-server --help runs, and the app starts
#    under Xvfb with a throw-away
#    data directory: its window appears, the UI paints it, the database
#    opens (the app's log). A screenshot lands in artifacts/bundle/.
#
# --expect-ui ASSET: the app must embed that file of ui/dist/assets (the
# hashed bundle name), i.e. be built from this UI.
# Exit code non-zero when a check failed; each failure says what to look at.
set -euo pipefail

caller=$PWD
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

say() { echo "bundle-check: $*" >&2; }

# Tools' output is read below: the same words in every locale.
export LC_ALL=C
unset LANGUAGE

# ---- inside xvfb-run: start the extracted app, wait until it is up -------
if [[ ${1:-} == --inside-xvfb ]]; then
  app=$2
  log=$3
  output=$4
  shot=$5
  timeout_s=$6
  wm_class=${7:-}
  # The app runs in a station's language, not in the C locale of the tools
  # here: Russian first (scripts/install-deps.sh generates it).
  if locale -a 2>/dev/null | grep -qiE '^ru_RU\.utf-?8$'; then app_locale=ru_RU.UTF-8; else app_locale=C.UTF-8; fi
  env -u LC_ALL LANG="$app_locale" "$app" >"$output" 2>&1 &
  pid=$!
  trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true' EXIT
  deadline=$((SECONDS + timeout_s))
  window=
  painted=
  opened=
  while ((SECONDS < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      wait "$pid" && rc=0 || rc=$?
      say "the app exited (code $rc) while starting; its output:"
      tail -n 30 "$output" >&2
      exit 1
    fi
    if [[ -z $window ]]; then
      window=$(xdotool search --onlyvisible --name '^Packbench$' 2>/dev/null | head -n 1 || true)
    fi
    if [[ -z $opened ]] && grep -q 'database open' "$log" 2>/dev/null; then
      opened=1
    fi
    # Painted: the web view has drawn the UI, not a blank or one-colour
    # window (a WebKit that cannot load its page leaves it empty). Colours
    # are counted on the window as the X server has it.
    if [[ -n $window && -z $painted ]]; then
      if import -window "$window" "$shot.tmp.png" 2>/dev/null; then
        colours=$(convert "$shot.tmp.png" -format %k info: 2>/dev/null || echo 0)
        if ((colours >= 64)); then
          painted=$colours
          mv "$shot.tmp.png" "$shot"
        fi
      fi
    fi
    if [[ -n $window && -n $painted && -n $opened ]]; then
      geometry=$(xdotool getwindowgeometry "$window" | sed -n 's/^ *Geometry: //p')
      # The desktop entry's StartupWMClass must name the window's WM_CLASS
      # (its instance or class), or docks show the window apart from its
      # entry.
      wm_match=
      if [[ -n $wm_class ]]; then
        wm_match=no
        for how in --class --classname; do
          if xdotool search --onlyvisible "$how" "^${wm_class}\$" 2>/dev/null | grep -qx "$window"; then
            wm_match=yes
          fi
        done
      fi
      # The screenshot for people: once the screen has settled (the UI
      # has its first answer from core; two looks alike), or as it is
      # after 10 more seconds.
      settle_until=$((SECONDS + 10))
      while ((SECONDS < settle_until)); do
        import -window "$window" "$shot.next.png" 2>/dev/null || break
        differ=$(compare -metric AE "$shot" "$shot.next.png" null: 2>&1 || true)
        mv "$shot.next.png" "$shot"
        [[ $differ == 0 ]] && break
        sleep 0.3
      done
      echo "window=$window geometry=$geometry colours=$painted wm_class_matches=${wm_match:-unchecked}"
      exit 0
    fi
    sleep 0.2
  done
  say "the app did not come up within ${timeout_s}s:" \
    "window ${window:-not found}, painted ${painted:-no}, database open ${opened:-no}"
  say "its output:"
  tail -n 30 "$output" >&2
  [[ -f $shot.tmp.png ]] && mv "$shot.tmp.png" "$shot" && say "last look: $shot"
  exit 1
fi

# ---- outside ---------------------------------------------------------------
deb=
expect_ui=
while (($#)); do
  case $1 in
  --expect-ui)
    expect_ui=${2:?--expect-ui needs the asset name}
    shift 2
    ;;
  -h | --help)
    sed -n '2,29p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
  *)
    [[ -z $deb ]] || {
      say "one .deb at a time ('$deb' and '$1')"
      exit 2
    }
    deb=$1
    [[ $deb == /* ]] || deb=$caller/$deb
    shift
    ;;
  esac
done
if [[ -z $deb || ! -f $deb ]]; then
  say "usage: scripts/bundle-check.sh FILE.deb [--expect-ui ASSET] (no such file: '${deb}')"
  exit 2
fi
deb=$(realpath "$deb")

for tool in dpkg-deb dpkg-shlibdeps apt-get apt-cache xvfb-run xdotool import convert compare; do
  command -v "$tool" >/dev/null || {
    say "$tool is missing: run scripts/install-deps.sh"
    exit 2
  }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/packbench-deb.XXXXXX")
# shellcheck source=scripts/xvfb-group.sh
. "$ROOT/scripts/xvfb-group.sh"

passed=0
failed=0
ok() {
  passed=$((passed + 1))
  echo "  ok    $*"
}
bad() {
  failed=$((failed + 1))
  echo "  FAIL  $*"
}

echo "bundle-check: ${deb#"$ROOT"/} ($(du -h "$deb" | cut -f1))"

# ---- 1. the control file ---------------------------------------------------
version=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version *= *"\([^"]*\)".*/\1/p' Cargo.toml)
arch=$(dpkg --print-architecture)
field() { dpkg-deb -f "$deb" "$1"; }
if [[ $(field Package) == packbench ]]; then
  ok "package name: packbench"
else
  bad "package name is '$(field Package)', not packbench (productName in src-tauri/tauri.conf.json)"
fi
if [[ $(field Version) == "$version" ]]; then
  ok "version $version (the workspace's, Cargo.toml)"
else
  bad "version is '$(field Version)', the workspace says '$version'"
fi
if [[ $(field Architecture) == "$arch" ]]; then
  ok "architecture $arch"
else
  bad "architecture is '$(field Architecture)', this machine is $arch"
fi
depends=$(field Depends)
# Package names of Depends (versions and alternatives dropped).
dep_names=$(tr ',|' '\n\n' <<<"$depends" | sed 's/(.*)//; s/^ *//; s/ *$//' | { grep -v '^$' || true; } | sort -u)
missing_deps=()
for want in libwebkit2gtk-4.1-0 libgtk-3-0 cups-client poppler-utils; do
  grep -qx "$want" <<<"$dep_names" || missing_deps+=("$want")
done
if ((${#missing_deps[@]} == 0)); then
  ok "Depends: $depends"
else
  bad "Depends lacks ${missing_deps[*]} (it is: $depends; see bundle.linux.deb.depends in src-tauri/tauri.conf.json)"
fi

# ---- 2. contents -------------------------------------------------------------
root=$work/root
mkdir -p "$root"
dpkg-deb -x "$deb" "$root"
for bin in packbench packbench-cli packbench-server; do
  if [[ -x $root/usr/bin/$bin ]]; then
    ok "/usr/bin/$bin ($(du -h "$root/usr/bin/$bin" | cut -f1))"
  else
    bad "/usr/bin/$bin is not in the package (dpkg-deb -c ${deb##*/})"
  fi
done
icons=()
sizes=(32x32 64x64 128x128 256x256@2 512x512)
for size in "${sizes[@]}"; do
  # Tauri files the 128x128@2x icon under 256x256@2.
  if [[ -f $root/usr/share/icons/hicolor/$size/apps/packbench.png ]]; then
    icons+=("$size")
  fi
done
if ((${#icons[@]} == ${#sizes[@]})); then
  ok "icons: ${icons[*]} (/usr/share/icons/hicolor/*/apps/packbench.png)"
else
  bad "icons: only ${icons[*]:-none} of ${sizes[*]} ($(cd "$root" && find usr/share/icons -name '*.png' | tr '\n' ' '))"
fi
shopt -s nullglob
desktops=("$root"/usr/share/applications/*.desktop)
shopt -u nullglob
if ((${#desktops[@]} != 1)); then
  bad "expected one desktop entry in /usr/share/applications, found ${#desktops[@]}"
else
  entry=${desktops[0]}
  key() { sed -n "s/^$1=//p" "$entry" | head -n 1; }
  exec_cmd=$(key Exec | awk '{print $1}')
  startup_wm_class=$(key StartupWMClass)
  icon=$(key Icon)
  problems=()
  [[ $(key Type) == Application ]] || problems+=("Type is not Application")
  [[ $(key Name) == Packbench ]] || problems+=("Name is '$(key Name)'")
  grep -q '^Name\[ru\]=' "$entry" || problems+=("no Name[ru]")
  [[ -x $root/usr/bin/${exec_cmd##*/} ]] || problems+=("Exec=$exec_cmd is not a binary of the package")
  [[ -f $root/usr/share/icons/hicolor/128x128/apps/$icon.png ]] || problems+=("Icon=$icon has no icon in the package")
  if command -v desktop-file-validate >/dev/null; then
    v=$(desktop-file-validate "$entry" 2>&1) || problems+=("desktop-file-validate: $v")
  fi
  if ((${#problems[@]} == 0)); then
    ok "desktop entry ${entry#"$root"}: Exec=$exec_cmd Icon=$icon Categories=$(key Categories)"
  else
    bad "desktop entry ${entry#"$root"}: ${problems[*]}"
  fi
fi
# The server's service (docs/SERVER.md, "From the .deb"): the unit and the
# example of its settings, as dpkg-deb -c lists the package; the unit starts
# /usr/bin/packbench-server with /etc/default/packbench-server, and nothing
# enables it (no .wants link in the package).
unit=usr/lib/systemd/system/packbench-server.service
example=usr/share/packbench/packbench-server.default
listing=$(dpkg-deb -c "$deb" | awk '{print $NF}' | sed 's|^\./||')
for want in "$unit" "$example"; do
  if grep -qx "$want" <<<"$listing"; then
    ok "/$want in dpkg-deb -c"
  else
    bad "/$want is not in the package (dpkg-deb -c ${deb##*/}; scripts/bundle.sh's files)"
  fi
done
if grep -q '\.wants/' <<<"$listing"; then
  bad "the package enables a unit itself ($(grep '\.wants/' <<<"$listing" | head -n 1)): the server is enabled by the admin"
fi
if [[ -f $root/$unit ]]; then
  problems=()
  grep -qE '^ExecStart=/usr/bin/packbench-server( |$)' "$root/$unit" || problems+=("ExecStart is not /usr/bin/packbench-server")
  grep -qx 'EnvironmentFile=-\{0,1\}/etc/default/packbench-server' "$root/$unit" || problems+=("no EnvironmentFile=/etc/default/packbench-server")
  grep -q '^WantedBy=multi-user.target' "$root/$unit" || problems+=("no WantedBy=multi-user.target")
  if command -v systemd-analyze >/dev/null; then
    # A copy that starts the extracted binary (the package is not
    # installed here).
    mkdir -p "$work/unit"
    sed "s|/usr/bin/packbench-server|$root/usr/bin/packbench-server|g" "$root/$unit" >"$work/unit/packbench-server.service"
    v=$(systemd-analyze verify --man=no "$work/unit/packbench-server.service" 2>&1) || problems+=("systemd-analyze verify: $(tail -n 3 <<<"$v")")
  fi
  if ((${#problems[@]} == 0)); then
    ok "the unit: ExecStart=$(sed -n 's/^ExecStart=//p' "$root/$unit"), settings from /etc/default/packbench-server, not enabled"
  else
    bad "the unit /$unit: ${problems[*]}"
  fi
fi
if [[ -f $root/$example ]] && grep -q '^#\{0,1\}PACKBENCH_DATABASE_URL=' "$root/$example" && grep -q '^PACKBENCH_LISTEN=' "$root/$example"; then
  ok "the settings' example names PACKBENCH_DATABASE_URL and PACKBENCH_LISTEN"
elif [[ -f $root/$example ]]; then
  bad "/$example does not name PACKBENCH_DATABASE_URL and PACKBENCH_LISTEN (server/deb/packbench-server.default)"
fi
# The postinst makes /etc/default/packbench-server from the example (once:
# an admin's settings are never overwritten); the scripts are valid sh.
mkdir -p "$work/control"
dpkg-deb -e "$deb" "$work/control"
scripts_problems=()
for script in postinst prerm postrm; do
  if [[ ! -x $work/control/$script ]]; then
    scripts_problems+=("no executable $script")
  elif ! sh -n "$work/control/$script" 2>/dev/null; then
    scripts_problems+=("$script is not valid sh")
  fi
done
if [[ -f $work/control/postinst ]] && ! grep -q "/$example /etc/default/packbench-server" "$work/control/postinst"; then
  scripts_problems+=("the postinst does not make /etc/default/packbench-server from /$example")
fi
# Run against a throw-away root (their absolute paths moved into it; no
# systemd there, so no systemctl runs): the install makes the settings file
# from the example, 0600; a second configure (an upgrade) keeps an edited
# one; a purge removes it.
if ((${#scripts_problems[@]} == 0)) && [[ -f $root/$example ]]; then
  sys=$work/sysroot
  mkdir -p "$sys/etc/default" "$sys/usr/share/packbench" "$sys/etc/systemd/system/multi-user.target.wants"
  cp "$root/$example" "$sys/$example"
  for script in postinst postrm; do
    sed -e "s|/etc/|$sys/etc/|g" -e "s|/usr/share/packbench/|$sys/usr/share/packbench/|g" \
      -e "s|/run/systemd/system|$sys/run/systemd/system|g" "$work/control/$script" >"$work/$script.sh"
  done
  settings=$sys/etc/default/packbench-server
  if ! sh "$work/postinst.sh" configure "" >"$work/postinst.out" 2>&1; then
    scripts_problems+=("the postinst failed: $(tail -n 3 "$work/postinst.out")")
  elif ! cmp -s "$settings" "$sys/$example"; then
    scripts_problems+=("the postinst did not make /etc/default/packbench-server from the example")
  elif [[ $(stat -c %a "$settings") != 600 ]]; then
    scripts_problems+=("the postinst made /etc/default/packbench-server with mode $(stat -c %a "$settings"), not 600 (it holds the database password)")
  else
    echo 'PACKBENCH_DATABASE_URL=postgres://edited' >>"$settings"
    sh "$work/postinst.sh" configure 0.0.9 >/dev/null 2>&1 || scripts_problems+=("the postinst failed on upgrade")
    grep -q 'postgres://edited' "$settings" || scripts_problems+=("an upgrade's postinst overwrote the admin's /etc/default/packbench-server")
    sh "$work/postrm.sh" purge >/dev/null 2>&1 || scripts_problems+=("the postrm failed on purge")
    [[ ! -e $settings ]] || scripts_problems+=("a purge left /etc/default/packbench-server")
  fi
fi
if ((${#scripts_problems[@]} == 0)); then
  ok "maintainer scripts postinst, prerm, postrm (run in a throw-away root: the postinst makes /etc/default/packbench-server 0600 once, keeps it on upgrade; purge removes it)"
else
  bad "maintainer scripts: $(printf '%s; ' "${scripts_problems[@]}")(server/deb/)"
fi
if [[ -n $expect_ui ]]; then
  if grep -q -a -F "$expect_ui" "$root/usr/bin/packbench"; then
    ok "the app embeds this UI build (ui/dist/assets/$expect_ui)"
  else
    bad "the packaged app does not embed ui/dist/assets/$expect_ui: it was built from another UI (or another build replaced it in the shared cache); run the bundle again"
  fi
fi

# ---- 3. shared libraries against the Depends closure -------------------------
# dpkg-shlibdeps names the package of every library the binaries load; each
# must be one that installing Depends brings (apt's recursive Depends).
mkdir -p "$work/shlibs/debian"
printf 'Source: packbench\n\nPackage: packbench\nArchitecture: any\n' >"$work/shlibs/debian/control"
elf_args=()
for bin in packbench packbench-cli packbench-server; do
  [[ -f $root/usr/bin/$bin ]] && elf_args+=("-e$root/usr/bin/$bin")
done
if ((${#elf_args[@]} == 0)); then
  bad "shared libraries: no binary to look at"
elif shlibs=$(cd "$work/shlibs" && dpkg-shlibdeps -O "${elf_args[@]}" 2>"$work/shlibdeps.err"); then
  needed=$(sed 's/^shlibs:Depends=//' <<<"$shlibs" | tr ',' '\n' | sed 's/(.*)//; s/^ *//; s/ *$//' | { grep -v '^$' || true; } | sort -u)
  # shellcheck disable=SC2086 # one package name per word
  closure=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
    --no-breaks --no-replaces --no-enhances $dep_names 2>/dev/null | { grep -v '^ ' || true; } | tr -d '<>' | sort -u)
  uncovered=()
  while IFS= read -r alternatives; do
    [[ -n $alternatives ]] || continue
    covered=
    for pkg in ${alternatives//|/ }; do
      grep -qx "$pkg" <<<"$closure" && covered=1
    done
    [[ -n $covered ]] || uncovered+=("$alternatives")
  done <<<"$needed"
  if [[ -z $needed ]]; then
    bad "shared libraries: dpkg-shlibdeps named no package ('$shlibs'): are the binaries dynamically linked executables?"
  elif ((${#uncovered[@]} == 0)); then
    ok "shared libraries: all $(wc -l <<<"$needed") packages they come from are pulled in by Depends"
  else
    bad "shared libraries from packages Depends does not pull in: ${uncovered[*]} (add them to bundle.linux.deb.depends)"
  fi
else
  bad "dpkg-shlibdeps failed: $(tail -n 5 "$work/shlibdeps.err")"
fi

# ---- 4. apt resolves the dependencies ----------------------------------------
distro=$(. /etc/os-release && echo "${PRETTY_NAME:-unknown}")
if out=$(apt-get install --simulate "$deb" 2>&1) && grep -q '^Inst packbench ' <<<"$out"; then
  ok "apt-get install --simulate on this machine ($distro): resolves, $(grep -c '^Inst ' <<<"$out") package(s) to install"
else
  bad "apt-get install --simulate on this machine ($distro) does not resolve:"
  tail -n 15 <<<"$out" | sed 's/^/        /'
fi
# A clean Debian 12: apt is given an empty dpkg status, so every dependency
# (down to libc6) must come from the archive's package lists.
if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
  say "no apt package lists yet: apt-get update"
  if [[ $(id -u) -eq 0 ]]; then as_root=(); else as_root=(sudo); fi
  "${as_root[@]}" apt-get -o DPkg::Lock::Timeout=300 -q update >/dev/null ||
    say "apt-get update failed: the clean-system check below cannot resolve"
fi
: >"$work/empty-status"
if out=$(apt-get install --simulate -o Dir::State::status="$work/empty-status" "$deb" 2>&1) &&
  grep -q '^Inst packbench ' <<<"$out"; then
  ok "apt-get install --simulate on a clean $distro: resolves from the archive, $(grep -c '^Inst ' <<<"$out") packages to install"
else
  bad "apt-get install --simulate on a clean $distro (empty dpkg status) does not resolve:"
  tail -n 15 <<<"$out" | sed 's/^/        /'
fi

# ---- 5. the extracted binaries run -------------------------------------------
if [[ -x $root/usr/bin/packbench-cli ]]; then
  if cli_version=$("$root/usr/bin/packbench-cli" --version 2>&1) && [[ $cli_version == *" $version" ]]; then
    ok "packbench-cli --version: $cli_version"
  else
    bad "packbench-cli --version says '$cli_version', expected version $version"
  fi
fi

if [[ -x $root/usr/bin/packbench-server ]]; then
  if server_help=$("$root/usr/bin/packbench-server" --help 2>&1) && grep -q -- '--listen' <<<"$server_help"; then
    ok "packbench-server --help runs ($(head -n 1 <<<"$server_help" | cut -c1-60)...)"
  else
    bad "packbench-server --help failed or does not name --listen: $(tail -n 3 <<<"$server_help")"
  fi
  if server_version=$("$root/usr/bin/packbench-server" --version 2>&1) && [[ $server_version == *" $version" ]]; then
    ok "packbench-server --version: $server_version"
  else
    bad "packbench-server --version says '$server_version', expected version $version"
  fi
fi

if [[ -x $root/usr/bin/packbench ]]; then
  mkdir -p "$work/xdg/config" "$work/xdg/data" "$work/xdg/cache" "$work/xdg/runtime"
  chmod 700 "$work/xdg/runtime"
  # A throw-away station: its own database, settings and XDG folders, so
  # nobody's data is touched and the app starts as on a new install.
  export PACKBENCH_DATABASE_URL=$work/packbench.db
  export PACKBENCH_CONFIG=$work/station.json
  export XDG_CONFIG_HOME=$work/xdg/config XDG_DATA_HOME=$work/xdg/data
  export XDG_CACHE_HOME=$work/xdg/cache XDG_RUNTIME_DIR=$work/xdg/runtime
  export NO_AT_BRIDGE=1
  unset PACKBENCH_STATION PACKBENCH_LOG
  # `--where` opens no window: where the app will write its log.
  where=$("$root/usr/bin/packbench" --where 2>&1) || true
  log=$(sed -n 's/^log: *//p' <<<"$where")
  if [[ -z $log ]]; then
    bad "packbench --where (no window) did not say where its log goes: $(tail -n 5 <<<"$where")"
  elif [[ $log != "$work"/* ]]; then
    bad "the app's log would go to '$log', outside the throw-away folder $work: not starting it"
  else
    mkdir -p "$ROOT/artifacts/bundle"
    shot=$ROOT/artifacts/bundle/started.png
    rm -f "$shot"
    timeout_s=${PACKBENCH_BUNDLE_START_TIMEOUT:-90}
    out=$work/start.out
    rc=0
    setsid xvfb-run -a -s "-screen 0 1366x900x24 -nolisten tcp" \
      "$ROOT/scripts/bundle-check.sh" --inside-xvfb "$root/usr/bin/packbench" "$log" "$work/app.out" "$shot" "$timeout_s" "${startup_wm_class:-}" >"$out" 2>&1 &
    xvfb_pid=$!
    wait "$xvfb_pid" || rc=$?
    # Whatever the app left behind in its process group (WebKit's
    # processes) goes too.
    kill -TERM -- "-$xvfb_pid" 2>/dev/null || true
    xvfb_pid=
    if ((rc == 0)); then
      ok "the extracted app started under Xvfb: $(tail -n 1 "$out"), database open (screenshot: ${shot#"$ROOT"/})"
      if [[ -n ${startup_wm_class:-} ]]; then
        if [[ $(tail -n 1 "$out") == *wm_class_matches=yes* ]]; then
          ok "the window's WM_CLASS matches the desktop entry's StartupWMClass=$startup_wm_class"
        else
          bad "the window's WM_CLASS is not '$startup_wm_class', the desktop entry's StartupWMClass (src-tauri/packbench.desktop; see xprop WM_CLASS)"
        fi
      fi
    else
      bad "the extracted app did not start under Xvfb:"
      sed 's/^/        /' "$out"
    fi
  fi
fi

total=$((passed + failed))
if ((failed == 0)); then
  echo "bundle-check: all $total checks passed"
else
  echo "bundle-check: $failed of $total checks FAILED"
  exit 1
fi
