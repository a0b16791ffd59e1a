// A trap inside the wasm module (what a Rust panic becomes) must not leave the module unusable.
// The trap is real: the test exhausts the instance's memory (grows it to the 4 GiB maximum from
// outside), so the next allocation inside Rust aborts. The call then throws, and the following
// calls work, which they cannot without a fresh instance: the old one has no memory left.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { installPackedPackage, runIn } from './setup.mjs';

let pkg;
before(() => {
  pkg = installPackedPackage();
});
after(() => pkg?.cleanup());

test('after a trap the call throws, the instance is replaced, and the next calls work', () => {
  const script = `
import { render } from 'wukong-net';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

const seed = readFileSync(0, 'utf8');
// The very glue module the package uses (same URL, so the same module instance).
const glue = await import(pathToFileURL(join(process.cwd(), 'node_modules/wukong-net/wukong_net_wasm.js')).href);
const rawExports = () => glue.initSync({ module: new Uint8Array() }); // already loaded: returns the live exports

const before = render(seed).networkData;
const big = seed + '#'.repeat(900 * 1024) + '\\n';
const memory = rawExports().memory;
memory.grow(65536 - memory.buffer.byteLength / 65536);
let error = null;
try {
  render(big);
} catch (e) {
  error = { message: e.message, cause: e.cause?.constructor?.name };
}
const fresh = rawExports().memory !== memory;
const afterSmall = render(seed).networkData;
const afterBig = render(big);
process.stdout.write(JSON.stringify({ before, error, fresh, afterSmall, afterBigOk: !afterBig.hasErrors && afterBig.networkData === before }));
`;
  const seed = `apiVersion: vm.novasphere.dev/v1alpha1
kind: Wukong
metadata: {name: vm1, namespace: lab, uid: 7f3c9a2e-5d41-4b8e-9c1a-2e6f8d0b4a37}
spec:
  networks:
    - name: default
    - {name: external, bridgeName: br-external, physicalInterface: ens192, ipConfig: {mode: dhcp}}
`;
  const out = JSON.parse(runIn(pkg.project, 'mjs', script, seed));
  assert.match(out.before, /dhcp4: true/);
  assert.ok(out.error, 'the call that trapped must throw');
  assert.match(out.error.message, /internal error in render\(\).*the module was reset/);
  assert.equal(out.error.cause, 'RuntimeError');
  assert.equal(out.fresh, true, 'the instance (and its memory) must be new');
  assert.equal(out.afterSmall, out.before);
  assert.equal(out.afterBigOk, true);
});
