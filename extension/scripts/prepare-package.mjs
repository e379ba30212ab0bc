// Runs before `vsce package` (the `vscode:prepublish` script): copies the files the VSIX ships from
// the repository, which stays their source, and checks that the bundled Python libraries are there
// (scripts/package_targets.py puts each target's in bundled/libs in turn).
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const extension = join(dirname(fileURLToPath(import.meta.url)), '..');
const repo = join(extension, '..');

const copies = [
  ['benchmarks/schema.json', 'generated/benchmarks.schema.json'],
  ['examples/failing/quick_social_basic.md', 'generated/example-report.md'],
];
for (const [from, to] of copies) {
  mkdirSync(dirname(join(extension, to)), { recursive: true });
  copyFileSync(join(repo, from), join(extension, to));
}

const libs = join(extension, 'bundled', 'libs');
const versions = existsSync(libs) ? readdirSync(libs).filter((name) => /^py\d+\.\d+$/.test(name)) : [];
if (versions.length === 0) {
  console.error('extension/bundled/libs/pyX.Y is missing: build the VSIX with `make package` from the repository root.');
  process.exit(1);
}
// Byte code written by a local run of the bundled server is for one machine; keep it out of the VSIX.
const pycache = (dir) => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      const child = join(dir, entry.name);
      if (entry.name === '__pycache__') rmSync(child, { recursive: true });
      else pycache(child);
    }
  }
};
pycache(libs);
console.log(`bundled server libraries for ${versions.sort().join(', ')}`);
