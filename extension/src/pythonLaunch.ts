// Choosing how to start the language server: which interpreter to try, what its probe says, and
// which bundled library folder goes on PYTHONPATH. Pure (only node:path), so node:test covers it, for
// every platform: each function takes the platform it decides for (path.win32 or path.posix, `;` or `:`)
// and never looks at the host's.

import * as path from 'node:path';

export interface PythonVersion {
  major: number;
  minor: number;
}

/** The oldest Python the server supports (pyproject.toml: requires-python >= 3.10). */
export const MIN_PYTHON: PythonVersion = { major: 3, minor: 10 };

/**
 * Where an interpreter candidate came from: the `aicmo.python.path` setting, the Python extension, a
 * command looked up on PATH, the Windows `py` launcher, or a well-known install location.
 */
export type InterpreterSource = 'setting' | 'python-extension' | 'path' | 'py-launcher' | 'known-location';

export interface InterpreterCandidate {
  /** The executable: a path, or a name looked up on PATH. Passed as one argv entry, never through a shell. */
  command: string;
  /** Arguments that select the interpreter (`-3` for `py`), before the probe's or the server's. */
  args: string[];
  source: InterpreterSource;
}

/**
 * Printed by `python -c PROBE_SCRIPT`: the version as `sys.version_info[:2]` prints it, e.g. `(3, 11)`,
 * then whether the interpreter imports `aicmo_lsp` on its own (a user's own install), then (JSON)
 * the interpreter's executable and the folders it imports from: what the probe cache watches.
 */
export const PROBE_SCRIPT = [
  'import importlib.util, json, os, sys',
  'print(sys.version_info[:2])',
  'print(importlib.util.find_spec("aicmo_lsp") is not None)',
  'print(json.dumps([sys.executable] + [p for p in sys.path if p and os.path.isdir(p)]))',
].join('\n');

export interface ProbeResult {
  version: PythonVersion;
  hasOwnServer: boolean;
  /** The interpreter's own executable and its import folders, when the probe printed them. */
  watched?: string[];
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
  const watched = parseWatched(lines[2]);
  return { version, hasOwnServer: lines[1] === 'True', ...(watched === undefined ? {} : { watched }) };
}

function parseWatched(line: string | undefined): string[] | undefined {
  try {
    const value: unknown = line === undefined ? undefined : JSON.parse(line);
    return Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string') ? (value as string[]) : undefined;
  } catch {
    return undefined;
  }
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
export function planLaunch(
  probe: ProbeResult,
  libsRoot: string,
  libsFolders: readonly string[],
  platform: NodeJS.Platform | LaunchPlatform = process.platform,
): LaunchPlan {
  const join = pathFor(platform).join;
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
  const pythonPath = [join(libsRoot, folder)];
  if (libsFolders.includes(COMMON_FOLDER)) {
    pythonPath.push(join(libsRoot, COMMON_FOLDER));
  }
  return { kind: 'bundled', pythonPath };
}

/** The platforms the VSIX is built for; anything else is treated as Linux. */
export type LaunchPlatform = 'linux' | 'darwin' | 'win32';

export function launchPlatform(platform: NodeJS.Platform | LaunchPlatform = process.platform): LaunchPlatform {
  return platform === 'win32' || platform === 'darwin' ? platform : 'linux';
}

/** node:path for that platform (path.win32 on Windows, path.posix elsewhere), whatever the host is. */
export function pathFor(platform: NodeJS.Platform | LaunchPlatform): path.PlatformPath {
  return launchPlatform(platform) === 'win32' ? path.win32 : path.posix;
}

type Environment = Readonly<Record<string, string | undefined>>;

/** An environment variable; on Windows its name is case-insensitive (`Path`, `LocalAppData`). */
export function envValue(env: Environment, name: string, platform: NodeJS.Platform | LaunchPlatform): string | undefined {
  if (launchPlatform(platform) !== 'win32') {
    return env[name];
  }
  const wanted = name.toUpperCase();
  for (const [key, value] of Object.entries(env)) {
    if (key.toUpperCase() === wanted && value !== undefined) {
      return value;
    }
  }
  return undefined;
}

/** What the interpreter search depends on: the platform, its environment, and the two configured choices. */
export interface PlatformDescription {
  platform: LaunchPlatform;
  /** The editor's environment (LOCALAPPDATA and ProgramFiles on Windows). */
  env: Environment;
  /** `aicmo.python.path`, already resolved (see resolveSettingPath). */
  setting?: string;
  /** The Python extension's interpreter for the active document. */
  pythonExtensionInterpreter?: string;
}

/** The CPython minor versions looked for at well-known install locations, newest first. */
export const KNOWN_MINOR_VERSIONS = [14, 13, 12, 11, 10];

function candidateKey(candidate: InterpreterCandidate, platform: LaunchPlatform): string {
  const p = pathFor(platform);
  const hasSeparator = platform === 'win32' ? /[\\/]/.test(candidate.command) : candidate.command.includes('/');
  let command = hasSeparator ? p.normalize(candidate.command) : candidate.command;
  if (platform === 'win32') {
    // Windows file names are case-insensitive, and `python` runs `python.exe`.
    command = command.toLowerCase().replace(/\.exe$/, '');
  }
  return [command, ...candidate.args].join('\0');
}

/**
 * The interpreters to try, in order, without duplicates. An explicit setting is the only candidate: it is
 * never overridden. Otherwise the Python extension's interpreter, then per platform:
 * - Linux: `python3`, `python` on PATH;
 * - macOS: `python3` on PATH, Homebrew's (`/opt/homebrew` on Apple silicon, `/usr/local` on Intel, where
 *   python.org's installer also links), python.org's framework builds 3.14 to 3.10, then `python`;
 * - Windows: the `py -3` launcher, `python.exe` and `python3.exe` on PATH, then python.org's default
 *   install folders 3.14 to 3.10 (per user under %LOCALAPPDATA%\Programs\Python, for all users under
 *   %ProgramFiles%).
 */
export function interpreterCandidates(description: PlatformDescription): InterpreterCandidate[] {
  const { platform, env } = description;
  const setting = description.setting?.trim();
  if (setting) {
    return [{ command: setting, args: [], source: 'setting' }];
  }
  const candidates: InterpreterCandidate[] = [];
  const extension = description.pythonExtensionInterpreter?.trim();
  if (extension) {
    candidates.push({ command: extension, args: [], source: 'python-extension' });
  }
  const onPath = (command: string, args: string[] = []): void => {
    candidates.push({ command, args, source: 'path' });
  };
  const known = (command: string): void => {
    candidates.push({ command, args: [], source: 'known-location' });
  };
  if (platform === 'win32') {
    candidates.push({ command: 'py', args: ['-3'], source: 'py-launcher' });
    onPath('python.exe');
    onPath('python3.exe');
    const localAppData = envValue(env, 'LOCALAPPDATA', platform)?.trim();
    const programFiles = envValue(env, 'ProgramFiles', platform)?.trim();
    for (const minor of KNOWN_MINOR_VERSIONS) {
      if (localAppData) {
        known(path.win32.join(localAppData, 'Programs', 'Python', `Python3${minor}`, 'python.exe'));
      }
    }
    for (const minor of KNOWN_MINOR_VERSIONS) {
      if (programFiles) {
        known(path.win32.join(programFiles, `Python3${minor}`, 'python.exe'));
      }
    }
  } else if (platform === 'darwin') {
    onPath('python3');
    known('/opt/homebrew/bin/python3');
    known('/usr/local/bin/python3');
    for (const minor of KNOWN_MINOR_VERSIONS) {
      known(`/Library/Frameworks/Python.framework/Versions/3.${minor}/bin/python3`);
    }
    onPath('python');
  } else {
    onPath('python3');
    onPath('python');
  }
  const seen = new Set<string>();
  return candidates.filter((candidate) => {
    const key = candidateKey(candidate, platform);
    if (seen.has(key)) {
      return false;
    }
    seen.add(key);
    return true;
  });
}

/** The probe's command line after the executable: `py -3 -c PROBE_SCRIPT`, `python3 -c PROBE_SCRIPT`. */
export function probeArgs(candidate: InterpreterCandidate): string[] {
  return [...candidate.args, '-c', PROBE_SCRIPT];
}

/** The server's command line after the executable: `py -3 -m aicmo_lsp`, `python3 -m aicmo_lsp`. */
export function serverArgs(candidate: InterpreterCandidate): string[] {
  return [...candidate.args, '-m', 'aicmo_lsp'];
}

/** The command line for messages: `py -3`, `"C:\Program Files\Python312\python.exe"` (quoted when it has spaces). */
export function commandLine(candidate: InterpreterCandidate): string {
  return [candidate.command, ...candidate.args].map((part) => (/\s/.test(part) ? `"${part}"` : part)).join(' ');
}

export interface SettingContext {
  platform: NodeJS.Platform | LaunchPlatform;
  env: Environment;
  /** The first workspace folder's path, if a folder is open. */
  workspaceFolder?: string;
}

/**
 * A path setting as typed → the path to run: `${workspaceFolder}` and a leading `~` (HOME; USERPROFILE on
 * Windows) expanded, a relative path with a separator (`.venv/bin/python`, `.venv\Scripts\python.exe`)
 * taken from the workspace folder. A bare command name (`python3`, `py`) stays as is, for PATH.
 */
export function resolveSettingPath(value: string | undefined, context: SettingContext): string | undefined {
  const trimmed = value?.trim();
  if (!trimmed) {
    return undefined;
  }
  const platform = launchPlatform(context.platform);
  const p = pathFor(platform);
  const folder = context.workspaceFolder;
  let resolved = trimmed.replace(/\$\{workspaceFolder\}/g, () => folder ?? '');
  const homeSeparator = platform === 'win32' ? /^~(?:[\\/]|$)/ : /^~(?:\/|$)/;
  if (homeSeparator.test(resolved)) {
    const home = (platform === 'win32' ? envValue(context.env, 'USERPROFILE', platform) : undefined) ?? envValue(context.env, 'HOME', platform) ?? '';
    resolved = p.join(home, resolved.slice(1));
  }
  const hasSeparator = platform === 'win32' ? /[\\/]/.test(resolved) : resolved.includes('/');
  if (!p.isAbsolute(resolved) && hasSeparator && folder !== undefined) {
    resolved = p.join(folder, resolved);
  }
  return resolved;
}

/**
 * The server's environment: the editor's, with the bundled folders first on PYTHONPATH (joined with the
 * platform's delimiter, `;` on Windows, `:` elsewhere) and any PYTHONPATH already set kept after them. With
 * no bundled folders (the interpreter's own install) PYTHONPATH is left alone.
 */
export function serverEnvironment(
  base: Environment,
  pythonPath: readonly string[] | undefined,
  platform: NodeJS.Platform | LaunchPlatform = process.platform,
): Record<string, string> {
  const windows = launchPlatform(platform) === 'win32';
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) {
    if (value !== undefined) {
      env[key] = value;
    }
  }
  if (pythonPath !== undefined && pythonPath.length > 0) {
    const existing = envValue(env, 'PYTHONPATH', platform);
    if (windows) {
      // Environment names are case-insensitive on Windows: one PYTHONPATH, whatever its spelling was.
      for (const key of Object.keys(env)) {
        if (key.toUpperCase() === 'PYTHONPATH') {
          delete env[key];
        }
      }
    }
    const entries = [...pythonPath];
    if (existing !== undefined && existing.trim() !== '') {
      entries.push(existing);
    }
    env.PYTHONPATH = entries.join(pathFor(platform).delimiter);
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
      return `${commandLine(candidate)} on PATH`;
    case 'py-launcher':
      return `the Python launcher (${commandLine(candidate)})`;
    case 'known-location':
      return commandLine(candidate);
  }
}
