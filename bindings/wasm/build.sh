#!/usr/bin/env bash
# Builds the npm package `wukong-net` into pkg/ (git-ignored), or into $1: the binding compiled to
# wasm32 (profile `wasm`, size-optimized), wasm-bindgen's `web` glue with its reset function, the
# Node and browser entries, the declarations. `cd pkg && npm pack` makes what we would publish.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/pkg}
want=0.2.130 # = the `wasm-bindgen` pin in bindings/wasm/Cargo.toml

have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  echo "build.sh: need wasm-bindgen-cli $want (found: ${have:-none});" \
    "install it with: cargo install wasm-bindgen-cli --version $want" >&2
  exit 1
fi

cd "$root"
cargo build -p wukong-net-wasm --target wasm32-unknown-unknown --profile wasm
rm -rf "$out"
mkdir -p "$out"
# The name section only serves stack traces and is a third of the file.
wasm-bindgen --target web --experimental-reset-state-function --remove-name-section \
  --out-dir "$out" --out-name wukong_net_wasm \
  "${CARGO_TARGET_DIR:-$root/target}/wasm32-unknown-unknown/wasm/wukong_net_wasm.wasm"
rm -f "$out/wukong_net_wasm_bg.wasm.d.ts" "$out/.gitignore"
node bindings/wasm/npm/assemble.mjs "$out"
