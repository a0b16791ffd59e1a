// The previewer's figures, measured in headless Chromium on localhost: the .wasm's size (raw and
// gzipped), the time from navigation to the first preview on screen, and the time from a key
// press to the updated preview (median over 100 edits). Prints them next to the targets
// (wasm < 300 KB gzipped, first preview < 300 ms, keystroke to preview < 5 ms).
// Usage: node bench.mjs (after `make web`); LOADS=n sets the number of page loads.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';

const dist = fileURLToPath(new URL('./dist/', import.meta.url));
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const LOADS = Number(process.env.LOADS ?? 7);
const EDITS = 100;
const ARGS = ['--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];
const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
const ms = (n) => `${n.toFixed(n < 10 ? 2 : 0)} ms`;
const verdict = (ok) => (ok ? 'within target' : 'OVER TARGET');

const wasm = readFileSync(`${dist}wukong_net_wasm_bg.wasm`);
const wasmGz = gzipSync(wasm, { level: 9 }).length;
const app = readFileSync(`${dist}app.js`);

const loadAtStart = loadavg()[0];
const { server, url } = await serve({ port: 0 });
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
const version = browser.version();

// Time to first preview: fresh context (cold cache) per load.
const firstPreview = [];
for (let i = 0; i < LOADS; i++) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => window.wukongPreview?.firstPreviewMs != null);
  firstPreview.push(await page.evaluate(() => window.wukongPreview.firstPreviewMs));
  await context.close();
}

// Keystroke to preview: real key presses in the editor, each a full re-render of every output.
// The edits toggle the cpu value between 2 and 21, so every render is a valid spec.
const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
const page = await context.newPage();
await page.goto(url);
await page.waitForFunction(() => window.wukongPreview?.firstPreviewMs != null);
await page.locator('.cm-line', { hasText: 'cpu: 2' }).click();
await page.keyboard.press('End');
await page.evaluate(() => {
  window.wukongPreview.keyToPreviewMs.length = 0;
  window.wukongPreview.updateMs.length = 0;
});
for (let i = 0; i < EDITS / 2; i++) {
  await page.keyboard.press('1');
  await page.keyboard.press('Backspace');
}
const { keyToPreviewMs, updateMs } = await page.evaluate(() => window.wukongPreview);
const networkData = await page.locator('[data-testid="output-networkdata"]').textContent();
await context.close();
await browser.close();
server.close();

if (keyToPreviewMs.length !== EDITS || !networkData.includes('dhcp4: true')) {
  console.error(`bench: expected ${EDITS} previews of a valid spec, got ${keyToPreviewMs.length}`);
  process.exit(1);
}

const first = median(firstPreview);
const key = median(keyToPreviewMs);
console.log(`wukong-net previewer benchmark: Chromium ${version}, headless, ${url}`);
// Other work on the machine slows a browser a lot on few cores: say how busy it was.
console.log(`machine:               ${cpus().length} cores, load average ${loadAtStart.toFixed(2)} at start`);
console.log(`wasm size:             ${kb(wasm.length)} raw, ${kb(wasmGz)} gzipped   (target < 300 KB gzipped: ${verdict(wasmGz < 300_000)})`);
console.log(`app.js (CodeMirror):   ${kb(app.length)} raw, ${kb(gzipSync(app, { level: 9 }).length)} gzipped`);
console.log(`first preview:         median ${ms(first)} over ${LOADS} cold loads (min ${ms(Math.min(...firstPreview))}, max ${ms(Math.max(...firstPreview))})   (target < 300 ms: ${verdict(first < 300)})`);
console.log(`keystroke to preview:  median ${ms(key)} over ${EDITS} edits (p95 ${ms(pct(keyToPreviewMs, 95))})   (target < 5 ms: ${verdict(key < 5)})`);
console.log(`  of which the update: median ${ms(median(updateMs))} (render + admit in wasm, DOM, lint markers)`);
