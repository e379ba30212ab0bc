// What a VSIX for one VS Code target must hold: its manifest names that target, and every compiled
// file inside is built for that target's machine and, per bundled/libs/pyX.Y folder, for that CPython.
// Pure (Buffers in, problems out), so node:test covers it with hand-made headers; smoke-vsix.ts runs
// it on the real files of every VSIX that `make package` builds.

export const VSIX_TARGETS = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64'] as const;
export type VsixTarget = (typeof VSIX_TARGETS)[number];

/** The CPython versions each VSIX bundles (DEFAULT_VERSIONS in scripts/bundle_python.py). */
export const BUNDLED_VERSIONS = ['3.10', '3.11', '3.12', '3.13', '3.14'] as const;

/** The largest VSIX we ship: marketplaces and corporate proxies refuse bigger downloads. */
export const MAX_VSIX_BYTES = 40 * 1024 * 1024;

type Machine = 'x86-64' | 'arm64' | 'other';
type BinaryFormat = 'elf' | 'mach-o' | 'pe';

interface TargetFacts {
  format: BinaryFormat;
  machine: Machine;
  /** The file name suffix of an extension module for CPython `nodot` (`312`). */
  moduleSuffix: (nodot: string) => string;
  /** The suffix of a stable-ABI module, which any CPython from its minimum on loads. */
  abi3Suffix: string;
}

const TARGET_FACTS: Record<VsixTarget, TargetFacts> = {
  'linux-x64': { format: 'elf', machine: 'x86-64', moduleSuffix: (v) => `.cpython-${v}-x86_64-linux-gnu.so`, abi3Suffix: '.abi3.so' },
  'linux-arm64': { format: 'elf', machine: 'arm64', moduleSuffix: (v) => `.cpython-${v}-aarch64-linux-gnu.so`, abi3Suffix: '.abi3.so' },
  'darwin-x64': { format: 'mach-o', machine: 'x86-64', moduleSuffix: (v) => `.cpython-${v}-darwin.so`, abi3Suffix: '.abi3.so' },
  'darwin-arm64': { format: 'mach-o', machine: 'arm64', moduleSuffix: (v) => `.cpython-${v}-darwin.so`, abi3Suffix: '.abi3.so' },
  'win32-x64': { format: 'pe', machine: 'x86-64', moduleSuffix: (v) => `.cp${v}-win_amd64.pyd`, abi3Suffix: '.pyd' },
};

export interface BinaryKind {
  format: BinaryFormat;
  /** The machines a file runs on: one, or several for a macOS universal ("fat") file. */
  machines: Machine[];
}

const ELF_MACHINES: Record<number, Machine> = { 62: 'x86-64', 183: 'arm64' };
const MACHO_CPU_TYPES: Record<number, Machine> = { 0x01000007: 'x86-64', 0x0100000c: 'arm64' };
const PE_MACHINES: Record<number, Machine> = { 0x8664: 'x86-64', 0xaa64: 'arm64' };

/** What kind of executable `bytes` is (ELF, Mach-O, PE) and for which machines; undefined for other files. */
export function binaryKind(bytes: Buffer): BinaryKind | undefined {
  if (bytes.length >= 20 && bytes.readUInt32BE(0) === 0x7f454c46) {
    const machine = bytes[5] === 2 ? bytes.readUInt16BE(18) : bytes.readUInt16LE(18);
    return { format: 'elf', machines: [ELF_MACHINES[machine] ?? 'other'] };
  }
  if (bytes.length >= 8 && bytes.readUInt32LE(0) === 0xfeedfacf) {
    return { format: 'mach-o', machines: [MACHO_CPU_TYPES[bytes.readUInt32LE(4)] ?? 'other'] };
  }
  if (bytes.length >= 8 && bytes.readUInt32BE(0) === 0xcafebabe) {
    const count = bytes.readUInt32BE(4);
    const machines: Machine[] = [];
    for (let index = 0; index < count && 8 + index * 20 + 4 <= bytes.length; index++) {
      machines.push(MACHO_CPU_TYPES[bytes.readUInt32BE(8 + index * 20)] ?? 'other');
    }
    return { format: 'mach-o', machines };
  }
  if (bytes.length >= 0x40 && bytes.toString('latin1', 0, 2) === 'MZ') {
    const header = bytes.readUInt32LE(0x3c);
    if (header + 6 <= bytes.length && bytes.toString('latin1', header, header + 4) === 'PE\0\0') {
      return { format: 'pe', machines: [PE_MACHINES[bytes.readUInt16LE(header + 4)] ?? 'other'] };
    }
  }
  return undefined;
}

/** The target named by the VSIX manifest's `<Identity TargetPlatform="...">`, if any. */
export function manifestTarget(manifestXml: string): string | undefined {
  return /<Identity\b[^>]*\bTargetPlatform="([^"]+)"/.exec(manifestXml)?.[1];
}

export interface PackedFile {
  /** The path inside the VSIX, with `/`: `extension/bundled/libs/py3.12/regex/_regex....so`. */
  path: string;
  /** Its first bytes (at least the first 4 KB, or all of a smaller file): enough for its header. */
  bytes: Buffer;
}

const LIBS = 'extension/bundled/libs/';
const MODULE = /\.(so|pyd)$/;

function moduleName(fileName: string): string {
  return fileName.replace(/\.(cpython-\d+[^.]*|cp\d+-[^.]+|abi3)?\.(so|pyd)$/, '');
}

/** Why one file does not belong in the VSIX for `target`, if it does not. */
function fileProblem(file: PackedFile, target: VsixTarget): string | undefined {
  const facts = TARGET_FACTS[target];
  const kind = binaryKind(file.bytes);
  const isModule = MODULE.test(file.path);
  if (kind === undefined) {
    return isModule ? `${file.path}: not a compiled module` : undefined;
  }
  if (kind.format !== facts.format || !kind.machines.includes(facts.machine)) {
    return `${file.path}: built for ${kind.format} ${kind.machines.join('+')}, not ${target}`;
  }
  if (!isModule) {
    return undefined; // a shared library a module loads: its machine is what matters
  }
  const folder = /^extension\/bundled\/libs\/(py(\d+)\.(\d+)|common)\//.exec(file.path);
  const fileName = file.path.slice(file.path.lastIndexOf('/') + 1);
  if (folder === null) {
    return `${file.path}: a compiled module outside bundled/libs`;
  }
  if (folder[1] === 'common') {
    return fileName.endsWith(facts.abi3Suffix) && !/\.cp\d+-/.test(fileName) ? undefined : `${file.path}: a version-specific module in common`;
  }
  const suffix = facts.moduleSuffix(`${folder[2]}${folder[3]}`);
  return fileName.endsWith(suffix) || (fileName.endsWith(facts.abi3Suffix) && !/\.cp(ython-)?\d+/.test(fileName))
    ? undefined
    : `${file.path}: not named for CPython ${folder[2]}.${folder[3]} on ${target} (expected *${suffix})`;
}

/**
 * Everything wrong with the files of a VSIX for `target`: a manifest for another target, a missing
 * version folder, a compiled file for another machine or CPython, a module some version lacks.
 */
export function targetProblems(target: VsixTarget, manifestXml: string, files: readonly PackedFile[]): string[] {
  const problems: string[] = [];
  const named = manifestTarget(manifestXml);
  if (named !== target) {
    problems.push(`the manifest's TargetPlatform is ${named ?? 'missing'}, not ${target}`);
  }
  const modulesByVersion = new Map<string, Set<string>>(BUNDLED_VERSIONS.map((version) => [version, new Set<string>()]));
  const present = new Set<string>();
  for (const file of files) {
    const problem = fileProblem(file, target);
    if (problem !== undefined) {
      problems.push(problem);
    }
    const version = /^extension\/bundled\/libs\/py(\d+\.\d+)\/(.*)$/.exec(file.path);
    if (version !== null) {
      present.add(version[1]!);
      if (MODULE.test(file.path)) {
        modulesByVersion.get(version[1]!)?.add(moduleName(version[2]!));
      }
    } else if (file.path.startsWith(LIBS) && !file.path.startsWith(`${LIBS}common/`)) {
      problems.push(`${file.path}: neither a pyX.Y folder nor common`);
    }
  }
  const everyModule = new Set([...modulesByVersion.values()].flatMap((modules) => [...modules]));
  for (const version of BUNDLED_VERSIONS) {
    if (!present.has(version)) {
      problems.push(`no bundled/libs/py${version} (CPython ${version})`);
      continue;
    }
    for (const module of everyModule) {
      if (!modulesByVersion.get(version)!.has(module)) {
        problems.push(`py${version} lacks the compiled module ${module}`);
      }
    }
  }
  return problems;
}

/** The target a VSIX file name says it is for: `aicmo-darwin-arm64-0.1.0.vsix` → darwin-arm64. */
export function targetOfFileName(fileName: string): VsixTarget | undefined {
  return VSIX_TARGETS.find((target) => fileName.includes(`-${target}-`));
}

/** This machine's target, as VS Code names it, when it is one we build. */
export function hostTarget(platform: string, arch: string): VsixTarget | undefined {
  return VSIX_TARGETS.find((target) => target === `${platform}-${arch}`);
}
