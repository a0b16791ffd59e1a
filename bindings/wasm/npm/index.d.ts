// The declarations of the functions and of every result type are wasm-bindgen's, generated
// from the Rust types by tsify (wukong_net_wasm.d.ts); this file only adds the loader.
import type { InitInput, SyncInitInput } from './wukong_net_wasm.js';

export type * from './wukong_net_wasm.js';
export { render, check, admit, fix, version } from './wukong_net_wasm.js';

/**
 * Loads the wasm module. Browsers and bundlers call it once before anything else; in Node the
 * package loads it on import and this resolves at once.
 */
export declare function init(input?: InitInput | Promise<InitInput>): Promise<void>;

/** Loads the wasm module synchronously from its bytes or a compiled WebAssembly.Module. */
export declare function initSync(module: SyncInitInput): void;
