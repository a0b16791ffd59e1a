// Every limit of src/limits.rs in the npm package (packed and installed as a user gets it), just
// inside and just outside, with the same inputs as the CLI's and the policy's tests
// (tests/limits/cases.rs builds the same objects, key for key). Inside, `render`, `check` and
// `admit` find no error; outside, each refuses with exactly the limit's code. The limit values
// are read from src/limits.rs itself, so this test cannot drift from the Rust constants.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { installPackedPackage, root, runIn } from './setup.mjs';

/** `pub const NAME: usize = EXPR;` of src/limits.rs, EXPR a product of integer literals. */
function rustLimits() {
  const source = readFileSync(join(root, 'src/limits.rs'), 'utf8');
  const limits = {};
  for (const [, name, expr] of source.matchAll(/pub const (\w+): usize = ([^;]+);/g)) {
    limits[name] = expr.split('*').reduce((product, factor) => product * Number(factor.trim().replaceAll('_', '')), 1);
  }
  return limits;
}
const { MAX_INPUT_BYTES, MAX_DOCUMENTS, MAX_DEPTH, MAX_NODES, MAX_ALIAS_NODES, MAX_NETWORKS } = rustLimits();

/** As `cases::wukong` in tests/limits/cases.rs. */
const wukong = (pad, networks) => ({
  apiVersion: 'vm.novasphere.dev/v1alpha1',
  kind: 'Wukong',
  metadata: { name: 'vm1', namespace: 'lab', uid: '0d8c4a5e-1111-2222-3333-444455556666', pad },
  spec: {
    cpu: 1,
    memory: '1Gi',
    networks: Array.from({ length: networks }, (_, i) => ({
      name: `n${i}`,
      bridgeName: `br${i}`,
      physicalInterface: `ens${i}`,
      ipConfig: { mode: 'dhcp' },
    })),
  },
});
const nodes = (v) =>
  Array.isArray(v)
    ? 1 + v.reduce((n, x) => n + nodes(x), 0)
    : v !== null && typeof v === 'object'
      ? 1 + Object.keys(v).length + Object.values(v).reduce((n, x) => n + nodes(x), 0)
      : 1;
const nested = (levels) => Array.from({ length: levels }).reduce((inner) => [inner], []);

function cases() {
  const out = [];
  for (const inside of [true, false]) {
    const extra = inside ? 0 : 1;
    const where = inside ? 'inside' : 'outside';
    const add = (name, text, code) => out.push({ name: `${name} (${where})`, text, code: inside ? null : code });
    const base = JSON.stringify(wukong('', 1)).length;
    add(`input size ${MAX_INPUT_BYTES + extra} bytes`, JSON.stringify(wukong('a'.repeat(MAX_INPUT_BYTES + extra - base), 1)), 'input-too-large');
    add(`nesting depth ${MAX_DEPTH + extra}`, JSON.stringify(wukong(nested(MAX_DEPTH + extra - 3), 1)), 'too-deep');
    const zeros = MAX_NODES + extra - nodes(wukong([], 1));
    add(`${MAX_NODES + extra} nodes`, JSON.stringify(wukong(new Array(zeros).fill(0), 1)), 'too-many-nodes');
    // As tests/limits/cases.rs: YAML whose `pad` holds that many aliases of one anchored scalar.
    const aliases = new Array(MAX_ALIAS_NODES + extra).fill('*c').join(', ');
    add(
      `${MAX_ALIAS_NODES + extra} alias-expanded nodes, YAML`,
      'apiVersion: vm.novasphere.dev/v1alpha1\nkind: Wukong\nmetadata:\n  name: vm1\n  namespace: lab\n' +
        `  uid: 0d8c4a5e-1111-2222-3333-444455556666\n  anchor: &c x\n  pad: [${aliases}]\n` +
        'spec:\n  cpu: 1\n  memory: 1Gi\n  networks:\n  - {name: n0, bridgeName: br0, physicalInterface: ens0, ipConfig: {mode: dhcp}}\n',
      'too-many-nodes',
    );
    add(`${MAX_NETWORKS + extra} networks`, JSON.stringify(wukong('', MAX_NETWORKS + extra)), 'too-many-networks');
    const one = JSON.stringify(wukong('', 1));
    add(`${MAX_DOCUMENTS + extra} documents`, new Array(MAX_DOCUMENTS + extra).fill(one).join('\n---\n'), 'too-many-documents');
  }
  return out;
}

const DRIVER = `
import { render, check, admit } from 'wukong-net';
import { readFileSync } from 'node:fs';
const errors = (ds) => ds.filter((d) => d.severity === 'error').map((d) => d.code);
const out = JSON.parse(readFileSync(0, 'utf8')).map((text) => {
  const r = render(text);
  const c = check(text);
  const a = admit(text, '');
  return {
    render: errors(r.diagnostics), rendered: r.virtualMachine !== null,
    check: errors(c.diagnostics), hasErrors: c.hasErrors,
    admit: errors(a.diagnostics), accepted: a.verdict?.accepted ?? null,
  };
});
process.stdout.write(JSON.stringify(out));
`;

let pkg;
before(() => {
  pkg = installPackedPackage();
});
after(() => pkg?.cleanup());

test('every limit, just inside and just outside, in render, check and admit', () => {
  const all = cases();
  assert.equal(all.length, 12);
  // The inputs are what they claim: the size case is exactly the limit in UTF-8 bytes.
  for (const c of all.filter((c) => c.name.startsWith('input size'))) {
    assert.equal(Buffer.byteLength(c.text), MAX_INPUT_BYTES + (c.code ? 1 : 0), c.name);
  }
  const results = JSON.parse(runIn(pkg.project, 'mjs', DRIVER, JSON.stringify(all.map((c) => c.text))));
  all.forEach((c, i) => {
    const r = results[i];
    if (c.code === null) {
      assert.deepEqual([r.render, r.check, r.admit], [[], [], []], `${c.name}: refused`);
      assert.equal(r.rendered, true, `${c.name}: rendered`);
      assert.equal(r.hasErrors, false, c.name);
      assert.equal(r.accepted, true, `${c.name}: admitted`);
    } else {
      assert.deepEqual(r.render, [c.code], `${c.name}: render refuses with its limit only`);
      assert.deepEqual(r.check, [c.code], `${c.name}: check refuses with its limit only`);
      assert.deepEqual(r.admit, [c.code], `${c.name}: admit refuses with its limit only`);
      assert.equal(r.rendered, false, c.name);
      assert.equal(r.accepted, false, c.name);
    }
  });
});
