// Browsers and bundlers: `await init()` once, then call render/check/version.
export { init, initSync, render, check, admit, version } from './api.js';
