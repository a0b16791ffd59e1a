// Shared by the package tests: packs pkg/ with `npm pack` (what we would publish), installs the
// tarball into a fresh temporary project, and runs scripts there, so the package is resolved
// through its own `exports` exactly as a user's project would resolve it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../../../', import.meta.url));
export const pkgDir = process.env.WUKONG_NET_PKG ?? join(root, 'pkg');
export const fixture = (name) => readFileSync(join(root, 'tests/fixtures', name), 'utf8');

/** Packs and installs the package; returns the project directory and a cleanup function. */
export function installPackedPackage() {
  if (!existsSync(join(pkgDir, 'package.json'))) {
    throw new Error(`no npm package in ${pkgDir}: build it first with bindings/wasm/build.sh (make npm)`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'wukong-net-pkg-'));
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: pkgDir, encoding: 'utf8' }),
  );
  const project = join(dir, 'project');
  execFileSync('mkdir', ['-p', project]);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', join(dir, packed.filename)], {
    cwd: project,
    stdio: 'pipe',
  });
  return { project, packed, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs `source` as a file of the given extension inside the project; returns its stdout. */
export function runIn(project, ext, source, input = '') {
  const file = join(project, `script-${Math.random().toString(36).slice(2)}.${ext}`);
  writeFileSync(file, source);
  return execFileSync(process.execPath, [file], { cwd: project, encoding: 'utf8', input, maxBuffer: 64 << 20 });
}
