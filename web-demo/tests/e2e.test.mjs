// The previewer end to end in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core), served from dist/ by serve.mjs exactly as `make demo` serves it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { serve } from '../serve.mjs';

const here = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ARGS = [
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
const OUTPUT = join(here, 'test-output');
const seed = (name) => readFileSync(join(here, '../tests/fixtures', name), 'utf8');
const repoFile = (path) => readFileSync(join(here, '..', path), 'utf8');
const corpus = (name) => repoFile(`tests/data/kubevirt-manifests/${name}`);

const missing = !existsSync(CHROMIUM) ? `no Chromium at ${CHROMIUM} (apt-get install chromium)` : null;
if (missing && process.env.CI === 'true') throw new Error(missing);
if (missing) console.log(`# skipping the previewer tests: ${missing}`);

let server;
let url;
let browser;

before(async () => {
  if (missing) return;
  assert.ok(existsSync(join(here, 'dist/index.html')), 'web-demo/dist is missing: build it with `make web`');
  ({ server, url } = await serve({ port: 0 }));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  mkdirSync(OUTPUT, { recursive: true });
});

after(async () => {
  await browser?.close();
  server?.close();
});

/** A fresh page on `address`, with every console error and uncaught exception recorded. */
async function open(address = url, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, ...options });
  const page = await context.newPage();
  const problems = [];
  const requests = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console.error: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(address);
  await page.waitForFunction(() => window.wukongPreview?.firstPreviewMs != null);
  return { context, page, problems, requests };
}

const output = (page, name) => page.locator(`[data-testid="output-${name}"]`).textContent();
const editorText = (page) =>
  page.$$eval('[data-testid="editor"] .cm-line', (lines) => lines.map((l) => l.textContent).join('\n'));
const renders = (page) => page.evaluate(() => window.wukongPreview.renders);

async function waitForRender(page, previous) {
  await page.waitForFunction((n) => window.wukongPreview.renders > n, previous);
}

async function choosePreset(page, id) {
  const before = await renders(page);
  await page.selectOption('[data-testid="preset"]', id);
  await waitForRender(page, before);
}

/** Pastes `text` over the whole editor as a user does: select all, then Ctrl+V. */
async function paste(context, page, text) {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url });
  await page.evaluate((t) => navigator.clipboard.writeText(t), text);
  const before = await renders(page);
  await page.locator('.cm-content').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Control+V');
  await waitForRender(page, before);
}

/** 1-based number of the first line of `text` that includes `part`, after line `after`. */
function lineOf(text, part, after = 0) {
  const i = text.split('\n').findIndex((l, j) => j >= after && l.includes(part));
  assert.ok(i >= 0, `no line with ${part}`);
  return i + 1;
}

/** The diagnostics list as [code, severity, "line:column"]. */
const listed = (page) =>
  page.$$eval('[data-testid="diagnostics"] li', (items) =>
    items.map((li) => [li.querySelector('code').textContent, li.querySelector('.sev').textContent, li.querySelector('.loc').textContent]),
  );

/**
 * Clicks the `n`th listed diagnostic (the editor scrolls to it) and returns what the editor
 * then shows there: the cursor's line number, that line's text, the gutter markers on it and
 * the underlined text on it.
 */
async function showInEditor(page, n) {
  await page.locator('[data-testid="diagnostics"] li button.goto').nth(n).click();
  return page.evaluate(() => {
    const number = document.querySelector('.cm-lineNumbers .cm-activeLineGutter');
    const line = document.querySelector('.cm-activeLine');
    const top = number.getBoundingClientRect().top;
    const markers = [...document.querySelectorAll('.cm-gutter-lint .cm-gutterElement')]
      .filter((e) => Math.abs(e.getBoundingClientRect().top - top) < 1)
      .flatMap((e) => [...e.querySelectorAll('.cm-lint-marker')].map((m) => m.className.replace('cm-lint-marker ', '')));
    return {
      line: Number(number.textContent),
      text: line.textContent,
      markers,
      underlined: [...line.querySelectorAll('[class*="cm-lintRange-"]')].map((u) => u.textContent).join(''),
    };
  });
}

/**
 * The whole text of the editor, as a user gets it: select all, copy, read the clipboard
 * (CodeMirror draws only the lines near the viewport, so the DOM may not hold them all).
 */
async function editorDoc(context, page) {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url });
  await page.locator('.cm-content').focus();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Control+C');
  return page.evaluate(() => navigator.clipboard.readText());
}

/** Presses `keys` in the editor and waits for the preview to follow. */
async function pressAndRender(page, keys) {
  const before = await renders(page);
  await page.keyboard.press(keys);
  await waitForRender(page, before);
}

/** Clicks `locator` and waits for the preview to follow the change it makes. */
async function clickAndRender(page, locator) {
  const before = await renders(page);
  await locator.click();
  await waitForRender(page, before);
}

/** The fix buttons of the `n`th listed diagnostic: [title, "safe" or "unsafe"]. */
const fixButtons = (page, n) =>
  page
    .locator('[data-testid="diagnostics"] li')
    .nth(n)
    .locator('button.fix')
    .evaluateAll((bs) => bs.map((b) => [b.firstChild.textContent, b.classList.contains('safe') ? 'safe' : 'unsafe', b.textContent]));

const figure = (page, net) => page.locator(`[data-testid="topology"] figure[data-network="${net}"]`);
const box = (scope, role) => scope.locator(`[data-role="${role}"]`);

describe('the previewer', { skip: missing ?? false }, () => {
  test('loads with no console errors and shows the seed with dhcp4: true', async () => {
    const { context, page, problems, requests } = await open();
    assert.equal(await editorText(page), seed('seed-dhcp.yaml'));
    assert.equal(await page.locator('[data-panel="networkdata"]').isVisible(), true);
    const networkData = await output(page, 'networkdata');
    assert.match(networkData, /eth1:\n\s+match:\n\s+macaddress: [0-9a-f:]{17}\n\s+set-name: eth1\n\s+dhcp4: true/);
    assert.match(await output(page, 'nad'), /ubuntu-dhcp-external-nad/);
    assert.match(await output(page, 'vm'), /kind: VirtualMachine/);
    assert.match(await output(page, 'nncp'), /name: br-external/);
    assert.equal(await page.locator('[data-testid="diagnostics"] li').count(), 0);
    // The topology of the DHCP network ends at the physical network's DHCP server.
    const external = page.locator('[data-testid="topology"] figure[data-network="external"]');
    for (const role of ['guest-nic', 'bridge-port', 'node-bridge', 'physical-nic', 'dhcp-server']) {
      assert.equal(await external.locator(`[data-role="${role}"]`).count(), 1, role);
    }
    assert.match(await external.locator('[data-role="physical-nic"]').textContent(), /ens192/);
    assert.match(await page.locator('[data-testid="policy-verdict"]').textContent(), /Accepted/);
    // Nothing but the page's own files was fetched: no CDN.
    assert.ok(requests.length > 0 && requests.every((r) => r.startsWith(url)), requests.join('\n'));
    assert.deepEqual(problems, []);
    await page.screenshot({ path: join(OUTPUT, 'previewer.png') });
    await context.close();
  });

  test('typing an address into the DHCP network marks that line and lists the diagnostic', async () => {
    const { context, page, problems } = await open();
    await page.locator('.cm-line', { hasText: 'mode: dhcp' }).click();
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('address: 10.0.0.5/24');
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="diagnostics"]')?.textContent.includes('dhcp-with-address'),
    );
    const line = page.locator('.cm-line', { hasText: 'address: 10.0.0.5/24' });
    assert.equal(await line.count(), 1);
    assert.match(await line.textContent(), /^\s{8}address: 10\.0\.0\.5\/24$/);
    // The gutter marker sits on that very line, and the underline covers exactly the value.
    const lineBox = await line.boundingBox();
    const markers = await page.$$eval('.cm-gutter-lint .cm-gutterElement', (els) =>
      els
        .filter((e) => e.querySelector('.cm-lint-marker-error'))
        .map((e) => {
          const r = e.getBoundingClientRect();
          return { top: r.top, bottom: r.bottom };
        }),
    );
    assert.equal(markers.length, 1, JSON.stringify(markers));
    const middle = lineBox.y + lineBox.height / 2;
    assert.ok(markers[0].top <= middle && middle <= markers[0].bottom, JSON.stringify({ markers, lineBox }));
    assert.equal(await line.locator('.cm-lintRange-error').textContent(), '10.0.0.5/24');
    const item = page.locator('[data-testid="diagnostics"] li.error');
    assert.equal(await item.count(), 1);
    const lineNo = (await editorText(page)).split('\n').findIndex((l) => l.includes('address: 10.0.0.5/24')) + 1;
    assert.match(await item.textContent(), new RegExp(`${lineNo}:18dhcp-with-address`));
    assert.match(await output(page, 'networkdata'), /Nothing rendered: 1 error/);
    assert.match(await page.locator('[data-testid="policy-verdict"]').textContent(), /Rejected.*dhcp-with-address/s);

    // Clicking the diagnostic moves the cursor to it.
    await page.keyboard.press('Control+Home');
    assert.equal(await page.locator('.cm-lineNumbers .cm-activeLineGutter').textContent(), '1');
    await item.locator('button.goto').click();
    assert.equal(await page.locator('.cm-lineNumbers .cm-activeLineGutter').textContent(), String(lineNo));
    assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('cm-content')), true);
    // ...to its column: the cursor stands where the underlined value starts.
    await page.waitForSelector('.cm-cursor-primary');
    const cursor = await page.locator('.cm-cursor-primary').boundingBox();
    const value = await line.locator('.cm-lintRange-error').boundingBox();
    assert.ok(Math.abs(cursor.x - value.x) <= 2 && cursor.y >= lineBox.y - 2 && cursor.y <= lineBox.y + lineBox.height, JSON.stringify({ cursor, value }));
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a preset switch updates every tab, the topology and the diagnostics', async () => {
    const { context, page, problems } = await open();
    const names = ['networkdata', 'nad', 'vm', 'nncp'];
    const dhcp = await Promise.all(names.map((n) => output(page, n)));
    await choosePreset(page, 'static');
    const statik = await Promise.all(names.map((n) => output(page, n)));
    names.forEach((n, i) => assert.notEqual(statik[i], dhcp[i], n));
    assert.match(statik[0], /192\.168\.0\.200\/24/);
    assert.match(statik[1], /host-local/);
    assert.match(statik[2], /name: ubuntu-static-vm/);
    assert.match(statik[3], /name: ubuntu-static-external-bridge/);
    assert.match(await page.locator('[data-testid="topology"] [data-role="static-address"]').textContent(), /192\.168\.0\.200\/24.*gateway 192\.168\.0\.1/);

    await choosePreset(page, 'vlan');
    assert.match(await output(page, 'nncp'), /trunk-tags:\n\s+- id: 100/);
    assert.match(await page.locator('[data-testid="topology"] [data-role="bridge-port"]').textContent(), /VLAN 100/);

    await choosePreset(page, 'broken-typos');
    const codes = await page.locator('[data-testid="diagnostics"] code').allTextContents();
    assert.deepEqual(codes, ['no-owner-uid', 'unknown-field', 'unusable-mac', 'nic-in-two-bridges']);
    for (const n of names) assert.match(await output(page, n), /Nothing rendered: 2 errors/);
    assert.equal(await page.locator('.cm-gutter-lint .cm-lint-marker-error').count(), 2);
    // The picture outlines what the errors are about: the shared NIC and the multicast MAC.
    const box = (net, role) => page.locator(`[data-testid="topology"] figure[data-network="${net}"] [data-role="${role}"]`);
    assert.match(await box('backup', 'physical-nic').getAttribute('class'), /has-error/);
    assert.match(await box('storage', 'guest-nic').getAttribute('class'), /has-error/);
    assert.doesNotMatch(await box('storage', 'physical-nic').getAttribute('class'), /has-error/);

    await choosePreset(page, 'broken-yaml');
    assert.deepEqual(await page.locator('[data-testid="diagnostics"] code').allTextContents(), ['yaml-syntax']);
    assert.match(await page.locator('[data-testid="topology"]').textContent(), /the text does not parse as YAML; fix the error marked in the editor/);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('the VM boots: the boot disk drawn, userData in its tab, a plaintext password only in the Secret', async () => {
    const { context, page, problems } = await open();
    const boot = page.locator('[data-testid="boot-disk"]');
    assert.equal(await boot.textContent(), 'boots quay.io/containerdisks/ubuntu:22.04 (osImage as a containerDisk, ephemeral)');
    assert.equal(await output(page, 'userdata'), '#cloud-config\n{}\n');
    assert.match(await output(page, 'secret'), /^# No Secret: the userData is inline in the VM/);
    assert.match(await output(page, 'vm'), /runStrategy: Always/);

    await choosePreset(page, 'boot-disk');
    assert.equal(
      await boot.textContent(),
      'boots disk root: a DataVolume CDI imports from docker://quay.io/containerdisks/fedora:40 (registry)',
    );
    const userData = await output(page, 'userdata');
    assert.match(userData, /^#cloud-config\n/);
    assert.match(userData, /name: alice/);
    assert.match(await output(page, 'vm'), /dataVolumeTemplates:/);

    await choosePreset(page, 'plaintext-password');
    const secret = await output(page, 'secret');
    assert.match(secret, /kind: Secret/);
    assert.match(secret, /plain_text_passwd/);
    const vm = await output(page, 'vm');
    assert.match(vm, /secretRef:\n\s+name: lab-user-userdata/);
    assert.doesNotMatch(vm, /plain_text_passwd/);
    assert.ok((await listed(page)).some(([code, sev]) => code === 'plaintext-password' && sev === 'warning'));
    await page.click('[role="tab"][data-tab="secret"]');
    assert.equal(await page.locator('[data-panel="secret"]').isVisible(), true);

    // A spec without an OS disk says so above its networks, outlined as the warning it draws.
    await paste(context, page, seed('vlan.yaml'));
    assert.match(await boot.textContent(), /^no operating system disk/);
    assert.match(await boot.getAttribute('class'), /none has-warning/);
    assert.ok((await listed(page)).some(([code]) => code === 'no-os-disk'));
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('dual stack: each NIC shows where its IPv4 and its IPv6 come from', async () => {
    const { context, page, problems } = await open();
    // Without an ipv6 block the picture keeps one family, as before.
    assert.doesNotMatch(await box(figure(page, 'external'), 'dhcp-server').textContent(), /IPv6/);

    await choosePreset(page, 'dual-stack');
    const external = figure(page, 'external');
    const texts = (b) => b.locator('text').allTextContents();
    assert.deepEqual(await texts(box(external, 'dhcp-server')), ['physical network', 'IPv4 DHCP', 'IPv6 SLAAC (RA)']);
    assert.match(await external.locator('figcaption').textContent(), /IPv4 DHCP, IPv6 SLAAC \(RA\)/);
    assert.match(await output(page, 'networkdata'), /accept-ra: true/);

    await choosePreset(page, 'dual-stack-static');
    const end = box(figure(page, 'external'), 'static-address');
    const [title, v4, v6] = await texts(end);
    assert.equal(title, 'static addresses');
    assert.match(v4, /^IPv4 \d+\.\d+\.\d+\.\d+\/\d+$/);
    assert.match(v6, /^IPv6 [0-9a-f:]+\/\d+$/);
    assert.match(await end.locator('title').textContent(), /gateway \S+, \S+/);
    // One host-local range set per family, each pinned to the NIC's address.
    const nad = await output(page, 'nad');
    assert.match(nad, /rangeStart\\":\\"192\.168\.77\.20\\"/);
    assert.match(nad, /rangeStart\\":\\"2001:db8:77::20\\"/);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a pasted NMState policy, NAD and two VMs: findings marked in place, each NIC drawn, no error talk', async () => {
    const { context, page, problems } = await open();
    const text = [corpus('nncp-blog2020-br0-eth1.yaml'), corpus('nad-blog2020-br0-100-l2-tuning.yaml'), corpus('vm-blog2020-bridge-vlan100.yaml')].join('---\n');
    await paste(context, page, text);
    assert.equal(await page.locator('[data-testid="preset"]').inputValue(), 'kubevirt-set', 'the paste is the preset, byte for byte');

    // Each VM's networkData omits the pod NIC: a warning where its block starts, inside it.
    const firstBlock = lineOf(text, 'networkData: |') + 1;
    const secondBlock = lineOf(text, 'networkData: |', firstBlock) + 1;
    assert.deepEqual(await listed(page), [
      ['not-a-wukong', 'info', `${lineOf(text, 'kind: Namespace') - 1}:1`],
      ['pod-interface-unconfigured', 'warning', `${firstBlock}:15`],
      ['pod-interface-unconfigured', 'warning', `${secondBlock}:15`],
    ]);
    assert.equal(await page.locator('#diag-summary').textContent(), '0 errors, 2 warnings, 1 info');
    for (const [n, line] of [[1, firstBlock], [2, secondBlock]]) {
      const shown = await showInEditor(page, n);
      assert.equal(shown.line, line);
      assert.equal(shown.text, '              version: 2');
      assert.deepEqual(shown.markers, ['cm-lint-marker-warning']);
      assert.equal(shown.underlined, 'version: 2');
    }

    // Both VMs, each NIC: the pod network, and the NAD's VLAN 100 on br0, whose port eth1 the
    // NMState policy names, with the address networkData gives.
    const topology = page.locator('[data-testid="topology"]');
    assert.deepEqual(await topology.locator('h3').allTextContents(), ['VirtualMachine default/vma', 'VirtualMachine default/vmb']);
    assert.equal(await topology.locator('figure').count(), 4);
    assert.deepEqual(await figure(page, 'default').locator('figcaption').allTextContents(), ['eth0 · default (pod network)', 'eth0 · default (pod network)']);
    const secondary = figure(page, 'br0-100');
    assert.deepEqual(await secondary.locator('figcaption').allTextContents(), [
      'eth1 · br0-100 (bridge binding, bridge NAD, static)',
      'eth1 · br0-100 (bridge binding, bridge NAD, static)',
    ]);
    for (const [i, address] of ['10.200.0.1/24', '10.200.0.2/24'].entries()) {
      const one = secondary.nth(i);
      assert.match(await box(one, 'bridge-port').textContent(), /bridge binding.*VLAN 100.*NAD default\/br0-100-l2/);
      assert.match(await box(one, 'node-bridge').textContent(), /br0/);
      assert.match(await box(one, 'physical-nic').textContent(), /eth1.*bridge port \(NMState\)/);
      assert.match(await box(one, 'static-address').textContent(), new RegExp(`${address}.*from networkData`));
    }

    // The policy is asked about the NAD and each VM (sent to it as kubevirt.io/v1), not about
    // the NMState policy nor the Namespace.
    const verdict = page.locator('[data-testid="policy-verdict"]');
    assert.deepEqual(await verdict.locator('.verdict-head').allTextContents(), [
      'NetworkAttachmentDefinition default/br0-100-l2: Accepted',
      'VirtualMachine default/vma: Accepted',
      'VirtualMachine default/vmb: Accepted',
    ]);
    assert.equal(await verdict.locator('.verdict-warning', { hasText: 'pod-interface-unconfigured' }).count(), 2);

    // Nothing claims errors that are not there, nor asks for a Wukong's fields.
    const page_text = await page.locator('body').innerText();
    assert.doesNotMatch(page_text, /fix the error|ipConfig|Nothing rendered|Wukong spec/i);
    assert.match(await output(page, 'networkdata'), /^# No Wukong in the editor: the outputs are generated from a Wukong\.\n# Everything else in it is checked/);
    assert.deepEqual(problems, []);
    await page.screenshot({ path: join(OUTPUT, 'previewer-kubevirt-set.png') });
    await context.close();
  });

  test('a pasted NAD and the VM on it: warnings inside the NAD config and networkData, the NIC drawn, each admitted', async () => {
    const { context, page, problems } = await open();
    const nad = corpus('nad-blog2025-evpn-bridge.yaml');
    const text = [nad, corpus('vm-blog2025-evpn-vm1.yaml')].join('---\n');
    await paste(context, page, text);
    const config = lineOf(text, '    {');
    const gateway = lineOf(text, 'gateway4:');
    assert.deepEqual(await listed(page), [
      ['missing-ipam', 'warning', `${config}:5`],
      ['gateway-deprecated', 'warning', `${gateway}:17`],
    ]);
    const inConfig = await showInEditor(page, 0);
    assert.deepEqual([inConfig.line, inConfig.text, inConfig.markers, inConfig.underlined], [config, '    {', ['cm-lint-marker-warning'], '{']);
    const inNetworkData = await showInEditor(page, 1);
    assert.deepEqual(
      [inNetworkData.line, inNetworkData.text, inNetworkData.markers, inNetworkData.underlined],
      [gateway, '                gateway4: 192.170.1.1', ['cm-lint-marker-warning'], 'gateway4'],
    );

    assert.deepEqual(await page.locator('[data-testid="topology"] h3').allTextContents(), ['VirtualMachine default/vm-1']);
    const evpn = figure(page, 'evpn');
    assert.equal(await evpn.locator('figcaption').textContent(), 'eth0 · evpn (bridge binding, bridge NAD, static)');
    assert.match(await box(evpn, 'bridge-port').textContent(), /bridge binding.*untagged.*NAD default\/evpn/);
    assert.match(await box(evpn, 'node-bridge').textContent(), /br-hs-110.*Linux bridge, from the NAD/);
    assert.match(await box(evpn, 'physical-nic').textContent(), /unknown.*no NMState policy here/);
    assert.match(await box(evpn, 'static-address').textContent(), /192\.170\.1\.3\/24.*from networkData/);
    // The gateway4 finding is about the address box, not the NIC.
    assert.match(await box(evpn, 'static-address').getAttribute('class'), /has-warning/);
    assert.doesNotMatch(await box(evpn, 'guest-nic').getAttribute('class'), /has-/);

    const verdict = page.locator('[data-testid="policy-verdict"]');
    assert.deepEqual(await verdict.locator('.verdict-head').allTextContents(), [
      'NetworkAttachmentDefinition default/evpn: Accepted',
      'VirtualMachine default/vm-1: Accepted',
    ]);
    assert.deepEqual(
      (await verdict.locator('.verdict-warning').allTextContents()).map((w) => /\[([a-z-]+)\]$/.exec(w)?.[1]),
      ['missing-ipam', 'gateway-deprecated'],
    );
    assert.equal(await verdict.getAttribute('data-verdict'), 'accepted');
    assert.doesNotMatch(await page.locator('body').innerText(), /fix the error|ipConfig|Nothing rendered/i);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a pasted VM and its NADs: errors at the interface and inside networkData, on the boxes they are about', async () => {
    const { context, page, problems } = await open();
    const text = repoFile('tests/fixtures/manifests/vm-and-nads.yaml');
    await paste(context, page, text);
    const mv = lineOf(text, '- name: mv') + 1;
    const dhcp = lineOf(text, 'dhcp4: true');
    assert.deepEqual(await listed(page), [
      ['bridge-binding-on-macvlan', 'error', `${mv}:21`],
      ['dhcp-on-ipam-nad', 'error', `${dhcp}:24`],
    ]);
    const first = await showInEditor(page, 0);
    assert.deepEqual([first.line, first.text.trim(), first.markers], [mv, 'bridge: {}', ['cm-lint-marker-error']]);
    // The YAML reader spans an empty flow mapping by its `{` alone (src/source.rs); the
    // underline starts at the value either way.
    assert.ok(first.underlined.length > 0 && '{}'.startsWith(first.underlined), first.underlined);
    const second = await showInEditor(page, 1);
    assert.deepEqual([second.line, second.text.trim(), second.markers, second.underlined], [dhcp, 'dhcp4: true', ['cm-lint-marker-error'], 'true']);

    assert.deepEqual(await page.locator('[data-testid="topology"] h3').allTextContents(), ['VirtualMachine lab/app']);
    assert.equal(await page.locator('[data-testid="topology"] figure').count(), 3);
    const cls = (net, role) => box(figure(page, net), role).getAttribute('class');
    // The DHCP entry on a NAD that assigns the address itself, and the bridge binding on macvlan.
    assert.match(await cls('ext', 'dhcp-server'), /has-error/);
    assert.doesNotMatch(await cls('ext', 'bridge-port'), /has-error/);
    assert.match(await cls('mv', 'bridge-port'), /has-error/);
    assert.match(await box(figure(page, 'mv'), 'physical-nic').textContent(), /eth1.*macvlan master/);
    for (const role of ['guest-nic', 'bridge-port', 'node-bridge', 'physical-nic', 'no-ip']) {
      assert.doesNotMatch(await cls('sh', role), /has-(error|warning)/, role);
    }
    assert.match(await box(figure(page, 'sh'), 'bridge-port').textContent(), /NAD default\/shared/);
    assert.doesNotMatch(await page.locator('[data-testid="topology"]').innerText(), /fix the error/i);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a VM whose networkData matches a MAC no interface pins: mac-not-pinned on that line', async () => {
    const { context, page, problems } = await open();
    const text = repoFile('web-demo/src/presets/broken-vm-unpinned-mac.yaml');
    await paste(context, page, text);
    assert.equal(await page.locator('[data-testid="preset"]').inputValue(), 'broken-vm-unpinned-mac');
    const mac = lineOf(text, 'macaddress: "02:00:00:aa:bb:01"');
    assert.deepEqual(await listed(page), [['mac-not-pinned', 'error', `${mac}:27`]]);
    const shown = await showInEditor(page, 0);
    assert.equal(shown.line, mac);
    assert.equal(shown.text, '              macaddress: "02:00:00:aa:bb:01"');
    assert.deepEqual(shown.markers, ['cm-lint-marker-error']);
    assert.equal(shown.underlined, '"02:00:00:aa:bb:01"');
    assert.match(await page.locator('[data-testid="diagnostics"] li.error').textContent(), /hint: set `macAddress: "02:00:00:aa:bb:01"` on the interface/);
    // The ptp NIC: its NAD is in the editor, and no networkData entry reaches it.
    const ptp = figure(page, 'ptp');
    assert.equal(await ptp.locator('figcaption').textContent(), 'eth1 · ptp (bridge binding, ptp NAD, not in networkData)');
    assert.match(await box(ptp, 'physical-nic').textContent(), /CNI plugin.*ptp/);
    assert.match(await box(ptp, 'no-ip').textContent(), /no networkData entry/);
    assert.match(await output(page, 'vm'), /^# No Wukong in the editor, or none that reads \(1 error, see Diagnostics\)/);
    assert.doesNotMatch(await page.locator('[data-testid="topology"]').innerText(), /fix the error/i);
    // The policy answers for each object: the NAD passes, the VMI is rejected for the MAC.
    const heads = await page.locator('[data-testid="policy-verdict"] .verdict-head').allTextContents();
    assert.deepEqual(heads, ['NetworkAttachmentDefinition default/ptp-conf: Accepted', 'VirtualMachineInstance default/vmi-multus-multiple-net: Rejected (HTTP 400)']);
    assert.match(await page.locator('[data-testid="policy-verdict"] .verdict-message').textContent(), /networkData\.ethernets\.eth1\.match\.macaddress: .*\[mac-not-pinned\]/);

    // Following the hint, as a user types it: the entry now configures the ptp NIC, drawn with
    // that MAC and DHCP.
    await page.locator('.cm-line', { hasText: /^ {8}name: ptp$/ }).click();
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('macAddress: "02:00:00:aa:bb:01"');
    await page.waitForFunction(() => !document.querySelector('[data-testid="diagnostics"]').textContent.includes('mac-not-pinned'));
    assert.equal(await ptp.locator('figcaption').textContent(), 'eth1 · ptp (bridge binding, ptp NAD, dhcp)');
    assert.match(await box(ptp, 'guest-nic').textContent(), /eth1.*02:00:00:aa:bb:01/);
    // ...where the next mistake shows: DHCP on a NAD whose IPAM assigns the address itself.
    const dhcp = lineOf(text, 'dhcp4: true', lineOf(text, '          eth1:')) + 1;
    assert.deepEqual(await listed(page), [['dhcp-on-ipam-nad', 'error', `${dhcp}:20`]]);
    assert.match(await box(ptp, 'dhcp-server').getAttribute('class'), /has-error/);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a share URL opened in a new page restores the editor, the settings and the tab', async () => {
    const { context, page, problems } = await open();
    await choosePreset(page, 'static');
    await page.locator('.cm-line', { hasText: 'memory: 4Gi' }).click();
    await page.keyboard.press('End');
    await page.keyboard.type(' # shared ✓ 😀');
    await page.fill('#settings', 'allowStaticIp: false\n');
    await page.click('[role="tab"][data-tab="nncp"]');
    await page.click('[data-testid="share"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="share-url"]').value.includes('#s='));
    const shared = await page.inputValue('[data-testid="share-url"]');
    const text = await editorText(page);
    assert.match(text, /memory: 4Gi # shared ✓ 😀/);
    assert.equal(await page.locator('[data-testid="preset"] option:checked').textContent(), 'Your edits');

    const other = await open(shared);
    assert.equal(await editorText(other.page), text);
    assert.equal(await other.page.inputValue('#settings'), 'allowStaticIp: false\n');
    assert.equal(await other.page.locator('[data-panel="nncp"]').isVisible(), true);
    const verdict = other.page.locator('[data-testid="policy-verdict"]');
    assert.match(await verdict.textContent(), /Rejected \(HTTP 400\).*static-ip-not-allowed/s);
    assert.deepEqual(problems, []);
    assert.deepEqual(other.problems, []);
    await other.page.screenshot({ path: join(OUTPUT, 'previewer-shared.png') });
    await other.context.close();
    await context.close();
  });

  test('the policy panel follows its settings', async () => {
    const { context, page, problems } = await open();
    const verdict = page.locator('[data-testid="policy-verdict"]');
    assert.equal(await verdict.getAttribute('data-verdict'), 'accepted');
    await page.fill('#settings', 'allowedBridges: [br-lab]');
    assert.equal(await verdict.getAttribute('data-verdict'), 'rejected');
    assert.match(await verdict.textContent(), /bridge-not-allowed/);
    await page.fill('#settings', 'allowedBridges: [br-lab]\ntreatAsWarnings: [bridge-not-allowed]');
    assert.equal(await verdict.getAttribute('data-verdict'), 'accepted');
    assert.match(await verdict.textContent(), /warning: .*bridge-not-allowed/);
    await page.fill('#settings', 'allowedBridgez: []');
    assert.equal(await verdict.getAttribute('data-verdict'), 'invalid-settings');
    assert.match(await verdict.textContent(), /did you mean `allowedBridges`/);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('copy and download give the output text', async () => {
    const { context, page, problems } = await open(url, { acceptDownloads: true });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url });
    await page.click('[data-copy="networkdata"]');
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), await output(page, 'networkdata'));
    await page.click('[role="tab"][data-tab="nad"]');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-download="nad"]')]);
    assert.equal(download.suggestedFilename(), 'network-attachment-definitions.yaml');
    assert.equal(readFileSync(await download.path(), 'utf8'), await output(page, 'nad'));
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('dark mode follows the system and can be toggled; editing works offline', async () => {
    const { context, page, problems } = await open(url, { colorScheme: 'dark' });
    const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
    assert.equal(await theme(), 'dark');
    assert.equal(await page.locator('.cm-editor').evaluate((e) => getComputedStyle(e).backgroundColor), 'rgb(40, 44, 52)');
    await choosePreset(page, 'broken-typos');
    await page.screenshot({ path: join(OUTPUT, 'previewer-dark.png') });
    await page.click('#theme');
    assert.equal(await theme(), 'light');
    await page.emulateMedia({ colorScheme: 'dark' });
    assert.equal(await theme(), 'light', 'an explicit choice wins over the system');
    // Once loaded, nothing needs the network.
    await context.setOffline(true);
    await choosePreset(page, 'static');
    assert.match(await output(page, 'networkdata'), /192\.168\.0\.200\/24/);
    assert.deepEqual(problems, []);
    await context.close();
  });
  test('a safe fix from the list: the text changes exactly there, the finding goes, Ctrl+Z restores both; the tooltip offers it too', async () => {
    const { context, page, problems } = await open();
    await choosePreset(page, 'broken-vm-unpinned-mac');
    const before = await editorDoc(context, page);
    assert.equal(before, repoFile('web-demo/src/presets/broken-vm-unpinned-mac.yaml'));
    const title = 'pin macAddress "02:00:00:aa:bb:01" on interface `ptp`';
    const mac = lineOf(before, 'macaddress: "02:00:00:aa:bb:01"');
    assert.deepEqual(await listed(page), [['mac-not-pinned', 'error', `${mac}:27`]]);
    assert.deepEqual(await fixButtons(page, 0), [[title, 'safe', title]]);
    assert.equal(await page.locator('[data-testid="fix-all"]').isVisible(), true);

    // The fix inserts one line under the ptp interface and changes nothing else.
    const at = '      - bridge: {}\n        name: ptp\n';
    assert.equal(before.split(at).length, 2);
    const fixed = before.replace(at, `${at}        macAddress: "02:00:00:aa:bb:01"\n`);
    await clickAndRender(page, page.locator('[data-testid="diagnostics"] li button.fix'));
    assert.equal(await editorDoc(context, page), fixed);
    // The finding is gone; the next one shows (DHCP on a NAD whose IPAM assigns the address).
    const dhcp = lineOf(fixed, 'dhcp4: true', lineOf(fixed, '          eth1:'));
    assert.deepEqual(await listed(page), [['dhcp-on-ipam-nad', 'error', `${dhcp}:20`]]);
    assert.equal(await page.locator('[data-testid="preset"] option:checked').textContent(), 'Your edits');
    assert.match(await box(figure(page, 'ptp'), 'guest-nic').textContent(), /eth1.*02:00:00:aa:bb:01/);

    // One Ctrl+Z takes the whole fix back: the text, the finding, the preset.
    await page.locator('.cm-content').focus();
    await pressAndRender(page, 'Control+z');
    assert.equal(await editorDoc(context, page), before);
    assert.deepEqual(await listed(page), [['mac-not-pinned', 'error', `${mac}:27`]]);
    assert.equal(await page.locator('[data-testid="preset"]').inputValue(), 'broken-vm-unpinned-mac');

    // The editor's tooltip on the underlined MAC offers the same fix, and applies it the same.
    await page.locator('.cm-lintRange-error').hover();
    const action = page.locator('.cm-tooltip-lint .cm-diagnosticAction');
    await action.waitFor();
    assert.deepEqual(await action.allTextContents(), [title]);
    await page.screenshot({ path: join(OUTPUT, 'previewer-fix-tooltip.png') });
    await clickAndRender(page, action);
    assert.equal(await editorDoc(context, page), fixed);
    await page.locator('.cm-content').focus();
    await pressAndRender(page, 'Control+z');
    assert.equal(await editorDoc(context, page), before);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('Fix all applies every safe fix in one transaction (one Ctrl+Z undoes it); unsafe fixes are marked and left to the user', async () => {
    const { context, page, problems } = await open();
    const text = [corpus('nad-blog2025-evpn-bridge.yaml'), corpus('vm-blog2025-evpn-vm1.yaml')].join('---\n');
    await paste(context, page, text);
    assert.deepEqual((await listed(page)).map(([code]) => code), ['missing-ipam', 'gateway-deprecated']);
    assert.deepEqual((await fixButtons(page, 0)).map(([t, safety]) => [t, safety]), [['add "ipam": {}', 'safe']]);
    assert.deepEqual((await fixButtons(page, 1)).map(([t, safety]) => [t, safety]), [['replace `gateway4` with a route to 0.0.0.0/0 via 192.170.1.1', 'safe']]);
    const fixAll = page.locator('[data-testid="fix-all"]');
    assert.equal(await fixAll.textContent(), 'Fix all');

    await clickAndRender(page, fixAll);
    const gateway = '                gateway4: 192.170.1.1\n';
    assert.equal(text.split(gateway).length, 2);
    const fixed = text
      .replace('"disableContainerInterface": true\n', '"disableContainerInterface": true, "ipam": {}\n')
      .replace(gateway, '                routes: [{"to":"0.0.0.0/0","via":"192.170.1.1"}]\n');
    assert.notEqual(fixed, text);
    assert.equal(await editorDoc(context, page), fixed);
    assert.deepEqual(await listed(page), []);
    assert.equal(await fixAll.isVisible(), false, 'nothing left to fix');
    // The address box the gateway4 warning outlined is clear now.
    const address = box(figure(page, 'evpn'), 'static-address');
    assert.match(await address.textContent(), /192\.170\.1\.3\/24.*from networkData/);
    assert.doesNotMatch(await address.getAttribute('class'), /has-warning/);

    await page.locator('.cm-content').focus();
    await pressAndRender(page, 'Control+z');
    assert.equal(await editorDoc(context, page), text);
    assert.deepEqual((await listed(page)).map(([code]) => code), ['missing-ipam', 'gateway-deprecated']);

    // Two repairs of one finding, neither safe: both offered, marked, and not in Fix all.
    await choosePreset(page, 'broken-dhcp-address');
    const preset = repoFile('web-demo/src/presets/broken-dhcp-address.yaml');
    const codes = (await listed(page)).map(([code]) => code);
    const i = codes.indexOf('dhcp-with-address');
    assert.deepEqual(await fixButtons(page, i), [
      ['remove `address`', 'unsafe', 'remove `address` unsafe'],
      ['set `mode: static`', 'unsafe', 'set `mode: static` unsafe'],
    ]);
    assert.equal(await fixAll.isVisible(), false);
    await page.locator('[data-testid="diagnostics"] li').nth(i).locator('button.fix').last().scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(OUTPUT, 'previewer-fixes.png') });
    await clickAndRender(page, page.locator('[data-testid="diagnostics"] li').nth(i).locator('button.fix', { hasText: 'set `mode: static`' }));
    assert.equal(await editorDoc(context, page), preset.replace('        mode: dhcp\n', '        mode: "static"\n'));
    assert.ok(!(await listed(page)).some(([code]) => code === 'dhcp-with-address'));
    await page.locator('.cm-content').focus();
    await pressAndRender(page, 'Control+z');
    assert.equal(await editorDoc(context, page), preset);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
