// The npm package as a user gets it: `npm pack` of pkg/, installed into a fresh project, used
// with `import` and with `require`. Asserts the real outputs for the seed's DHCP and static
// examples (identical to the CLI's `render --format json`), the located diagnostics of broken
// specs (UTF-16 offsets included), and that no input makes a call throw.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixture, installPackedPackage, root, runIn } from './setup.mjs';

const DRIVER_BODY = `
const cases = JSON.parse(readFileSync(0, 'utf8'));
const out = { version: version(), keys: Object.keys(api).sort(), results: [] };
for (const c of cases) {
  out.results.push({
    render: render(c.text, c.options),
    check: check(c.text),
    admit: admit(c.text, c.settings ?? ''),
  });
}
process.stdout.write(JSON.stringify(out));
`;
const ESM_DRIVER = `import * as api from 'wukong-net';
import { render, check, admit, version } from 'wukong-net';
import { readFileSync } from 'node:fs';
${DRIVER_BODY}`;
const CJS_DRIVER = `const api = require('wukong-net');
const { render, check, admit, version } = require('wukong-net');
const { readFileSync } = require('node:fs');
${DRIVER_BODY}`;

const dhcp = fixture('seed-dhcp.yaml');
const statik = fixture('seed-static.yaml');
const dhcpWithAddress = dhcp.replace('        mode: dhcp', '        mode: dhcp\n        address: 10.0.0.5/24');
// Astral and accented characters before the error: UTF-16 offsets differ from bytes and chars.
const unicodePrefix = '# réseau 😀 de test\n';
const CASES = [
  { name: 'dhcp', text: dhcp, options: { yaml: true } },
  { name: 'static', text: statik, options: { yaml: true } },
  { name: 'dhcp-with-address', text: dhcpWithAddress },
  { name: 'unicode', text: unicodePrefix + dhcpWithAddress },
  { name: 'yaml-syntax', text: 'apiVersion: vm.novasphere.dev/v1alpha1\nkind: Wukong\nspec: {networks: [\n' },
  { name: 'only-nad', text: dhcp, options: { only: 'nad' } },
  { name: 'static-forbidden', text: statik, settings: 'allowStaticIp: false' },
  { name: 'settings-typo', text: statik, settings: '{"alowStaticIp": false}' },
  { name: 'vm-unpinned-mac', text: fixture('manifests/vm-unpinned-mac.yaml') },
  { name: 'vm-and-nads', text: fixture('manifests/vm-and-nads.yaml'), settings: 'contextAware: true' },
];

let pkg;
let esm;
let cjs;
const byName = (run, name) => run.results[CASES.findIndex((c) => c.name === name)];

function cliJson(text) {
  // The CLI's own JSON for the same text; exit status 1 just means error diagnostics.
  const run = spawnSync('cargo', ['run', '--quiet', '--bin', 'wukong-net', '--', 'render', '--format', 'json', '-'], {
    cwd: root,
    input: text,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  assert.ok(run.status === 0 || run.status === 1, `wukong-net render failed: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

// The package's diagnostics less what it adds to the CLI's: UTF-16 offsets, of the span and
// of each fix's edits.
const withoutOffsets = (diagnostics) =>
  diagnostics.map(({ from, to, ...d }) =>
    d.fixes ? { ...d, fixes: d.fixes.map((f) => ({ ...f, edits: f.edits.map(({ from, to, ...e }) => e) })) } : d,
  );

function cliCheckJson(text) {
  // `wukong-net check --format json -` on the same text: the diagnostics of its one file.
  const run = spawnSync('cargo', ['run', '--quiet', '--bin', 'wukong-net', '--', 'check', '--format', 'json', '-'], {
    cwd: root,
    input: text,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  assert.ok(run.status === 0 || run.status === 1, `wukong-net check failed: ${run.stderr}`);
  return JSON.parse(run.stdout)[0].diagnostics;
}

before(() => {
  pkg = installPackedPackage();
  const input = JSON.stringify(CASES);
  esm = JSON.parse(runIn(pkg.project, 'mjs', ESM_DRIVER, input));
  cjs = JSON.parse(runIn(pkg.project, 'cjs', CJS_DRIVER, input));
});

after(() => pkg?.cleanup());

describe('the packed package', () => {
  test('holds one .wasm, the declarations, the README and both entries', () => {
    const files = pkg.packed.files.map((f) => f.path).sort();
    assert.deepEqual(files.filter((f) => f.endsWith('.wasm')), ['wukong_net_wasm_bg.wasm']);
    for (const f of ['package.json', 'README.md', 'index.d.ts', 'wukong_net_wasm.d.ts', 'index.js', 'node.js']) {
      assert.ok(files.includes(f), `${f} missing from ${files}`);
    }
    const manifest = JSON.parse(readFileSync(join(pkg.project, 'node_modules/wukong-net/package.json'), 'utf8'));
    assert.deepEqual(Object.keys(manifest.exports['.']), ['types', 'node', 'default']);
  });

  test('loads with import and with require, with the same API and the same results', () => {
    assert.deepEqual(esm.keys, ['admit', 'check', 'fix', 'init', 'initSync', 'render', 'version']);
    assert.deepEqual(cjs, esm);
  });

  test('require() prints no warning', () => {
    const run = spawnSync(process.execPath, ['-e', "require('wukong-net').version()"], { cwd: pkg.project, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr, '');
  });

  test('version() is the crate version', () => {
    const cargo = readFileSync(join(root, 'Cargo.toml'), 'utf8');
    const crateVersion = /\[workspace\.package\][^[]*?\nversion = "([^"]+)"/.exec(cargo)?.[1];
    assert.equal(esm.version, crateVersion);
    assert.equal(pkg.packed.version, crateVersion);
  });
});

describe('render', () => {
  test("the seed's DHCP example: DHCP on the bridged NIC, L2-only NAD, matching MACs", () => {
    const r = byName(esm, 'dhcp').render;
    assert.equal(r.hasErrors, false);
    assert.deepEqual(r.diagnostics, []);
    const ifaces = r.virtualMachine.spec.template.spec.domain.devices.interfaces;
    assert.deepEqual(
      ifaces.map((i) => [i.name, Object.keys(i).filter((k) => k !== 'name' && k !== 'macAddress')[0]]),
      [
        ['default', 'masquerade'],
        ['external', 'bridge'],
      ],
    );
    const external = ifaces[1];
    // The netplan match names the very MAC KubeVirt gives the NIC.
    assert.match(r.networkData, new RegExp(`eth1:\\n\\s+match:\\n\\s+macaddress: ${external.macAddress}\\n\\s+set-name: eth1\\n\\s+dhcp4: true\\n\\s+dhcp6: false`));
    // The VM boots the seed's osImage and carries the cloud-init disk beside it.
    const volumes = r.virtualMachine.spec.template.spec.volumes;
    assert.deepEqual(volumes[0], { name: 'containerdisk', containerDisk: { image: 'quay.io/containerdisks/ubuntu:22.04' } });
    assert.equal(volumes[1].cloudInitNoCloud.networkData, r.networkData);
    assert.equal(volumes[1].cloudInitNoCloud.userData, r.userData);
    assert.equal(r.userData, '#cloud-config\n{}\n');
    assert.equal(r.secret, null);
    assert.equal(r.virtualMachine.spec.runStrategy, 'Always');
    assert.deepEqual(r.virtualMachine.spec.template.spec.networks[1], {
      name: 'external',
      multus: { networkName: 'ubuntu-dhcp-external-nad' },
    });
    assert.equal(r.networkAttachmentDefinitions.length, 1);
    const config = JSON.parse(r.networkAttachmentDefinitions[0].spec.config);
    assert.equal(config.type, 'bridge');
    assert.equal(config.bridge, 'br-external');
    assert.deepEqual(config.ipam, {});
    const [bridge, port] = r.nodeNetworkConfigurationPolicies[0].spec.desiredState.interfaces;
    assert.equal(bridge.name, 'br-external');
    assert.deepEqual(bridge.bridge.port, [{ name: 'ens192' }]);
    assert.equal(port.name, 'ens192');
    assert.ok(r.yaml.networkAttachmentDefinitions.startsWith('---\napiVersion: k8s.cni.cncf.io/v1\n'));
    assert.equal(r.yaml.networkData, r.networkData);
  });

  test("the seed's static example: address, default route, DNS, host-local IPAM", () => {
    const r = byName(esm, 'static').render;
    assert.equal(r.hasErrors, false);
    assert.match(r.networkData, /dhcp4: false/);
    assert.match(r.networkData, /addresses:\n\s+- 192\.168\.0\.200\/24/);
    // The serializer may quote addresses; either way YAML reads the same string.
    assert.match(r.networkData, /routes:\n\s+- to: "?0\.0\.0\.0\/0"?\n\s+via: "?192\.168\.0\.1"?\n/);
    assert.match(r.networkData, /nameservers:\n\s+addresses:\n\s+- "?192\.168\.0\.1"?\n\s+- "?8\.8\.8\.8"?\n/);
    const config = JSON.parse(r.networkAttachmentDefinitions[0].spec.config);
    assert.equal(config.ipam.type, 'host-local');
    assert.deepEqual(config.ipam.ranges[0][0].rangeStart, '192.168.0.200');
  });

  test('has the content of the CLI\'s `render --format json`', () => {
    for (const name of ['dhcp', 'static', 'dhcp-with-address', 'yaml-syntax']) {
      const r = byName(esm, name).render;
      const cli = cliJson(CASES.find((c) => c.name === name).text);
      assert.deepEqual(
        {
          networkData: r.networkData,
          userData: r.userData,
          secret: r.secret,
          networkAttachmentDefinitions: r.networkAttachmentDefinitions,
          virtualMachine: r.virtualMachine,
          nodeNetworkConfigurationPolicies: r.nodeNetworkConfigurationPolicies,
          diagnostics: withoutOffsets(r.diagnostics),
        },
        cli,
        name,
      );
    }
  });

  test('only keeps one output, like --only', () => {
    const r = byName(esm, 'only-nad').render;
    assert.equal(r.networkAttachmentDefinitions.length, 1);
    assert.equal(r.networkData, null);
    assert.equal(r.userData, null);
    assert.equal(r.secret, null);
    assert.equal(r.virtualMachine, null);
    assert.deepEqual(r.nodeNetworkConfigurationPolicies, []);
  });

  test('a DHCP network with an address: a located error, nothing rendered', () => {
    const text = dhcpWithAddress;
    const r = byName(esm, 'dhcp-with-address').render;
    assert.equal(r.hasErrors, true);
    assert.equal(r.networkData, null);
    assert.deepEqual(r.manifests, []);
    const [d] = r.diagnostics;
    assert.equal(d.code, 'dhcp-with-address');
    assert.equal(d.severity, 'error');
    assert.equal(d.path, 'spec.networks[1].ipConfig.address');
    const line = text.split('\n').findIndex((l) => l.includes('address: 10.0.0.5/24')) + 1;
    assert.deepEqual([d.line, d.column], [line, text.split('\n')[line - 1].indexOf('10.0.0.5') + 1]);
    assert.equal(text.slice(d.from, d.to), '10.0.0.5/24');
    assert.match(r.human, /error\[dhcp-with-address\]/);
    // The topology still follows the editor while the spec has errors.
    assert.equal(r.topology[0].networks[1].bridge, 'br-external');
  });

  test('UTF-16 offsets stay exact after astral and accented characters', () => {
    const text = unicodePrefix + dhcpWithAddress;
    const [d] = byName(esm, 'unicode').render.diagnostics;
    assert.equal(text.slice(d.from, d.to), '10.0.0.5/24');
    const plain = byName(esm, 'dhcp-with-address').render.diagnostics[0];
    assert.equal(d.line, plain.line + 1);
    assert.equal(d.from, plain.from + unicodePrefix.length);
  });

  test('a YAML syntax error is a diagnostic', () => {
    const r = byName(esm, 'yaml-syntax').render;
    assert.equal(r.hasErrors, true);
    assert.equal(r.diagnostics[0].code, 'yaml-syntax');
    assert.ok(r.diagnostics[0].line >= 3);
  });
});

describe('check and admit', () => {
  test('check reports the diagnostics render reports', () => {
    for (const c of CASES) {
      const { render, check } = byName(esm, c.name);
      assert.deepEqual(check.diagnostics, render.diagnostics, c.name);
      assert.equal(check.hasErrors, render.hasErrors);
    }
  });

  test('the policy accepts the seed, rejects static under allowStaticIp: false, refuses bad settings', () => {
    assert.equal(byName(esm, 'dhcp').admit.verdict.accepted, true);
    const rejected = byName(esm, 'static-forbidden').admit;
    assert.equal(rejected.verdict.accepted, false);
    assert.equal(rejected.verdict.code, 400);
    assert.match(rejected.verdict.message, /static-ip-not-allowed/);
    const [d] = rejected.diagnostics;
    assert.equal(d.code, 'static-ip-not-allowed');
    assert.equal(statik.slice(d.from, d.to), 'static');
    // A pasted set: an answer per object the policy is asked about, located in the whole text.
    const set = byName(esm, 'vm-and-nads').admit;
    assert.deepEqual(
      set.objects.map((o) => [o.object, o.verdict.accepted]),
      [
        ['NetworkAttachmentDefinition lab/ext-static', true],
        ['NetworkAttachmentDefinition lab/macvlan-net', true],
        ['NetworkAttachmentDefinition default/shared', true],
        ['VirtualMachine lab/app', false],
      ],
    );
    assert.deepEqual(set.verdict, set.objects[0].verdict, 'verdict is the first document\'s');
    const setText = fixture('manifests/vm-and-nads.yaml');
    const vmCodes = set.objects[3].diagnostics.map((d) => [d.code, setText.slice(d.from, d.to)]);
    assert.ok(vmCodes.some(([code, at]) => code === 'dhcp-on-ipam-nad' && at === 'true'), JSON.stringify(vmCodes));
    const unpinned = byName(esm, 'vm-unpinned-mac').admit;
    assert.deepEqual(unpinned.objects.map((o) => o.object), ['VirtualMachine lab/web']);
    assert.deepEqual(unpinned.objects[0].verdict, unpinned.verdict);
    const typo = byName(esm, 'settings-typo').admit;
    assert.equal(typo.verdict, null);
    assert.deepEqual(typo.objects, []);
    assert.match(typo.settingsError, /alowStaticIp.*did you mean `allowStaticIp`/);
  });
});

describe('bad input never throws', () => {
  test('garbage, empty, binary-looking, huge and out-of-range inputs come back as diagnostics', () => {
    const script = `
import { render, check, admit } from 'wukong-net';
const inputs = [
  '', '\\u0000\\u0001\\uffff', ':::', '- - - -', '{', '[1, 2', '&a [*a, *a]', 'a: !!binary xyz',
  'apiVersion: vm.novasphere.dev/v1alpha1\\nkind: Wukong\\nmetadata: {name: vm}\\nspec: {cpu: 9007199254740993, networks: [{name: default}]}',
  '\\ud800 lone surrogate',
  'x'.repeat(2 * 1024 * 1024),
];
const out = inputs.map((text) => {
  const r = render(text, { yaml: true });
  check(text);
  admit(text, text.slice(0, 100));
  return { hasErrors: r.hasErrors, codes: r.diagnostics.map((d) => d.code), cores: r.virtualMachine?.spec.template.spec.domain.cpu?.cores ?? null };
});
let optionsError = null;
try { render('', { format: 'xml' }); } catch (e) { optionsError = e.message; }
process.stdout.write(JSON.stringify({ out, optionsError }));
`;
    const { out, optionsError } = JSON.parse(runIn(pkg.project, 'mjs', script));
    assert.equal(out.length, 11);
    assert.deepEqual(out.at(-1).codes, ['input-too-large']);
    assert.ok(out[4].hasErrors && out[4].codes.includes('yaml-syntax'), JSON.stringify(out[4]));
    // A number beyond JS's safe integers crosses as the nearest double instead of failing.
    assert.equal(out[8].cores, 9007199254740992);
    assert.match(optionsError, /invalid render options/);
  });
});

describe('TypeScript declarations', () => {
  test('type-check real use and reject wrong use (no `any`)', (t) => {
    const tsc = join(root, 'web-demo/node_modules/typescript/bin/tsc');
    let exists = true;
    try {
      readFileSync(tsc);
    } catch {
      exists = false;
    }
    if (!exists) {
      if (process.env.CI === 'true') assert.fail(`TypeScript missing (${tsc}): run npm ci in web-demo/`);
      t.skip(`TypeScript not installed (${tsc}); run npm ci in web-demo/`);
      return;
    }
    const source = `
import { render, check, admit, fix, version, init } from 'wukong-net';
import type { RenderResult, EditorDiagnostic, EditorFix, FixResult, AppliedFix, Code, Severity, VirtualMachine, Topology, AdmitResult } from 'wukong-net';
await init();
const r: RenderResult = render('kind: Wukong', { yaml: true, only: 'vm' });
const d: EditorDiagnostic | undefined = r.diagnostics[0];
const code: Code | undefined = d?.code;
const severity: Severity | undefined = d?.severity;
const range: [number, number] | undefined = d ? [d.from, d.to] : undefined;
const vm: VirtualMachine | null = r.virtualMachine;
const mac: string | undefined = vm?.spec.template.spec.domain.devices.interfaces[0]?.macAddress;
const topo: Topology[] = r.topology;
const boot: string | null | undefined = topo[0]?.bootDisk?.image;
const v6: string | undefined = topo[0]?.networks[0]?.ipv6?.source;
const userData: string | null = r.userData;
const verdict: AdmitResult = admit('kind: Wukong', '');
const accepted: boolean | undefined = verdict.verdict?.accepted;
const v: string = version();
const hasErrors: boolean = check('').hasErrors;
const fixes: EditorFix[] = d?.fixes ?? [];
const edits: Array<{ from: number; to: number; insert: string }> = fixes.flatMap((f) =>
  f.safe ? f.edits.map((e) => ({ from: e.from, to: e.to, insert: e.replacement })) : [],
);
const fixed: FixResult = fix('kind: Wukong', { unsafe: true });
const text: string = fix('kind: Wukong').text;
const applied: AppliedFix | undefined = fixed.applied[0];
const remaining: EditorDiagnostic[] = fixed.remaining;
const op: string | undefined = applied?.patch[0]?.op;
// @ts-expect-error fixes may be absent
const always: EditorFix[] = r.diagnostics[0].fixes;
// @ts-expect-error not a fix option
fix('', { unsafeFixes: true });
// @ts-expect-error unsafe is a boolean
fix('', { unsafe: 'yes' });
console.log(edits, text, remaining, op, always);
// @ts-expect-error a number is not text
render(42);
// @ts-expect-error not an option
render('', { format: 'json' });
// @ts-expect-error codes are a closed set
const wrong: Code = 'no-such-code';
console.log(code, severity, range, mac, topo, boot, v6, userData, accepted, v, hasErrors, wrong);
`;
    const file = join(pkg.project, 'use.mts');
    execFileSync('sh', ['-c', `cat > ${file}`], { input: source });
    const run = spawnSync(
      process.execPath,
      [tsc, '--noEmit', '--strict', '--module', 'nodenext', '--target', 'es2022', '--skipLibCheck', 'false', file],
      { cwd: pkg.project, encoding: 'utf8' },
    );
    assert.equal(run.status, 0, run.stdout + run.stderr);
  });
});

describe('check on other kinds', () => {
  test('a VirtualMachine gets the same diagnostics as the CLI, located in the networkData block', () => {
    const text = CASES.find((c) => c.name === 'vm-unpinned-mac').text;
    const c = byName(esm, 'vm-unpinned-mac').check;
    assert.equal(c.hasErrors, true);
    assert.deepEqual(withoutOffsets(c.diagnostics), cliCheckJson(text));
    const errors = c.diagnostics.filter((d) => d.severity === 'error');
    assert.deepEqual(errors.map((d) => d.code), ['mac-not-pinned', 'mac-not-pinned']);
    // The editor offsets cover the MAC inside the block scalar.
    assert.equal(text.slice(errors[0].from, errors[0].to), '"52:54:00:aa:bb:01"');
  });
});
