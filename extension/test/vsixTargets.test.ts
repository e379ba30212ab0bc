// The check `make package` runs on every VSIX it builds (scripts/vsixTargets.ts): the manifest's
// target, and each compiled file's machine and CPython, on hand-made ELF, Mach-O and PE headers.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import {
  BUNDLED_VERSIONS,
  binaryKind,
  hostTarget,
  manifestTarget,
  targetOfFileName,
  targetProblems,
  type PackedFile,
  type VsixTarget,
} from '../scripts/vsixTargets';

const X86_64 = { elf: 62, macho: 0x01000007, pe: 0x8664 };
const ARM64 = { elf: 183, macho: 0x0100000c, pe: 0xaa64 };

function elf(machine: number): Buffer {
  const bytes = Buffer.alloc(64);
  bytes.writeUInt32BE(0x7f454c46, 0);
  bytes[4] = 2; // 64-bit
  bytes[5] = 1; // little-endian
  bytes.writeUInt16LE(machine, 18);
  return bytes;
}

function machO(cpuType: number): Buffer {
  const bytes = Buffer.alloc(32);
  bytes.writeUInt32LE(0xfeedfacf, 0);
  bytes.writeUInt32LE(cpuType, 4);
  return bytes;
}

function universal(...cpuTypes: number[]): Buffer {
  const bytes = Buffer.alloc(8 + 20 * cpuTypes.length);
  bytes.writeUInt32BE(0xcafebabe, 0);
  bytes.writeUInt32BE(cpuTypes.length, 4);
  cpuTypes.forEach((cpu, index) => bytes.writeUInt32BE(cpu, 8 + index * 20));
  return bytes;
}

function pe(machine: number): Buffer {
  const bytes = Buffer.alloc(0x100);
  bytes.write('MZ', 0, 'latin1');
  bytes.writeUInt32LE(0x80, 0x3c);
  bytes.write('PE\0\0', 0x80, 'latin1');
  bytes.writeUInt16LE(machine, 0x84);
  return bytes;
}

const manifest = (target: string) =>
  `<?xml version="1.0"?><PackageManifest><Metadata><Identity Language="en-US" Id="aicmo" Version="0.1.0" Publisher="aicmo" TargetPlatform="${target}"/></Metadata></PackageManifest>`;

const nodot = (version: string) => version.replace('.', '');
const libs = (version: string, file: string) => `extension/bundled/libs/py${version}/${file}`;
const PURE: PackedFile[] = [
  { path: 'extension/package.json', bytes: Buffer.from('{}') },
  { path: 'extension/bundled/libs/common/aicmo_core/__init__.py', bytes: Buffer.from('"""aicmo"""\n') },
];

/** The compiled modules of a VSIX for each bundled version: regex and jiter, named and built as `name` and `bytes` say. */
function modules(name: (version: string, module: string) => string, bytes: Buffer): PackedFile[] {
  return BUNDLED_VERSIONS.flatMap((version) => ['regex/_regex', 'jiter/jiter'].map((module) => ({ path: libs(version, name(version, module)), bytes })));
}

const linuxX64 = modules((v, m) => `${m}.cpython-${nodot(v)}-x86_64-linux-gnu.so`, elf(X86_64.elf));
const linuxArm64 = modules((v, m) => `${m}.cpython-${nodot(v)}-aarch64-linux-gnu.so`, elf(ARM64.elf));
const darwinArm64 = modules((v, m) => `${m}.cpython-${nodot(v)}-darwin.so`, machO(ARM64.macho));
const darwinX64 = modules((v, m) => `${m}.cpython-${nodot(v)}-darwin.so`, machO(X86_64.macho));
const win32X64 = modules((v, m) => `${m}.cp${nodot(v)}-win_amd64.pyd`, pe(X86_64.pe));

const check = (target: VsixTarget, files: PackedFile[], manifestTargetName: string = target) =>
  targetProblems(target, manifest(manifestTargetName), [...PURE, ...files]);

describe('binaryKind', () => {
  test('reads the machine of ELF, Mach-O, universal Mach-O and PE headers', () => {
    assert.deepEqual(binaryKind(elf(X86_64.elf)), { format: 'elf', machines: ['x86-64'] });
    assert.deepEqual(binaryKind(elf(ARM64.elf)), { format: 'elf', machines: ['arm64'] });
    assert.deepEqual(binaryKind(machO(ARM64.macho)), { format: 'mach-o', machines: ['arm64'] });
    assert.deepEqual(binaryKind(universal(X86_64.macho, ARM64.macho)), { format: 'mach-o', machines: ['x86-64', 'arm64'] });
    assert.deepEqual(binaryKind(pe(X86_64.pe)), { format: 'pe', machines: ['x86-64'] });
    assert.deepEqual(binaryKind(pe(ARM64.pe)), { format: 'pe', machines: ['arm64'] });
    assert.deepEqual(binaryKind(elf(3)), { format: 'elf', machines: ['other'] }); // i386
  });

  test('text, an empty file and a truncated header are not binaries', () => {
    assert.equal(binaryKind(Buffer.from('import sys\n')), undefined);
    assert.equal(binaryKind(Buffer.alloc(0)), undefined);
    assert.equal(binaryKind(Buffer.from('MZ')), undefined);
  });

  test("reads this machine's own node executable", { skip: hostTarget(process.platform, process.arch) !== 'linux-x64' }, () => {
    assert.deepEqual(binaryKind(readFileSync(process.execPath).subarray(0, 4096)), { format: 'elf', machines: ['x86-64'] });
  });
});

describe('targetProblems', () => {
  test('a VSIX with every module for its machine and each CPython has no problem', () => {
    assert.deepEqual(check('linux-x64', linuxX64), []);
    assert.deepEqual(check('linux-arm64', linuxArm64), []);
    assert.deepEqual(check('darwin-x64', darwinX64), []);
    assert.deepEqual(check('darwin-arm64', darwinArm64), []);
    assert.deepEqual(check('win32-x64', win32X64), []);
  });

  test('a universal macOS module serves both Mac targets', () => {
    const fat = modules((v, m) => `${m}.cpython-${nodot(v)}-darwin.so`, universal(X86_64.macho, ARM64.macho));
    assert.deepEqual(check('darwin-x64', fat), []);
    assert.deepEqual(check('darwin-arm64', fat), []);
  });

  test("another machine's binaries are named, file by file", () => {
    const problems = check('darwin-arm64', darwinX64);
    assert.equal(problems.length, 10);
    assert.equal(problems[0], 'extension/bundled/libs/py3.10/regex/_regex.cpython-310-darwin.so: built for mach-o x86-64, not darwin-arm64');
    assert.equal(check('linux-x64', linuxArm64)[0], 'extension/bundled/libs/py3.10/regex/_regex.cpython-310-aarch64-linux-gnu.so: built for elf arm64, not linux-x64');
  });

  test('the manifest must name the target', () => {
    assert.deepEqual(check('win32-x64', win32X64, 'linux-x64'), ["the manifest's TargetPlatform is linux-x64, not win32-x64"]);
    assert.deepEqual(targetProblems('win32-x64', '<Identity Id="aicmo"/>', [...PURE, ...win32X64]), ["the manifest's TargetPlatform is missing, not win32-x64"]);
  });

  test("a module built for another CPython than its folder's", () => {
    const files = linuxX64.map((file) =>
      file.path === libs('3.12', 'regex/_regex.cpython-312-x86_64-linux-gnu.so') ? { ...file, path: libs('3.12', 'regex/_regex.cpython-311-x86_64-linux-gnu.so') } : file,
    );
    assert.deepEqual(check('linux-x64', files), [
      'extension/bundled/libs/py3.12/regex/_regex.cpython-311-x86_64-linux-gnu.so: not named for CPython 3.12 on linux-x64 (expected *.cpython-312-x86_64-linux-gnu.so)',
    ]);
  });

  test('a missing version folder, and a module one version lacks', () => {
    const without314 = win32X64.filter((file) => !file.path.includes('/py3.14/'));
    assert.deepEqual(check('win32-x64', without314), ['no bundled/libs/py3.14 (CPython 3.14)']);
    const without313Jiter = win32X64.filter((file) => !file.path.startsWith(libs('3.13', 'jiter/')));
    assert.deepEqual(check('win32-x64', without313Jiter), ['py3.13 lacks the compiled module jiter/jiter']);
  });

  test('common may hold stable-ABI modules only', () => {
    const abi3 = { path: 'extension/bundled/libs/common/fastthing/_speed.abi3.so', bytes: elf(X86_64.elf) };
    assert.deepEqual(check('linux-x64', [...linuxX64, abi3]), []);
    const pinned = { path: 'extension/bundled/libs/common/fastthing/_speed.cpython-312-x86_64-linux-gnu.so', bytes: elf(X86_64.elf) };
    assert.deepEqual(check('linux-x64', [...linuxX64, pinned]), [`${pinned.path}: a version-specific module in common`]);
    const pinnedPyd = { path: 'extension/bundled/libs/common/fastthing/_speed.cp312-win_amd64.pyd', bytes: pe(X86_64.pe) };
    assert.deepEqual(check('win32-x64', [...win32X64, pinnedPyd]), [`${pinnedPyd.path}: a version-specific module in common`]);
  });

  test('a module that is not a binary, a Linux module in the Windows VSIX, a stray libs folder', () => {
    const text = { path: libs('3.10', 'fake/_fake.cp310-win_amd64.pyd'), bytes: Buffer.from('not a binary') };
    const linuxInWindows = { path: libs('3.11', 'regex/_regex.cpython-311-x86_64-linux-gnu.so'), bytes: elf(X86_64.elf) };
    const stray = { path: 'extension/bundled/libs/py3/x.py', bytes: Buffer.from('') };
    const problems = check('win32-x64', [...win32X64, text, linuxInWindows, stray]);
    assert.deepEqual(problems.slice(0, 3), [
      `${text.path}: not a compiled module`,
      `${linuxInWindows.path}: built for elf x86-64, not win32-x64`,
      `${stray.path}: neither a pyX.Y folder nor common`,
    ]);
  });
});

describe('names', () => {
  test('the target of a VSIX file name, and of this machine', () => {
    assert.equal(targetOfFileName('aicmo-darwin-arm64-0.1.0.vsix'), 'darwin-arm64');
    assert.equal(targetOfFileName('aicmo-win32-x64-0.1.0.vsix'), 'win32-x64');
    assert.equal(targetOfFileName('aicmo-0.1.0.vsix'), undefined);
    assert.equal(hostTarget('linux', 'x64'), 'linux-x64');
    assert.equal(hostTarget('win32', 'arm64'), undefined);
    assert.equal(manifestTarget(manifest('linux-arm64')), 'linux-arm64');
  });
});
