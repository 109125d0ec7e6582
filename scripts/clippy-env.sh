# Sourced by scripts/test.sh and scripts/fuzz.sh: clippy lints the
# workspace's own crates while `cargo test` compiles them
# (RUSTC_WORKSPACE_WRAPPER, as `cargo clippy` itself does), so the
# dependencies are compiled once for lints, tests and the e2e binaries, and
# every script that builds the tests shares one build (a different wrapper
# would rebuild the workspace crates). A lint is an error (-D warnings).
clippy_driver=$(rustup which clippy-driver 2>/dev/null || command -v clippy-driver || true)
if [[ -z $clippy_driver ]]; then
  echo "clippy-driver not found: install it with 'rustup component add clippy'" >&2
  exit 1
fi
export RUSTC_WORKSPACE_WRAPPER=$clippy_driver
export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
