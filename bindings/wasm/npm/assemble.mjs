// Completes the npm package in OUT_DIR (argv[2]), where wasm-bindgen has just written its glue:
// copies the entries and the README, and writes package.json with the version the compiled
// module reports, so the package can never claim another version than the code inside it.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const out = process.argv[2];
const here = new URL('.', import.meta.url).pathname;
for (const file of ['api.js', 'index.js', 'node.js', 'index.d.ts', 'README.md']) {
  copyFileSync(join(here, file), join(out, file));
}
const { version } = await import(join(out, 'node.js'));
const manifest = JSON.parse(readFileSync(join(here, 'package.template.json'), 'utf8'));
const pkg = { name: manifest.name, version: version(), ...manifest };
writeFileSync(join(out, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
console.log(`wukong-net ${pkg.version} assembled in ${out}`);
