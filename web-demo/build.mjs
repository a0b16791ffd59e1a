// Builds the previewer into dist/: one JS bundle (CodeMirror + the wukong-net package's browser
// entry), one CSS file, the page, and the package's .wasm next to them. No CDN, nothing fetched
// at run time but these files: the page works offline once loaded.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const started = performance.now();

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

await build({
  entryPoints: { app: join(here, 'src/main.js') },
  outdir: dist,
  bundle: true,
  format: 'esm',
  minify: true,
  sourcemap: false,
  target: ['chrome111', 'firefox113', 'safari16.4'],
  // Presets are YAML files, the seed's among them (tests/fixtures).
  loader: { '.yaml': 'text' },
  // The glue's default `new URL('…_bg.wasm', import.meta.url)` is kept as is: the .wasm is
  // copied next to app.js below.
  logLevel: 'warning',
});
await build({
  entryPoints: { app: join(here, 'src/style.css') },
  outdir: dist,
  bundle: true,
  minify: true,
  logLevel: 'warning',
});
copyFileSync(join(here, 'src/index.html'), join(dist, 'index.html'));

// The .wasm of the installed package (a link to ../pkg, built by bindings/wasm/build.sh).
const pkgDir = dirname(createRequire(import.meta.url).resolve('wukong-net/package.json'));
copyFileSync(join(pkgDir, 'wukong_net_wasm_bg.wasm'), join(dist, 'wukong_net_wasm_bg.wasm'));

const size = (f) => `${(statSync(join(dist, f)).size / 1024).toFixed(0)} KiB`;
console.log(
  `web-demo/dist built in ${(performance.now() - started).toFixed(0)} ms: app.js ${size('app.js')}, ` +
    `app.css ${size('app.css')}, wukong_net_wasm_bg.wasm ${size('wukong_net_wasm_bg.wasm')}`,
);
