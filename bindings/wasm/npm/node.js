// Node (import and require): the module is loaded synchronously on import, from the .wasm next
// to this file, so render/check/admit/fix/version work at once; init() resolves immediately.
import { readFileSync } from 'node:fs';
import { initSync } from './api.js';

initSync(readFileSync(new URL('./wukong_net_wasm_bg.wasm', import.meta.url)));

export { init, initSync, render, check, admit, fix, version } from './api.js';
