import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import {
  PROBE_SCRIPT,
  bundledFolderName,
  bundledVersions,
  interpreterCandidates,
  parseProbeOutput,
  parsePythonVersion,
  planLaunch,
  serverEnvironment,
} from '../src/pythonLaunch';

describe('parsePythonVersion', () => {
  test('reads what sys.version_info[:2] prints', () => {
    assert.deepEqual(parsePythonVersion('(3, 11)\n'), { major: 3, minor: 11 });
    assert.deepEqual(parsePythonVersion('(3,10)'), { major: 3, minor: 10 });
  });

  test('reads dotted versions and `python --version`', () => {
    assert.deepEqual(parsePythonVersion('3.12'), { major: 3, minor: 12 });
    assert.deepEqual(parsePythonVersion('3.13.0'), { major: 3, minor: 13 });
    assert.deepEqual(parsePythonVersion('Python 3.9.18'), { major: 3, minor: 9 });
  });

  test('rejects anything else', () => {
    assert.equal(parsePythonVersion(''), undefined);
    assert.equal(parsePythonVersion('Traceback (most recent call last):'), undefined);
    assert.equal(parsePythonVersion('python'), undefined);
  });
});

describe('parseProbeOutput', () => {
  test('version and own-install flag', () => {
    assert.deepEqual(parseProbeOutput('(3, 11)\nFalse\n'), { version: { major: 3, minor: 11 }, hasOwnServer: false });
    assert.deepEqual(parseProbeOutput('(3, 12)\r\nTrue\r\n'), { version: { major: 3, minor: 12 }, hasOwnServer: true });
  });

  test('rejects output that is not the probe', () => {
    assert.equal(parseProbeOutput('(3, 11)\n'), undefined);
    assert.equal(parseProbeOutput('hello\nTrue\n'), undefined);
    assert.equal(parseProbeOutput(''), undefined);
  });

  test('the probe prints the version tuple and the find_spec result', () => {
    assert.match(PROBE_SCRIPT, /print\(sys\.version_info\[:2\]\)/);
    assert.match(PROBE_SCRIPT, /find_spec\("aicmo_lsp"\)/);
  });
});

describe('bundled folders', () => {
  test('folder names per version', () => {
    assert.equal(bundledFolderName({ major: 3, minor: 10 }), 'py3.10');
  });

  test('versions from a listing, sorted numerically, ignoring other folders', () => {
    assert.deepEqual(
      bundledVersions(['py3.13', 'common', 'py3.10', 'py3.9x', 'py3.12', 'py3.11', 'wheel']).map((v) => `${v.major}.${v.minor}`),
      ['3.10', '3.11', '3.12', '3.13'],
    );
  });
});

describe('planLaunch', () => {
  const root = path.join('/ext', 'bundled', 'libs');
  const folders = ['common', 'py3.10', 'py3.11', 'py3.12', 'py3.13'];

  test('an interpreter with its own aicmo_lsp runs it without PYTHONPATH', () => {
    assert.deepEqual(planLaunch({ version: { major: 3, minor: 11 }, hasOwnServer: true }, root, folders), { kind: 'own' });
  });

  test('any other supported interpreter gets its version folder, then common', () => {
    assert.deepEqual(planLaunch({ version: { major: 3, minor: 12 }, hasOwnServer: false }, root, folders), {
      kind: 'bundled',
      pythonPath: [path.join(root, 'py3.12'), path.join(root, 'common')],
    });
    assert.deepEqual(planLaunch({ version: { major: 3, minor: 10 }, hasOwnServer: false }, root, ['py3.10']), {
      kind: 'bundled',
      pythonPath: [path.join(root, 'py3.10')],
    });
  });

  test('too old, or a version without bundled libraries, is unusable with a reason', () => {
    const old = planLaunch({ version: { major: 3, minor: 9 }, hasOwnServer: true }, root, folders);
    assert.equal(old.kind, 'unusable');
    assert.match(old.kind === 'unusable' ? old.reason : '', /Python 3\.9; aicmo needs Python 3\.10 or newer/);
    const newer = planLaunch({ version: { major: 3, minor: 15 }, hasOwnServer: false }, root, folders);
    assert.equal(newer.kind, 'unusable');
    assert.match(newer.kind === 'unusable' ? newer.reason : '', /Python 3\.15 and the extension bundles the server for Python 3\.10, 3\.11, 3\.12, 3\.13/);
    const none = planLaunch({ version: { major: 3, minor: 11 }, hasOwnServer: false }, root, []);
    assert.match(none.kind === 'unusable' ? none.reason : '', /bundles no server/);
  });
});

describe('interpreterCandidates on Linux (unchanged order)', () => {
  const linux = (setting?: string, pythonExtensionInterpreter?: string) =>
    interpreterCandidates({ platform: 'linux', env: { PATH: '/usr/bin' }, setting, pythonExtensionInterpreter });

  test('the setting alone when it is set', () => {
    assert.deepEqual(linux(' /opt/py/bin/python ', '/venv/bin/python'), [{ command: '/opt/py/bin/python', args: [], source: 'setting' }]);
  });

  test('then the Python extension, then python3 and python on PATH', () => {
    assert.deepEqual(linux(undefined, '/venv/bin/python'), [
      { command: '/venv/bin/python', args: [], source: 'python-extension' },
      { command: 'python3', args: [], source: 'path' },
      { command: 'python', args: [], source: 'path' },
    ]);
    assert.deepEqual(linux('', undefined), [
      { command: 'python3', args: [], source: 'path' },
      { command: 'python', args: [], source: 'path' },
    ]);
    assert.deepEqual(linux('  ', '  '), linux());
  });
});

describe('serverEnvironment', () => {
  test('puts the bundled folders first on PYTHONPATH, keeps the existing one after them and the rest', () => {
    const env = serverEnvironment({ PATH: '/usr/bin', PYTHONPATH: '/elsewhere', EMPTY: undefined }, ['/a', '/b'], 'linux');
    assert.deepEqual(env, { PATH: '/usr/bin', PYTHONPATH: '/a:/b:/elsewhere', PYTHONUNBUFFERED: '1' });
  });

  test('no PYTHONPATH, or an empty one: only the bundled folders', () => {
    assert.equal(serverEnvironment({}, ['/a', '/b'], 'darwin').PYTHONPATH, '/a:/b');
    assert.equal(serverEnvironment({ PYTHONPATH: '' }, ['/a'], 'linux').PYTHONPATH, '/a');
  });

  test("leaves the user's PYTHONPATH alone for their own install", () => {
    const env = serverEnvironment({ PYTHONPATH: '/mine' }, undefined, 'linux');
    assert.equal(env.PYTHONPATH, '/mine');
  });
});
