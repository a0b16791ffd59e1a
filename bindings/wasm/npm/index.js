// Browsers and bundlers: `await init()` once, then call render/check/admit/fix/version.
export { init, initSync, render, check, admit, fix, version } from './api.js';
