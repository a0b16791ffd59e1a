// The npm package over a long run in Node: 100,000 `render` calls (argv[2] to change) cycling
// through good and bad inputs (every fixture, broken YAML, findings, hostile nesting and aliases,
// the largest Wukong accepted and one network more). Asserts that every result stays identical
// to the first result for the same input, and that the module's linear memory and the
// process's RSS stop growing: both are printed before the first call, after a warm-up, half-way
// and at the end; the second half may not grow linear memory at all, nor RSS (after a full GC)
// by more than RSS_SLACK.
//
//   node --expose-gc bindings/wasm/tests/long-run.mjs [CALLS]     (after `make npm`)
//
// Not a `*.test.mjs`: `node --test` does not pick it up; `make long-run` runs it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const pkgDir = process.env.WUKONG_NET_PKG ?? join(root, 'pkg');
const calls = Number(process.argv[2] ?? 100_000);
const RSS_SLACK = 4 << 20;

// The package's Node entry (loads the module on import), and wasm-bindgen's glue of the same
// package: an ES module is loaded once, so its initSync returns the instance the package uses.
const { render } = await import(pathToFileURL(join(pkgDir, 'node.js')).href);
const glue = await import(pathToFileURL(join(pkgDir, 'wukong_net_wasm.js')).href);
const linearMemory = () => glue.initSync().memory.buffer.byteLength;

const gc = globalThis.gc ?? (() => {
  throw new Error('run with node --expose-gc, so RSS is measured after a full collection');
});
function measure() {
  gc();
  return { linear: linearMemory(), rss: process.memoryUsage().rss };
}
const mib = (bytes) => `${(bytes / (1024 * 1024)).toFixed(2)} MiB`;

const fixtures = join(root, 'tests/fixtures');
const inputs = readdirSync(fixtures)
  .filter((f) => /\.(ya?ml|json)$/.test(f))
  .sort()
  .map((f) => ({ name: f, text: readFileSync(join(fixtures, f), 'utf8') }));
const seed = inputs.find((i) => i.name === 'seed-dhcp.yaml').text;
const network = (i) =>
  `  - name: net${i}\n    bridgeName: br${i}\n    physicalInterface: ens${i}\n    ipConfig: {mode: static, address: 10.${i}.0.5/24, gateway: 10.${i}.0.1}\n`;
const big = (count) =>
  `apiVersion: vm.novasphere.dev/v1alpha1\nkind: Wukong\nmetadata: {name: big, namespace: lab}\nspec:\n  networks:\n${Array.from({ length: count }, (_, i) => network(i)).join('')}`;
inputs.push(
  { name: 'empty', text: '' },
  { name: 'syntax error', text: 'spec: [1, 2\n' },
  { name: 'dhcp with an address', text: seed.replace('mode: dhcp', 'mode: dhcp\n        address: 10.0.0.5/24') },
  { name: 'not a Wukong', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n' },
  { name: 'deep nesting', text: '['.repeat(200) },
  { name: 'alias bomb', text: 'a: &a [x, x, x, x, x, x, x, x, x, x]\n' + 'bcdefghij'.split('').map((c, i) => `${c}: &${c} [${Array(10).fill('*' + 'abcdefghij'[i]).join(', ')}]\n`).join('') },
  { name: 'unicode', text: '# réseau 😀\n' + seed.replace('name: external', 'name: extérieur') },
  { name: '64 networks', text: big(64), costly: true },
  { name: '65 networks', text: big(65), costly: true },
);
inputs.find((i) => i.name === 'alias bomb').costly = true;
// The costly inputs (10-25 ms each: the limits at work) come once per ten rounds of the others,
// so the run takes about a minute.
const schedule = [
  ...Array.from({ length: 10 }, () => inputs.flatMap((input, k) => (input.costly ? [] : [k]))).flat(),
  ...inputs.flatMap((input, k) => (input.costly ? [k] : [])),
];

const first = new Array(inputs.length);
let clean = 0;
let failing = 0;
const warmUp = schedule.length;
const half = Math.floor(calls / 2);
const before = measure();
let afterWarmUp = before;
let atHalf = before;
console.log(`long-run: ${calls} render calls over ${inputs.length} inputs in Node ${process.version} (${pkgDir})`);
console.log(`${'calls'.padStart(9)}  ${'linear mem'.padStart(12)}  ${'RSS'.padStart(12)}`);
const row = (done, m, note = '') =>
  console.log(`${String(done).padStart(9)}  ${mib(m.linear).padStart(12)}  ${mib(m.rss).padStart(12)}  ${note}`);
row(0, before, '(before the first call)');
const start = performance.now();
for (let i = 0; i < calls; i++) {
  const k = schedule[i % schedule.length];
  // Half the inputs also ask for the YAML texts.
  const result = JSON.stringify(render(inputs[k].text, { yaml: k % 2 === 0 }));
  if (first[k] === undefined) {
    first[k] = result;
    if (JSON.parse(result).diagnostics.some((d) => d.severity === 'error')) failing++;
    else clean++;
  } else if (first[k] !== result) {
    console.log(`FAIL: call ${i} (${inputs[k].name}) returned another result than its first call`);
    process.exit(1);
  }
  const done = i + 1;
  if (done === warmUp) row(done, (afterWarmUp = measure()), '(after warm-up)');
  if (done === half) atHalf = measure();
  if (done % 10_000 === 0 || done === calls) row(done, measure());
}
const end = measure();
const perCall = ((performance.now() - start) * 1000) / calls;
console.log(`${inputs.length} distinct inputs (${clean} render, ${failing} with errors), every later result identical to the first; ${perCall.toFixed(1)} µs per call`);
console.log(`linear memory: before ${mib(before.linear)} -> after warm-up ${mib(afterWarmUp.linear)} -> half-way ${mib(atHalf.linear)} -> end ${mib(end.linear)}`);
console.log(`RSS:           before ${mib(before.rss)} -> after warm-up ${mib(afterWarmUp.rss)} -> half-way ${mib(atHalf.rss)} -> end ${mib(end.rss)}`);
const failures = [];
if (clean === 0 || failing === 0) failures.push(`the inputs must mix clean and failing ones (${clean} clean, ${failing} failing)`);
if (end.linear !== atHalf.linear) failures.push(`linear memory grew in the second half: ${mib(atHalf.linear)} -> ${mib(end.linear)}`);
if (end.rss > atHalf.rss + RSS_SLACK) failures.push(`RSS grew in the second half by more than ${mib(RSS_SLACK)}: ${mib(atHalf.rss)} -> ${mib(end.rss)}`);
for (const f of failures) console.log(`FAIL: ${f}`);
console.log(`long-run: ${failures.length ? 'FAILED' : 'linear memory and RSS stopped growing'}`);
process.exit(failures.length ? 1 : 0);
