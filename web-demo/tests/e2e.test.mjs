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
    await item.locator('button').click();
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
    assert.match(await page.locator('[data-testid="topology"]').textContent(), /No Wukong loaded/);
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
});
