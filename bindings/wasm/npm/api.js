// The package's API over wasm-bindgen's `web` glue: the same functions in Node and in browsers.
// Every call goes through `guarded`, so a trap inside the module (a bug: the Rust side is
// written never to panic) resets the instance instead of leaving it broken for the next call.
import initWasm, {
  admit as wasmAdmit,
  initSync as initWasmSync,
  render as wasmRender,
  check as wasmCheck,
  fix as wasmFix,
  version as wasmVersion,
  __wbg_reset_state as resetWasm,
} from './wukong_net_wasm.js';

let ready = false;
let loading;

/**
 * Loads the wasm module. Browsers and bundlers call it once before anything else; in Node the
 * package loads it on import and this resolves at once. `input` is anything wasm-bindgen's init
 * takes (a URL, a Response, bytes, a WebAssembly.Module); by default the .wasm next to this file.
 */
export function init(input) {
  if (ready) return Promise.resolve();
  loading ??= initWasm(input === undefined ? undefined : { module_or_path: input }).then(
    () => {
      ready = true;
    },
    (error) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/** Loads the wasm module synchronously from its bytes or a compiled WebAssembly.Module. */
export function initSync(module) {
  if (ready) return;
  initWasmSync({ module });
  ready = true;
}

function guarded(name, fn) {
  return (...args) => {
    if (!ready) {
      throw new Error(`wukong-net: ${name}() called before the module was loaded; await init() first`);
    }
    try {
      return fn(...args);
    } catch (error) {
      if (!(error instanceof WebAssembly.RuntimeError)) throw error;
      // The trapped instance may hold half-done state (a heap mid-allocation, a leaked stack):
      // start a fresh one from the same compiled module so the next call works.
      resetWasm();
      throw new Error(`wukong-net: internal error in ${name}(): ${error.message}; the module was reset`, {
        cause: error,
      });
    }
  };
}

/**
 * Renders every Wukong in `text`: `{networkData, userData, secret, networkAttachmentDefinitions,
 * virtualMachine, nodeNetworkConfigurationPolicies, diagnostics, ...}`, as `wukong-net render --format json`.
 * Bad input comes back as diagnostics, never as an exception.
 */
export const render = guarded('render', wasmRender);

/** Checks every Wukong in `text`: `{diagnostics, hasErrors, human}`. Never throws on bad input. */
export const check = guarded('check', wasmCheck);

/** The version of wukong-net this package was built from. */
export const version = guarded('version', wasmVersion);

/**
 * What the Kubewarden policy answers for `document` under `settings` (YAML or JSON text; empty
 * for the defaults): `{verdict, diagnostics, settingsError}`. Never throws on bad input.
 */
export const admit = guarded('admit', wasmAdmit);

/**
 * Applies the fixes of the findings in `text`: the safe ones, and with `{unsafe: true}` the
 * others too. Returns `{text, applied, remaining}`: the new text, the fixes applied, and the
 * diagnostics of the new text (UTF-16 offsets into it). Never throws on bad input; throws only
 * for options that are not `{unsafe?: boolean}`.
 */
export const fix = guarded('fix', wasmFix);
