# wukong-net: every entry point. `make demo` and `make test` do all set-up themselves
# (scripts/setup.sh installs only what is missing).

SHELL := /bin/bash
CARGO ?= cargo
export CARGO_TERM_PROGRESS_WHEN = never

.PHONY: demo test setup setup-core setup-web build crd docs policy npm web \
        test-lint test-core test-wasm-core test-policy test-npm test-web test-fuzz test-long-run \
        fuzz long-run bench bench-policy bench-policy-server bench-web lint clean policy-artifacthub

## Set-up ------------------------------------------------------------------------------------
setup:
	@scripts/setup.sh all
setup-core:
	@scripts/setup.sh core
setup-web:
	@scripts/setup.sh web

## The main job: the live previewer on http://127.0.0.1:8080 ---------------------------------
demo: setup-web web
	@node web-demo/serve.mjs

## Builds ---------------------------------------------------------------------------------------
build:
	$(CARGO) build --release
crd:
	$(CARGO) run -q -- crd > config/crd/wukongs.vm.novasphere.dev.yaml
docs:
	$(CARGO) run -q -- explain --all > docs/diagnostics.md
policy:
	@policy/build.sh
npm:
	@bindings/wasm/build.sh
web: npm
	@cd web-demo && npm ci --no-audit --no-fund --loglevel=error && node build.mjs

## Tests ----------------------------------------------------------------------------------------
test: setup test-lint test-core test-wasm-core test-policy test-npm test-web test-long-run test-fuzz
	@echo "make test: all suites passed"

# The core, the CLI, the real consumers (root), the cluster-side parsers, the CRD, the docs.
test-core:
	@echo "==> core: cargo test (root tests drive netplan, cloud-init, the CNI bridge plugin, dnsmasq)"
	$(CARGO) test -p wukong-net

# The core must build for both wasm targets without the CLI (what the policy and npm package use).
test-wasm-core:
	@echo "==> core: compile check for wasm32-unknown-unknown and wasm32-wasip1"
	$(CARGO) check -p wukong-net --lib --no-default-features --target wasm32-unknown-unknown
	$(CARGO) check -p wukong-net --lib --no-default-features --target wasm32-wasip1

# The e2e crate runs policy.wasm in wapc + wasmtime and in Kubewarden's own kwctl and
# policy-server (tests/kubewarden.rs; scripts/setup.sh installs them).
test-policy: policy
	@echo "==> policy: native tests, then policy.wasm in wapc + wasmtime, kwctl and policy-server"
	$(CARGO) test -p wukong-net-policy
	$(CARGO) test --profile e2e -p wukong-net-policy-e2e

test-npm: npm
	@echo "==> npm package: node --test, ESM and CommonJS; wasm-bindgen-test in headless Chromium"
	node --test bindings/wasm/tests/
	CHROMEDRIVER=/usr/bin/chromedriver CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
		$(CARGO) test -p wukong-net-wasm --target wasm32-unknown-unknown

test-web: web
	@echo "==> previewer: end to end in headless Chromium"
	cd web-demo && node --test tests/

# 100,000 validate calls in wapc + wasmtime and 100,000 renders in Node: answers identical,
# linear memory and RSS flat.
test-long-run: long-run
long-run: policy npm
	@echo "==> long runs: policy.wasm in wasmtime, the npm package in Node"
	$(CARGO) run -q --profile e2e -p wukong-net-policy-e2e --bin long-run
	node --expose-gc bindings/wasm/tests/long-run.mjs

# Every fuzz target for 30 s (libFuzzer, nightly): a smoke run; `make fuzz` runs 10 minutes each.
test-fuzz:
	@echo "==> fuzz: seeds and regressions through every target's invariants (stable), then 30 s per target"
	$(CARGO) test --manifest-path fuzz/Cargo.toml
	@FUZZ_SECONDS=30 scripts/fuzz.sh
fuzz:
	@scripts/fuzz.sh

## Benchmarks (figures in README.md and policy/README.md) --------------------------------------
bench:
	$(CARGO) bench -p wukong-net --bench render --bench check
bench-policy: policy
	$(CARGO) run -q --profile e2e -p wukong-net-policy-e2e --bin policy-bench
# Kubewarden's policy-server under HTTP load (hey), ours against the floor policy.
bench-policy-server: policy
	$(CARGO) run -q --profile e2e -p wukong-net-policy-e2e --bin policy-server-bench
# artifacthub-pkg.yml is generated from metadata.yml by Kubewarden's own kwctl.
policy-artifacthub:
	kwctl scaffold artifacthub --metadata-path policy/metadata.yml --questions-path policy/questions-ui.yml \
		> policy/artifacthub-pkg.yml
bench-web: web
	cd web-demo && node bench.mjs

test-lint: lint
lint:
	@echo "==> lint: clippy (warnings are errors) and rustfmt"
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) fmt --check

clean:
	$(CARGO) clean
	rm -rf pkg web-demo/dist policy/policy.wasm
