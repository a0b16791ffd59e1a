// Fixes through the npm package as a user gets it (packed, installed, `import` and `require`):
// every diagnostic of render, check and admit carries its fixes, their edits located in UTF-16
// offsets that apply to the JS string as they are; fix(text, {unsafe}) applies them. One input
// per fix candidate, from tests/data/fixes (see tests/data/README.md).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixture, installPackedPackage, root, runIn } from './setup.mjs';

const data = (name) => readFileSync(join(root, 'tests/data/fixes', name), 'utf8');

// Runs in the installed package: everything the tests look at, computed once per input.
const DRIVER_BODY = `
const applyEdits = (text, edits) =>
  [...edits].reverse().reduce((t, e) => t.slice(0, e.from) + e.replacement + t.slice(e.to), text);
const cases = JSON.parse(readFileSync(0, 'utf8'));
const out = { keys: Object.keys(api).sort(), results: [] };
for (const c of cases) {
  const checked = check(c.text);
  const safe = fix(c.text);
  const all = fix(c.text, { unsafe: true });
  out.results.push({
    check: checked,
    render: render(c.text).diagnostics,
    admit: admit(c.text, '').objects.map((o) => o.diagnostics),
    safe,
    all,
    safeAgain: fix(safe.text),
    allAgain: fix(all.text, { unsafe: true }),
    checkSafe: check(safe.text).diagnostics,
    checkAll: check(all.text).diagnostics,
    // Each fix of each finding applied alone by its UTF-16 edits, and what check says then.
    each: checked.diagnostics.map((d) =>
      (d.fixes ?? []).map((f) => {
        const text = applyEdits(c.text, f.edits);
        return { text, diagnostics: check(text).diagnostics.map((x) => [x.code, x.severity]) };
      }),
    ),
  });
}
const thrown = [];
for (const options of [{ unsafe: true, x: 1 }, { unsafe: 'yes' }, 5, 'unsafe', [true]]) {
  try {
    fix('', options);
    thrown.push(null);
  } catch (e) {
    thrown.push(e.message);
  }
}
out.thrown = thrown;
out.defaults = [fix('a: 1', null), fix('a: 1', undefined), fix('a: 1', {})].map((r) => r.text);
process.stdout.write(JSON.stringify(out));
`;
const ESM_DRIVER = `import * as api from 'wukong-net';
import { render, check, admit, fix } from 'wukong-net';
import { readFileSync } from 'node:fs';
${DRIVER_BODY}`;
const CJS_DRIVER = `const api = require('wukong-net');
const { render, check, admit, fix } = require('wukong-net');
const { readFileSync } = require('node:fs');
${DRIVER_BODY}`;

// Accented and astral characters before everything: UTF-16 offsets differ from bytes and chars.
const PREFIX = '# réseau 😀 de test\n';
const CASES = [
  { name: 'nad-missing-ipam', text: data('nad-missing-ipam.yaml') },
  { name: 'nad-dhcp-ipam', text: data('nad-dhcp-ipam.yaml') },
  { name: 'vm-mac-not-pinned', text: data('vm-mac-not-pinned.yaml') },
  { name: 'netcfg-routes', text: data('netcfg-routes.yaml') },
  { name: 'vm-network-in-user-data', text: data('vm-network-in-user-data.yaml') },
  { name: 'wukong-dhcp-with-address', text: data('wukong-dhcp-with-address.yaml') },
  { name: 'astral-nad', text: PREFIX + data('nad-missing-ipam.yaml') },
  { name: 'astral-routes', text: PREFIX + data('netcfg-routes.yaml') },
  { name: 'seed', text: fixture('seed-dhcp.yaml') },
  // The previewer's preset with a misspelt Wukong field (web-demo/src/presets).
  { name: 'wukong-typo', text: readFileSync(join(root, 'web-demo/src/presets/broken-typos.yaml'), 'utf8') },
  // The previewer's preset with an address and a gateway under mode: dhcp.
  { name: 'dhcp-address-gateway', text: readFileSync(join(root, 'web-demo/src/presets/broken-dhcp-address.yaml'), 'utf8') },
  {
    name: 'ipv6-default-route',
    text: 'network:\n  version: 2\n  ethernets:\n    eth0:\n      addresses: ["2001:db8::5/64"]\n      routes:\n      - to: "::/0"\n        via: "2001:db8::1"\n',
  },
  // YAML 1.1 booleans where cloud-init's reader and a YAML 1.2 reader disagree.
  {
    name: 'yaml11',
    text: 'network:\n  version: 2\n  ethernets:\n    eth0:\n      dhcp4: true\n      set-name: no\n      nameservers:\n        search: [on, example.com]\n',
  },
];

let pkg;
let esm;
let cjs;
const run = (name) => esm.results[CASES.findIndex((c) => c.name === name)];
const input = (name) => CASES.find((c) => c.name === name).text;
const only = (diagnostics, code) => {
  const found = diagnostics.filter((d) => d.code === code);
  assert.equal(found.length, 1, `${code}: ${JSON.stringify(diagnostics.map((d) => d.code))}`);
  return found[0];
};
const codes = (diagnostics) => diagnostics.map((d) => d.code);
const errors = (pairs) => pairs.filter(([, severity]) => severity === 'error').length;

before(() => {
  pkg = installPackedPackage();
  const stdin = JSON.stringify(CASES);
  esm = JSON.parse(runIn(pkg.project, 'mjs', ESM_DRIVER, stdin));
  cjs = JSON.parse(runIn(pkg.project, 'cjs', CJS_DRIVER, stdin));
});

after(() => pkg?.cleanup());

describe('fixes on diagnostics', () => {
  test('fix is exported; import and require give the same results', () => {
    assert.ok(esm.keys.includes('fix'), esm.keys.join());
    assert.deepEqual(cjs, esm);
  });

  test('render and check give the same diagnostics with the same fixes', () => {
    for (const c of CASES) assert.deepEqual(run(c.name).render, run(c.name).check.diagnostics, c.name);
  });

  test('each edit has from/to in UTF-16 and start/end in UTF-8 bytes of the same range', () => {
    let edits = 0;
    for (const c of CASES) {
      const bytes = Buffer.from(c.text);
      const utf16 = (byte) => bytes.subarray(0, byte).toString('utf8').length;
      for (const d of run(c.name).check.diagnostics) {
        for (const f of d.fixes ?? []) {
          assert.ok(f.edits.length > 0, `${c.name} ${d.code}: ${f.title} has no edits`);
          for (const e of f.edits) {
            assert.deepEqual([e.from, e.to], [utf16(e.start), utf16(e.end)], `${c.name} ${d.code}`);
            edits += 1;
          }
        }
      }
    }
    assert.ok(edits >= 12, `only ${edits} edits`);
  });

  test('each fix applied by its UTF-16 edits removes its finding and adds no error', () => {
    for (const c of CASES) {
      const r = run(c.name);
      const before = r.check.diagnostics.map((d) => [d.code, d.severity]);
      r.check.diagnostics.forEach((d, i) => {
        r.each[i].forEach((after, j) => {
          const what = `${c.name}: ${d.fixes[j].title}`;
          assert.notEqual(after.text, c.text, what);
          const count = (pairs) => pairs.filter(([code]) => code === d.code).length;
          assert.ok(count(after.diagnostics) < count(before), `${what}: ${JSON.stringify(after.diagnostics)}`);
          assert.ok(errors(after.diagnostics) <= errors(before), `${what}: ${JSON.stringify(after.diagnostics)}`);
        });
      });
    }
  });

  test('offsets stay exact after astral and accented characters', () => {
    for (const [astral, plain] of [
      ['astral-nad', 'nad-missing-ipam'],
      ['astral-routes', 'netcfg-routes'],
    ]) {
      const a = run(astral).check.diagnostics;
      const p = run(plain).check.diagnostics;
      assert.equal(a.length, p.length);
      a.forEach((d, i) => {
        assert.equal(d.fixes?.length, p[i].fixes?.length);
        (d.fixes ?? []).forEach((f, j) =>
          f.edits.forEach((e, k) => {
            const q = p[i].fixes[j].edits[k];
            assert.equal(e.from, q.from + PREFIX.length);
            assert.equal(e.start, q.start + Buffer.byteLength(PREFIX));
            assert.equal(input(astral).slice(e.from, e.to), input(plain).slice(q.from, q.to));
          }),
        );
      });
      assert.equal(run(astral).safe.text, PREFIX + run(plain).safe.text);
      assert.equal(run(astral).all.text, PREFIX + run(plain).all.text);
      assert.ok(run(astral).safe.applied.length > 0);
    }
  });

  test('admit carries the policy\'s fixes as patches (it sees objects, not text)', () => {
    const [[d]] = run('vm-mac-not-pinned').admit;
    assert.equal(d.code, 'mac-not-pinned');
    const checked = only(run('vm-mac-not-pinned').check.diagnostics, 'mac-not-pinned');
    assert.deepEqual(
      d.fixes.map((f) => [f.title, f.safe, f.patch, f.edits]),
      checked.fixes.map((f) => [f.title, f.safe, f.patch, []]),
    );
  });
});

describe('fix()', () => {
  test('an L2 bridge NAD without ipam: "ipam": {} added inside each config, the rest untouched', () => {
    const text = input('nad-missing-ipam');
    const d = run('nad-missing-ipam').check.diagnostics;
    assert.deepEqual(codes(d), ['missing-ipam', 'missing-ipam']);
    assert.deepEqual(d.map((x) => [x.fixes.length, x.fixes[0].safe, x.fixes[0].title]), [
      [1, true, 'add "ipam": {}'],
      [1, true, 'add "ipam": {}'],
    ]);
    const r = run('nad-missing-ipam').safe;
    assert.equal(
      r.text,
      text.replace('"bridge": "br1"\n', '"bridge": "br1", "ipam": {}\n').replace('"bridge": "br2"\n', '"bridge": "br2", "ipam": {}\n'),
    );
    assert.deepEqual(r.applied.map((a) => [a.code, a.title, a.document]), [
      ['missing-ipam', 'add "ipam": {}', 0],
      ['missing-ipam', 'add "ipam": {}', 1],
    ]);
    // The applied patch, as the policy would send it: the embedded config replaced as a whole.
    assert.deepEqual(r.applied[0].patch, [{ op: 'replace', path: '/spec/config', value: r.text.split('config: |\n')[1].split('---')[0].replace(/^ {4}/gm, '') }]);
    assert.deepEqual(JSON.parse(r.applied[0].patch[0].value).ipam, {});
    assert.deepEqual(r.remaining, []);
  });

  test('a bridge NAD with dhcp IPAM: the IPAM emptied inside the double-quoted config', () => {
    const text = input('nad-dhcp-ipam');
    const r = run('nad-dhcp-ipam').safe;
    assert.equal(r.text, text.replace('\\"ipam\\": {\\"type\\": \\"dhcp\\"}', '\\"ipam\\": {}'));
    assert.notEqual(r.text, text);
    assert.deepEqual(codes(r.remaining), []);
  });

  test('a VM whose networkData matches a MAC no interface pins: macAddress pinned on that interface', () => {
    const text = input('vm-mac-not-pinned');
    const d = only(run('vm-mac-not-pinned').check.diagnostics, 'mac-not-pinned');
    assert.deepEqual(d.fixes.map((f) => [f.title, f.safe]), [['pin macAddress "02:5a:00:00:00:02" on interface `external`', true]]);
    const r = run('vm-mac-not-pinned').safe;
    const at = '          - name: external\n            bridge: {}\n';
    assert.equal(r.text, text.replace(at, `${at}            macAddress: "02:5a:00:00:00:02"\n`));
    assert.deepEqual(codes(r.remaining), ['nad-not-found']);
  });

  test('a network-config: to: default, gateway4 and an unquoted MAC fixed; the did-you-mean rename only when unsafe', () => {
    const text = input('netcfg-routes');
    const d = run('netcfg-routes').check.diagnostics;
    const rename = only(d, 'unknown-key');
    assert.deepEqual(rename.fixes.map((f) => [f.title, f.safe]), [['rename `nameserver` to `nameservers`', false]]);
    const toDefault = d.filter((x) => x.code === 'route-to-default');
    assert.deepEqual(toDefault.map((x) => x.fixes.map((f) => f.safe)), [[true], [true]]);
    assert.deepEqual(toDefault[0].fixes[0].edits.map((e) => [text.slice(e.from, e.to), e.replacement]), [['default', '"0.0.0.0/0"']]);

    const safe = run('netcfg-routes').safe;
    assert.deepEqual(safe.applied.map((a) => a.code).sort(), ['gateway-deprecated', 'route-to-default', 'route-to-default', 'unquoted-mac']);
    assert.match(safe.text, /macaddress: "52:54:00:12:34:56"\n/);
    assert.match(safe.text, /- to: "0\.0\.0\.0\/0"\n {8}via: 10\.0\.0\.1\n/);
    assert.match(safe.text, /gateway6: "2001:db8::1"\n/);
    const body = (t) => t.slice(t.indexOf('\nnetwork:'));
    assert.match(body(text), /to: default[^]*gateway4/);
    assert.doesNotMatch(body(safe.text), /to: default|gateway4/);
    assert.match(safe.text, /\n {6}nameserver:\n/, 'the unsafe rename is not applied');
    assert.ok(codes(safe.remaining).includes('unknown-key'));
    // The comments at the top and every line no fix is about stay as they were.
    assert.ok(safe.text.startsWith(text.split('network:')[0]));
    assert.match(safe.text, /\n {6}addresses: \[10\.0\.0\.5\/24, "2001:db8::5\/64"\]\n/);

    const all = run('netcfg-routes').all;
    assert.deepEqual(all.applied.map((a) => a.code).filter((c) => c === 'unknown-key'), ['unknown-key']);
    assert.match(all.text, /\n {6}nameservers:\n {8}addresses: \[10\.1\.0\.1\]\n/);
    assert.ok(!codes(all.remaining).includes('unknown-key'));
  });

  test('a misspelt Wukong field: the did-you-mean rename is offered, not safe, applied only with unsafe', () => {
    const text = input('wukong-typo');
    const d = only(run('wukong-typo').check.diagnostics, 'unknown-field');
    assert.deepEqual(d.fixes.map((f) => [f.title, f.safe]), [['rename `bridgName` to `bridgeName`', false]]);
    assert.deepEqual(d.fixes[0].edits.map((e) => [text.slice(e.from, e.to), e.replacement]), [['bridgName', 'bridgeName']]);
    assert.equal(run('wukong-typo').safe.text, text);
    const all = run('wukong-typo').all;
    assert.equal(all.text, text.replace('bridgName:', 'bridgeName:'));
    assert.deepEqual(all.applied.map((a) => a.code), ['unknown-field']);
    assert.ok(!codes(all.remaining).includes('unknown-field'));
  });

  test('YAML 1.1 traps in a network-config: the values quoted, safe', () => {
    const text = input('yaml11');
    const r = run('yaml11');
    assert.deepEqual(r.check.diagnostics.filter((d) => d.code === 'yaml11-ambiguous').map((d) => d.fixes.map((f) => [f.title, f.safe])), [
      [['quote `no`', true]],
      [['quote `on`', true]],
    ]);
    assert.equal(r.safe.text, text.replace('set-name: no', 'set-name: "no"').replace('[on,', '["on",'));
    assert.ok(!codes(r.safe.remaining).includes('yaml11-ambiguous'));
  });

  test('an IPv6 default route: replaced by gateway6, as the core recommends today', () => {
    const text = input('ipv6-default-route');
    const r = run('ipv6-default-route');
    const d = only(r.check.diagnostics, 'ipv6-default-route');
    assert.deepEqual(d.fixes.map((f) => [f.title, f.safe]), [['replace the route with `gateway6: "2001:db8::1"`', true]]);
    assert.equal(r.safe.text, text.replace('      routes:\n      - to: "::/0"\n        via: "2001:db8::1"\n', '      gateway6: "2001:db8::1"\n'));
    assert.ok(!codes(r.safe.remaining).includes('ipv6-default-route'));
  });

  test('an address and a gateway under mode: dhcp: each finding offers two repairs; unsafe removes both', () => {
    const text = input('dhcp-address-gateway');
    const r = run('dhcp-address-gateway');
    for (const code of ['dhcp-with-address', 'dhcp-with-gateway']) {
      const d = only(r.check.diagnostics, code);
      assert.deepEqual(d.fixes.map((f) => f.safe), [false, false], code);
      assert.equal(d.fixes[1].title, 'set `mode: static`');
    }
    assert.equal(r.safe.text, text);
    assert.deepEqual(r.all.applied.map((a) => a.title), ['remove `address`', 'remove `gateway`']);
    assert.equal(r.all.text, text.replace('        address: 10.0.0.5/24\n        gateway: 10.0.0.1\n', ''));
  });

  test('network: in userData is moved into networkData only with unsafe', () => {
    const text = input('vm-network-in-user-data');
    const safe = run('vm-network-in-user-data').safe;
    assert.equal(safe.text, text);
    assert.deepEqual(safe.applied, []);
    assert.deepEqual(codes(safe.remaining), ['network-in-user-data']);
    const all = run('vm-network-in-user-data').all;
    assert.deepEqual(all.applied.map((a) => [a.code, a.title]), [['network-in-user-data', 'move the `network:` block from userData into networkData']]);
    assert.match(all.text, /\n {10}networkData: \|\n {12}version: 2\n {12}ethernets:\n {14}eth0:\n {16}dhcp4: true\n/);
    assert.doesNotMatch(all.text.split('networkData:')[0], /\n\s+network:\n/);
    assert.deepEqual(codes(all.remaining), []);
  });

  test('DHCP with an address: two titled alternatives, neither safe; unsafe applies the first', () => {
    const text = input('wukong-dhcp-with-address');
    const r = run('wukong-dhcp-with-address');
    const i = r.check.diagnostics.findIndex((d) => d.code === 'dhcp-with-address');
    const d = r.check.diagnostics[i];
    assert.deepEqual(d.fixes.map((f) => [f.title, f.safe]), [
      ['remove `address`', false],
      ['set `mode: static`', false],
    ]);
    assert.equal(r.safe.text, text);
    assert.deepEqual(r.safe.applied, []);
    assert.ok(codes(r.safe.remaining).includes('dhcp-with-address'));
    assert.equal(r.all.text, text.replace('      address: 10.0.0.5/24\n', ''));
    assert.deepEqual(r.all.applied.map((a) => a.title), ['remove `address`']);
    // The other alternative, applied as an editor applies it.
    const [removed, statik] = r.each[i];
    assert.equal(removed.text, r.all.text);
    assert.equal(statik.text, text.replace('mode: dhcp', 'mode: "static"'));
    assert.ok(!statik.diagnostics.some(([code]) => code === 'dhcp-with-address'));
  });

  test('a second fix changes nothing, and remaining is what check finds in the fixed text', () => {
    for (const c of CASES) {
      const r = run(c.name);
      assert.equal(r.safeAgain.text, r.safe.text, c.name);
      assert.deepEqual(r.safeAgain.applied, [], c.name);
      assert.equal(r.allAgain.text, r.all.text, c.name);
      assert.deepEqual(r.allAgain.applied, [], c.name);
      assert.deepEqual(r.safe.remaining, r.checkSafe, c.name);
      assert.deepEqual(r.all.remaining, r.checkAll, c.name);
    }
    const seed = run('seed');
    assert.equal(seed.all.text, input('seed'));
    assert.deepEqual(seed.all.applied, []);
  });

  test('options: null, undefined and {} are the defaults; anything but {unsafe?: boolean} throws', () => {
    assert.deepEqual(esm.defaults, ['a: 1', 'a: 1', 'a: 1']);
    assert.equal(esm.thrown.length, 5);
    for (const message of esm.thrown) assert.match(message ?? 'did not throw', /^invalid fix options: /);
    assert.match(esm.thrown[0], /unknown field `x`/);
  });

  test('no text makes fix throw', () => {
    const script = `
import { fix } from 'wukong-net';
const inputs = [
  '', '\\u0000\\u0001\\uffff', ':::', '- - - -', '{', '[1, 2', '&a [*a, *a]', 'a: !!binary xyz',
  '\\ud800 lone surrogate', 'network: {version: 2, ethernets: {e: {routes: [{to: default}]}}}',
  'x'.repeat(2 * 1024 * 1024),
];
process.stdout.write(JSON.stringify(inputs.map((text) => {
  const r = fix(text, { unsafe: true });
  // A lone surrogate crosses into wasm as U+FFFD, as every string passed to wasm-bindgen does.
  return [r.text === text.toWellFormed(), r.applied.length, r.remaining.map((d) => d.code)];
})));
`;
    const out = JSON.parse(runIn(pkg.project, 'mjs', script));
    assert.equal(out.length, 11);
    // Nothing to repair in garbage: the text comes back as it was, with its findings.
    for (const [same, applied] of out.slice(0, 9)) assert.deepEqual([same, applied], [true, 0]);
    assert.deepEqual(out.at(-1), [true, 0, ['input-too-large']]);
    assert.ok(out[4][2].includes('yaml-syntax'));
  });
});
