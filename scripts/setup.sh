#!/usr/bin/env bash
# Installs everything wukong-net's build and tests need on a fresh Debian 12 machine, and skips
# whatever is already there, so a second run takes seconds. Run as root (CI does).
#
#   scripts/setup.sh          everything
#   scripts/setup.sh core     only what `cargo test` of the core needs (the real consumers)
#   scripts/setup.sh web      only the wasm toolchain and npm packages
#   scripts/setup.sh policy   only the wasm targets and Kubewarden's kwctl and policy-server
set -euo pipefail
cd "$(dirname "$0")/.."

what=${1:-all}
step() { printf '\033[1m==> %s\033[0m\n' "$*"; }
have() { command -v "$1" >/dev/null 2>&1; }

WASM_BINDGEN_VERSION=0.2.130

# The real programs the tests drive (see docs/testing.md), a browser for the
# previewer's tests, and PyYAML (YAML 1.1, as cloud-init reads).
APT_CORE=(netplan.io cloud-init containernetworking-plugins dnsmasq-base isc-dhcp-client iproute2 python3-yaml time)
APT_WEB=(chromium chromium-driver)
# An HTTP load generator for the policy-server benchmark.
APT_BENCH=(hey)

apt_install() {
    local missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if [ ${#missing[@]} -eq 0 ]; then
        step "apt: all present ($*)"
        return
    fi
    step "apt: installing ${missing[*]}"
    if [ "$(id -u)" -ne 0 ]; then
        echo "setup: installing packages needs root (or run: sudo $0 $what)" >&2
        exit 2
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

python_yaml() {
    # CSafeLoader is libyaml itself, the reference for what kubectl reads (tests/yaml_libyaml.rs,
    # tests/corpus.rs): a PyYAML built without libyaml is not enough.
    if python3 -c 'import yaml; yaml.CSafeLoader' 2>/dev/null; then
        step "python3: PyYAML with libyaml present"
    else
        step "python3: installing PyYAML (with libyaml)"
        python3 -m pip install --quiet --upgrade pyyaml
        python3 -c 'import yaml; yaml.CSafeLoader' || {
            echo "setup: PyYAML has no CSafeLoader (libyaml); tests need it" >&2
            exit 1
        }
    fi
}

rust_targets() {
    local installed
    installed=$(rustup target list --installed)
    for t in wasm32-unknown-unknown wasm32-wasip1; do
        if grep -qx "$t" <<<"$installed"; then
            step "rustup: $t present"
        else
            step "rustup: adding $t"
            rustup target add "$t"
        fi
    done
}

wasm_bindgen() {
    if have wasm-bindgen && [ "$(wasm-bindgen --version | awk '{print $2}')" = "$WASM_BINDGEN_VERSION" ]; then
        step "wasm-bindgen-cli $WASM_BINDGEN_VERSION present"
        return
    fi
    # 5-7 minutes on 2 cores, once per machine. No --locked: the registry lacks one locked crate.
    step "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION (takes a few minutes, once)"
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
}

# Kubewarden's kwctl and policy-server, for the policy's tests in Kubewarden's own runtime.
# Elsewhere, install them from Kubewarden's releases. These machines cannot download release
# binaries, so when a build script and Kubewarden's archived source are beside the repository
# (../shared, as on the project's own machines and CI), it builds both from that source: 25-40
# minutes on 2 cores, once per machine. Without either, the policy tests that need the tools
# skip with a message, and fail under CI=true.
KUBEWARDEN_BUILD=../shared/tools/build-kubewarden.sh
kubewarden() {
    if have kwctl && have policy-server; then
        step "kubewarden: $(kwctl --version 2>/dev/null | head -n1) and policy-server present"
        return
    fi
    if [ -x "$KUBEWARDEN_BUILD" ] || [ -f "$KUBEWARDEN_BUILD" ]; then
        step "kubewarden: building kwctl and policy-server from source (25-40 minutes, once per machine)"
        bash "$KUBEWARDEN_BUILD"
    else
        step "kubewarden: kwctl/policy-server not found; install them from Kubewarden's releases"
        echo "setup: without them the policy's kwctl and policy-server tests skip (and fail under CI=true)" >&2
    fi
}

npm_deps() {
    local dir
    for dir in web-demo; do
        [ -f "$dir/package-lock.json" ] || continue
        # Reinstall only when the lock file changed since the last install.
        if [ -f "$dir/node_modules/.package-lock.json" ] && cmp -s "$dir/package-lock.json" "$dir/node_modules/.setup-lock"; then
            step "npm: $dir up to date"
        else
            step "npm ci in $dir"
            (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
            cp "$dir/package-lock.json" "$dir/node_modules/.setup-lock"
        fi
    done
}

case "$what" in
    core) apt_install "${APT_CORE[@]}"; python_yaml ;;
    web) apt_install "${APT_WEB[@]}"; rust_targets; wasm_bindgen; npm_deps ;;
    policy) rust_targets; kubewarden ;;
    all) apt_install "${APT_CORE[@]}" "${APT_WEB[@]}" "${APT_BENCH[@]}"; python_yaml; rust_targets; wasm_bindgen; npm_deps; kubewarden ;;
    *) echo "usage: $0 [all|core|web|policy]" >&2; exit 2 ;;
esac
step "setup done"
