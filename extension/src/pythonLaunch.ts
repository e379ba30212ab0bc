// Choosing how to start the language server: which interpreter to try, what its probe says, and
// which bundled library folder goes on PYTHONPATH. Pure (only node:path), so node:test covers it.

import * as path from 'node:path';

export interface PythonVersion {
  major: number;
  minor: number;
}

/** The oldest Python the server supports (pyproject.toml: requires-python >= 3.10). */
export const MIN_PYTHON: PythonVersion = { major: 3, minor: 10 };

/** Where an interpreter candidate came from, in the order they are tried. */
export type InterpreterSource = 'setting' | 'python-extension' | 'path';

export interface InterpreterCandidate {
  command: string;
  source: InterpreterSource;
}

/**
 * Printed by `python -c PROBE_SCRIPT`: the version as `sys.version_info[:2]` prints it, e.g. `(3, 11)`,
 * then whether the interpreter imports `aicmo_lsp` on its own (a user's own install).
 */
export const PROBE_SCRIPT = [
  'import importlib.util, sys',
  'print(sys.version_info[:2])',
  'print(importlib.util.find_spec("aicmo_lsp") is not None)',
].join('\n');

export interface ProbeResult {
  version: PythonVersion;
  hasOwnServer: boolean;
}

/** `(3, 11)`, `3.11`, `3.11.7` or `Python 3.11.7` → {major: 3, minor: 11}. */
export function parsePythonVersion(output: string): PythonVersion | undefined {
  const match = /\(\s*(\d+)\s*,\s*(\d+)\s*\)|(?:^|\s|Python\s+)(\d+)\.(\d+)/.exec(output.trim());
  if (!match) {
    return undefined;
  }
  const major = Number(match[1] ?? match[3]);
  const minor = Number(match[2] ?? match[4]);
  return Number.isInteger(major) && Number.isInteger(minor) ? { major, minor } : undefined;
}

/** The probe's stdout → version and own-install flag; undefined when it is not the probe's output. */
export function parseProbeOutput(stdout: string): ProbeResult | undefined {
  const lines = stdout
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const version = lines[0] === undefined ? undefined : parsePythonVersion(lines[0]);
  if (version === undefined || (lines[1] !== 'True' && lines[1] !== 'False')) {
    return undefined;
  }
  return { version, hasOwnServer: lines[1] === 'True' };
}

export function compareVersions(a: PythonVersion, b: PythonVersion): number {
  return a.major !== b.major ? a.major - b.major : a.minor - b.minor;
}

export function formatVersion(version: PythonVersion): string {
  return `${version.major}.${version.minor}`;
}

/** The bundled library folder for a version: `py3.11`. */
export function bundledFolderName(version: PythonVersion): string {
  return `py${formatVersion(version)}`;
}

/** The versions the VSIX bundles, from the folder names under bundled/libs (`py3.10`, `common`, ...), sorted. */
export function bundledVersions(folderNames: readonly string[]): PythonVersion[] {
  const versions: PythonVersion[] = [];
  for (const name of folderNames) {
    const match = /^py(\d+)\.(\d+)$/.exec(name);
    if (match) {
      versions.push({ major: Number(match[1]), minor: Number(match[2]) });
    }
  }
  return versions.sort(compareVersions);
}

/** The name of the folder with the pure-Python libraries shared by every version. */
export const COMMON_FOLDER = 'common';

/** How to run the server with a probed interpreter. */
export type LaunchPlan =
  | { kind: 'own' }
  | { kind: 'bundled'; pythonPath: string[] }
  | { kind: 'unusable'; reason: string };

/**
 * An interpreter that imports `aicmo_lsp` itself runs it as is; otherwise the bundled libraries for its
 * version go on PYTHONPATH (that folder first, then the shared pure-Python one).
 */
export function planLaunch(probe: ProbeResult, libsRoot: string, libsFolders: readonly string[]): LaunchPlan {
  const version = formatVersion(probe.version);
  if (compareVersions(probe.version, MIN_PYTHON) < 0) {
    return { kind: 'unusable', reason: `it is Python ${version}; aicmo needs Python ${formatVersion(MIN_PYTHON)} or newer` };
  }
  if (probe.hasOwnServer) {
    return { kind: 'own' };
  }
  const folder = bundledFolderName(probe.version);
  if (!libsFolders.includes(folder)) {
    const bundled = bundledVersions(libsFolders).map(formatVersion);
    const offer = bundled.length > 0 ? `the extension bundles the server for Python ${bundled.join(', ')}` : 'the extension bundles no server';
    return {
      kind: 'unusable',
      reason: `it is Python ${version} and ${offer}; install aicmo into it (pip install aicmo) or choose another interpreter`,
    };
  }
  const pythonPath = [path.join(libsRoot, folder)];
  if (libsFolders.includes(COMMON_FOLDER)) {
    pythonPath.push(path.join(libsRoot, COMMON_FOLDER));
  }
  return { kind: 'bundled', pythonPath };
}

/**
 * The interpreters to try, in order: the `aicmo.python.path` setting, the Python extension's interpreter,
 * then `python3` and `python` on PATH. An explicit setting is the only candidate: it is never overridden.
 */
export function interpreterCandidates(
  settingPath: string | undefined,
  pythonExtensionPath: string | undefined,
  platform: NodeJS.Platform = process.platform,
): InterpreterCandidate[] {
  const setting = settingPath?.trim();
  if (setting) {
    return [{ command: setting, source: 'setting' }];
  }
  const candidates: InterpreterCandidate[] = [];
  if (pythonExtensionPath?.trim()) {
    candidates.push({ command: pythonExtensionPath.trim(), source: 'python-extension' });
  }
  const onPath = platform === 'win32' ? ['python', 'python3'] : ['python3', 'python'];
  for (const command of onPath) {
    candidates.push({ command, source: 'path' });
  }
  return candidates;
}

/** The server's environment: the editor's, with PYTHONPATH replaced by the bundled folders (or left alone). */
export function serverEnvironment(
  base: Readonly<Record<string, string | undefined>>,
  pythonPath: readonly string[] | undefined,
  delimiter: string = path.delimiter,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) {
    if (value !== undefined) {
      env[key] = value;
    }
  }
  if (pythonPath !== undefined && pythonPath.length > 0) {
    env.PYTHONPATH = pythonPath.join(delimiter);
  }
  // The server speaks UTF-8 JSON over stdio; keep its stderr log readable in the output channel.
  env.PYTHONUNBUFFERED = '1';
  return env;
}

export function describeSource(candidate: InterpreterCandidate): string {
  switch (candidate.source) {
    case 'setting':
      return `aicmo.python.path (${candidate.command})`;
    case 'python-extension':
      return `the Python extension's interpreter (${candidate.command})`;
    case 'path':
      return `${candidate.command} on PATH`;
  }
}
