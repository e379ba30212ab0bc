// The launcher's choices on each platform the VSIX is built for (linux, darwin, win32), decided by pure
// functions from an explicit platform description, so they run here whatever the host is.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import {
  PROBE_SCRIPT,
  commandLine,
  describeSource,
  interpreterCandidates,
  launchPlatform,
  parseProbeOutput,
  planLaunch,
  probeArgs,
  resolveSettingPath,
  serverArgs,
  serverEnvironment,
  type InterpreterCandidate,
} from '../src/pythonLaunch';

const WINDOWS_ENV = {
  Path: 'C:\\Windows\\system32;C:\\Users\\José Núñez\\AppData\\Local\\Microsoft\\WindowsApps',
  LOCALAPPDATA: 'C:\\Users\\José Núñez\\AppData\\Local',
  ProgramFiles: 'C:\\Program Files',
  USERPROFILE: 'C:\\Users\\José Núñez',
};

const short = (candidates: InterpreterCandidate[]) => candidates.map((c) => `${c.source}: ${commandLine(c)}`);

describe('Windows', () => {
  const windows = (setting?: string, pythonExtensionInterpreter?: string, env: Record<string, string | undefined> = WINDOWS_ENV) =>
    interpreterCandidates({ platform: 'win32', env, setting, pythonExtensionInterpreter });

  const pythonOrg = [
    ...[14, 13, 12, 11, 10].map((m) => `known-location: "C:\\Users\\José Núñez\\AppData\\Local\\Programs\\Python\\Python3${m}\\python.exe"`),
    ...[14, 13, 12, 11, 10].map((m) => `known-location: "C:\\Program Files\\Python3${m}\\python.exe"`),
  ];

  test('without the Python extension: py -3, python.exe, python3.exe, then python.org per user and for all users', () => {
    assert.deepEqual(short(windows()), ['py-launcher: py -3', 'path: python.exe', 'path: python3.exe', ...pythonOrg]);
    assert.deepEqual(windows()[0], { command: 'py', args: ['-3'], source: 'py-launcher' });
  });

  test("with the Python extension: its interpreter first", () => {
    const venv = 'C:\\Users\\José Núñez\\My Reports\\.venv\\Scripts\\python.exe';
    assert.deepEqual(short(windows(undefined, venv)), [
      `python-extension: "${venv}"`,
      'py-launcher: py -3',
      'path: python.exe',
      'path: python3.exe',
      ...pythonOrg,
    ]);
  });

  test('a setting with spaces and é is the only candidate, unchanged, one argv entry', () => {
    const setting = 'C:\\Users\\José Núñez\\Python 3.12\\python.exe';
    const candidates = windows(` ${setting} `, 'C:\\venv\\Scripts\\python.exe');
    assert.deepEqual(candidates, [{ command: setting, args: [], source: 'setting' }]);
    assert.deepEqual(probeArgs(candidates[0]!), ['-c', PROBE_SCRIPT]);
    assert.deepEqual(serverArgs(candidates[0]!), ['-m', 'aicmo_lsp']);
    assert.equal(describeSource(candidates[0]!), `aicmo.python.path (${setting})`);
  });

  test('de-duplicated case-insensitively, with / or \\, with or without .exe; the first one stays', () => {
    const extension = 'c:/users/josé núñez/appdata/local/programs/python/python312/PYTHON.EXE';
    const candidates = windows(undefined, extension);
    assert.equal(candidates[0]!.command, extension);
    assert.equal(candidates.filter((c) => /programs.python.python312/i.test(c.command)).length, 1);
    assert.equal(candidates.length, 1 + 3 + 9);
    assert.deepEqual(short(windows(undefined, 'python')).slice(0, 4), [
      'python-extension: python',
      'py-launcher: py -3',
      'path: python3.exe',
      pythonOrg[0],
    ]);
  });

  test('environment names are case-insensitive; missing folders give no known locations', () => {
    const mixed = windows(undefined, undefined, { LocalAppData: 'D:\\Local', PROGRAMFILES: 'D:\\Apps' });
    assert.ok(mixed.some((c) => c.command === 'D:\\Local\\Programs\\Python\\Python314\\python.exe'));
    assert.ok(mixed.some((c) => c.command === 'D:\\Apps\\Python310\\python.exe'));
    assert.deepEqual(short(windows(undefined, undefined, {})), ['py-launcher: py -3', 'path: python.exe', 'path: python3.exe']);
  });

  test('the probe and the server pass the launcher its -3', () => {
    const py = windows()[0]!;
    assert.deepEqual(probeArgs(py), ['-3', '-c', PROBE_SCRIPT]);
    assert.deepEqual(serverArgs(py), ['-3', '-m', 'aicmo_lsp']);
    assert.equal(describeSource(py), 'the Python launcher (py -3)');
    const exe = windows()[1]!;
    assert.deepEqual(probeArgs(exe), ['-c', PROBE_SCRIPT]);
    assert.equal(describeSource(exe), 'python.exe on PATH');
  });

  test('bundled folders joined with \\ and PYTHONPATH with ;, the existing one kept after them', () => {
    const root = 'C:\\Users\\José Núñez\\.vscode\\extensions\\aicmo.aicmo-0.1.0-win32-x64\\bundled\\libs';
    const plan = planLaunch({ version: { major: 3, minor: 12 }, hasOwnServer: false }, root, ['common', 'py3.12'], 'win32');
    assert.deepEqual(plan, { kind: 'bundled', pythonPath: [`${root}\\py3.12`, `${root}\\common`] });
    const env = serverEnvironment(
      { Path: WINDOWS_ENV.Path, PythonPath: 'C:\\mine;D:\\more' },
      plan.kind === 'bundled' ? plan.pythonPath : [],
      'win32',
    );
    assert.deepEqual(env, {
      Path: WINDOWS_ENV.Path,
      PYTHONPATH: `${root}\\py3.12;${root}\\common;C:\\mine;D:\\more`,
      PYTHONUNBUFFERED: '1',
    });
  });

  test('settings: relative paths with \\ from the workspace folder, ~ from USERPROFILE, bare names for PATH', () => {
    const context = { platform: 'win32' as const, env: WINDOWS_ENV, workspaceFolder: 'C:\\Users\\José Núñez\\My Reports' };
    assert.equal(resolveSettingPath('.venv\\Scripts\\python.exe', context), 'C:\\Users\\José Núñez\\My Reports\\.venv\\Scripts\\python.exe');
    assert.equal(resolveSettingPath('${workspaceFolder}/.venv/Scripts/python.exe', context), 'C:\\Users\\José Núñez\\My Reports/.venv/Scripts/python.exe');
    assert.equal(resolveSettingPath('~\\py\\python.exe', context), 'C:\\Users\\José Núñez\\py\\python.exe');
    assert.equal(resolveSettingPath('D:\\Python 3.12\\python.exe', context), 'D:\\Python 3.12\\python.exe');
    assert.equal(resolveSettingPath('py', context), 'py');
    assert.equal(resolveSettingPath('  ', context), undefined);
  });
});

describe('macOS', () => {
  const mac = (setting?: string, pythonExtensionInterpreter?: string) =>
    interpreterCandidates({ platform: 'darwin', env: { PATH: '/usr/bin:/bin', HOME: '/Users/zoé' }, setting, pythonExtensionInterpreter });
  const frameworks = [14, 13, 12, 11, 10].map((m) => `known-location: /Library/Frameworks/Python.framework/Versions/3.${m}/bin/python3`);

  test('python3 on PATH, Homebrew on Apple silicon then Intel, python.org frameworks 3.14 to 3.10, then python', () => {
    assert.deepEqual(short(mac()), [
      'path: python3',
      'known-location: /opt/homebrew/bin/python3',
      'known-location: /usr/local/bin/python3',
      ...frameworks,
      'path: python',
    ]);
  });

  test("the Python extension's interpreter first, not tried twice", () => {
    assert.deepEqual(short(mac(undefined, '/opt/homebrew/bin/python3')).slice(0, 3), [
      'python-extension: /opt/homebrew/bin/python3',
      'path: python3',
      'known-location: /usr/local/bin/python3',
    ]);
    const intel = short(mac(undefined, '/usr/local/bin/../bin/python3'));
    assert.equal(intel.filter((c) => c.includes('/usr/local/')).length, 1);
    assert.equal(intel.length, 1 + 1 + 1 + 5 + 1);
  });

  test('a setting is the only candidate; ~ from HOME', () => {
    assert.deepEqual(mac('/Users/zoé/Python envs/r/bin/python', '/opt/homebrew/bin/python3'), [
      { command: '/Users/zoé/Python envs/r/bin/python', args: [], source: 'setting' },
    ]);
    assert.equal(resolveSettingPath('~/.pyenv/shims/python3', { platform: 'darwin', env: { HOME: '/Users/zoé' } }), '/Users/zoé/.pyenv/shims/python3');
  });

  test('bundled folders joined with / and PYTHONPATH with :', () => {
    const root = '/Users/zoé/.vscode/extensions/aicmo.aicmo-0.1.0-darwin-arm64/bundled/libs';
    const plan = planLaunch({ version: { major: 3, minor: 13 }, hasOwnServer: false }, root, ['common', 'py3.13'], 'darwin');
    assert.deepEqual(plan, { kind: 'bundled', pythonPath: [`${root}/py3.13`, `${root}/common`] });
    assert.equal(serverEnvironment({ PYTHONPATH: '/x' }, plan.kind === 'bundled' ? plan.pythonPath : [], 'darwin').PYTHONPATH, `${root}/py3.13:${root}/common:/x`);
  });
});

describe('Linux and the rest', () => {
  test('other platforms are treated as Linux', () => {
    assert.equal(launchPlatform('freebsd'), 'linux');
    assert.equal(launchPlatform('win32'), 'win32');
    assert.equal(launchPlatform('darwin'), 'darwin');
  });

  test('settings: ~ from HOME, relative paths with / from the folder, ${workspaceFolder} taken literally', () => {
    const context = { platform: 'linux' as const, env: { HOME: '/home/zoé' }, workspaceFolder: '/srv/rapports $& été' };
    assert.equal(resolveSettingPath('~', context), '/home/zoé');
    assert.equal(resolveSettingPath('~/venv/bin/python', context), '/home/zoé/venv/bin/python');
    assert.equal(resolveSettingPath('.venv/bin/python', context), '/srv/rapports $& été/.venv/bin/python');
    assert.equal(resolveSettingPath('${workspaceFolder}/.venv/bin/python', context), '/srv/rapports $& été/.venv/bin/python');
    assert.equal(resolveSettingPath('python3', context), 'python3');
    assert.equal(resolveSettingPath('.venv\\bin\\python', context), '.venv\\bin\\python');
  });

  test('the probe and the server args per candidate', () => {
    for (const candidate of interpreterCandidates({ platform: 'linux', env: {}, pythonExtensionInterpreter: '/v/bin/python' })) {
      assert.deepEqual(probeArgs(candidate), ['-c', PROBE_SCRIPT]);
      assert.deepEqual(serverArgs(candidate), ['-m', 'aicmo_lsp']);
    }
  });
});

// A real interpreter at a path with spaces and non-ASCII characters, its bundled folder likewise: each path
// one argv entry or one PYTHONPATH entry, no shell (what serverLaunch does on every platform).
function hostPython(): string | undefined {
  for (const name of ['python3', 'python']) {
    try {
      execFileSync(name, ['-c', 'pass'], { stdio: 'ignore' });
      return name;
    } catch {
      // try the next
    }
  }
  return undefined;
}

describe('spaces and non-ASCII characters, for real', () => {
  const python = hostPython();

  test('the probe runs through a path with spaces and é, and PYTHONPATH finds a folder named likewise', { skip: python === undefined || process.platform === 'win32' }, () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'aicmo launch é '));
    try {
      const real = execFileSync(python!, ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
      const link = path.join(root, 'Python é 3', 'python3');
      fs.mkdirSync(path.dirname(link));
      fs.symlinkSync(real, link);
      const candidate = interpreterCandidates({ platform: 'linux', env: {}, setting: link })[0]!;
      const probed = parseProbeOutput(execFileSync(candidate.command, probeArgs(candidate), { encoding: 'utf8', shell: false }));
      assert.ok(probed !== undefined);
      const version = `py${probed.version.major}.${probed.version.minor}`;
      const libs = path.join(root, 'libs à part');
      fs.mkdirSync(path.join(libs, version), { recursive: true });
      fs.writeFileSync(path.join(libs, version, 'aicmo_launch_marker.py'), 'WHERE = __file__\n');
      const plan = planLaunch({ ...probed, hasOwnServer: false }, libs, [version], 'linux');
      assert.equal(plan.kind, 'bundled');
      const env = serverEnvironment({ PATH: process.env.PATH, PYTHONPATH: '/nowhere' }, plan.kind === 'bundled' ? plan.pythonPath : [], 'linux');
      const where = execFileSync(candidate.command, [...candidate.args, '-c', 'import aicmo_launch_marker; print(aicmo_launch_marker.WHERE)'], {
        encoding: 'utf8',
        env,
        shell: false,
      });
      assert.equal(where.trim(), path.join(libs, version, 'aicmo_launch_marker.py'));
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
