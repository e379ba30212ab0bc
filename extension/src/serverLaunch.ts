// Finding the language server, in this order:
//   1. `aicmo.server.path`: an `aicmo-lsp` executable, run as is;
//   2. `aicmo.python.path`: that interpreter (and nothing else when it is set);
//   3. the interpreter chosen in the Python extension, when it is installed;
//   4. per platform (see interpreterCandidates): Linux `python3`, `python`; macOS `python3`, Homebrew's,
//      python.org's; Windows `py -3`, `python.exe`, `python3.exe`, python.org's install folders.
// An interpreter that imports `aicmo_lsp` itself (the user's own install) runs `-m aicmo_lsp` as is;
// any other Python >= 3.10 runs the server bundled in the VSIX, with PYTHONPATH set to
// bundled/libs/pyX.Y plus bundled/libs/common (see scripts/bundle_python.py).
// Every path is one argv entry and nothing goes through a shell (`shell: false`), so spaces and
// non-ASCII characters in paths need no quoting on any platform.

import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Executable } from 'vscode-languageclient/node';
import {
  commandLine,
  describeSource,
  formatVersion,
  interpreterCandidates,
  launchPlatform,
  parseProbeOutput,
  planLaunch,
  probeArgs,
  resolveSettingPath,
  serverArgs,
  serverEnvironment,
  type InterpreterCandidate,
  type InterpreterSource,
  type ProbeResult,
} from './pythonLaunch';
import { pythonExtensionInterpreter } from './pythonExtension';
import { cachedResult, probeKey, resolveCommand, withResult, type ProbeCache, type Stat } from './probeCache';

const PROBE_TIMEOUT_MS = 15_000;
const PROBE_CACHE_STATE = 'aicmo.probeCache';

export interface FoundServer {
  executable: Executable;
  /** One line for the output channel: what runs and why. */
  description: string;
  /** Which setting or fallback chose it: a change of the Python extension's interpreter matters unless a setting did. */
  origin: 'server-path' | InterpreterSource;
}

export interface NoServer {
  /** The message for the writer. */
  message: string;
  /** The setting that fixes it. */
  setting: 'aicmo.python.path' | 'aicmo.server.path';
  /** Whether a setting decided (then the Python extension's interpreter does not matter). */
  fromSetting: boolean;
}

/** A setting's path: `~` and `${workspaceFolder}` expanded, relative paths taken from the first workspace folder. */
function settingPath(value: string | undefined): string | undefined {
  return resolveSettingPath(value, {
    platform: process.platform,
    env: process.env,
    workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
  });
}

function probe(candidate: InterpreterCandidate, cwd: string): Promise<ProbeResult | string> {
  return new Promise((resolve) => {
    const options = { cwd, timeout: PROBE_TIMEOUT_MS, windowsHide: true, shell: false };
    execFile(candidate.command, probeArgs(candidate), options, (error, stdout, stderr) => {
      if (error) {
        const code = (error as NodeJS.ErrnoException).code;
        resolve(code === 'ENOENT' ? 'it was not found' : `it failed: ${(stderr || error.message).trim().split(/\r?\n/).pop() ?? ''}`);
        return;
      }
      resolve(parseProbeOutput(stdout) ?? `it printed something unexpected: ${stdout.trim().slice(0, 200)}`);
    });
  });
}

const statFile: Stat = (file) => {
  try {
    const stats = fs.statSync(file);
    return { mtimeMs: stats.mtimeMs, size: stats.size };
  } catch {
    return undefined;
  }
};

const isFile = (file: string): boolean => {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
};

/** The probe of a candidate: remembered from an earlier window while it holds (probeCache.ts), else run. */
async function probeRemembered(candidate: InterpreterCandidate, context: vscode.ExtensionContext): Promise<{ result: ProbeResult | string; remembered: boolean }> {
  const key = probeKey(candidate, resolveCommand(candidate.command, process.env, launchPlatform(process.platform), isFile), process.env);
  const cache = context.globalState.get<ProbeCache>(PROBE_CACHE_STATE) ?? {};
  const known = cachedResult(cache, key, statFile);
  if (known !== undefined) {
    return { result: known, remembered: true };
  }
  const result = await probe(candidate, context.extensionPath);
  if (typeof result !== 'string') {
    void context.globalState.update(PROBE_CACHE_STATE, withResult(cache, key, result, statFile, Date.now()));
  }
  return { result, remembered: false };
}

function listFolders(root: string): string[] {
  try {
    return fs
      .readdirSync(root, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
  } catch {
    return [];
  }
}

export async function findServer(context: vscode.ExtensionContext, log: (line: string) => void): Promise<FoundServer | NoServer> {
  const config = vscode.workspace.getConfiguration('aicmo');
  const serverPath = settingPath(config.get<string>('server.path'));
  if (serverPath !== undefined) {
    if (path.isAbsolute(serverPath) && !fs.existsSync(serverPath)) {
      return { message: `aicmo cannot find the server set in aicmo.server.path: ${serverPath} does not exist.`, setting: 'aicmo.server.path', fromSetting: true };
    }
    return {
      executable: { command: serverPath, args: [], options: { env: serverEnvironment(process.env, undefined), shell: false } },
      description: `aicmo.server.path: ${serverPath}`,
      origin: 'server-path',
    };
  }

  const settingPython = settingPath(config.get<string>('python.path'));
  const resource = vscode.window.activeTextEditor?.document.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
  const extensionPython = settingPython === undefined ? await pythonExtensionInterpreter(resource, log) : undefined;
  const candidates: InterpreterCandidate[] = interpreterCandidates({
    platform: launchPlatform(process.platform),
    env: process.env,
    setting: settingPython,
    pythonExtensionInterpreter: extensionPython,
  });
  const libsRoot = context.asAbsolutePath(path.join('bundled', 'libs'));
  const libsFolders = listFolders(libsRoot);
  const refusals: { candidate: InterpreterCandidate; reason: string }[] = [];
  const tried: InterpreterCandidate[] = [];

  for (const candidate of candidates) {
    // A well-known install location that is not there is not worth a process, nor a line in the log.
    if (candidate.source === 'known-location' && !fs.existsSync(candidate.command)) {
      continue;
    }
    tried.push(candidate);
    const { result, remembered } = await probeRemembered(candidate, context);
    if (typeof result === 'string') {
      refusals.push({ candidate, reason: result });
      continue;
    }
    const plan = planLaunch(result, libsRoot, libsFolders);
    if (plan.kind === 'unusable') {
      refusals.push({ candidate, reason: plan.reason });
      continue;
    }
    for (const refusal of refusals) {
      log(`Skipped ${describeSource(refusal.candidate)}: ${refusal.reason}`);
    }
    const version = formatVersion(result.version);
    const how = plan.kind === 'own' ? 'its own aicmo_lsp' : `the bundled server (PYTHONPATH=${plan.pythonPath.join(path.delimiter)})`;
    return {
      executable: {
        command: candidate.command,
        args: serverArgs(candidate),
        options: { env: serverEnvironment(process.env, plan.kind === 'bundled' ? plan.pythonPath : undefined), shell: false },
      },
      description: `Python ${version} from ${describeSource(candidate)} with ${how}${remembered ? ' (as probed in an earlier window)' : ''}`,
      origin: candidate.source,
    };
  }

  for (const refusal of refusals) {
    log(`Cannot use ${describeSource(refusal.candidate)}: ${refusal.reason}`);
  }
  if (settingPython !== undefined) {
    const reason = refusals[0]?.reason ?? 'it could not be run';
    return {
      message: `aicmo cannot use the Python set in aicmo.python.path (${settingPython}): ${reason}.`,
      setting: 'aicmo.python.path',
      fromSetting: true,
    };
  }
  return {
    message:
      'aicmo needs Python 3.10 or newer to run its language server and found none (tried ' +
      tried.map(commandLine).join(', ') +
      '). Install Python, or set aicmo.python.path to an interpreter.',
    setting: 'aicmo.python.path',
    fromSetting: false,
  };
}
