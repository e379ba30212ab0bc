// The probe cache (src/probeCache.ts): an interpreter probed in an earlier window is not spawned
// again while its executable and import folders are unchanged; any change, a new PATH, or the
// Windows launcher probes afresh. Stat and PATH lookups are passed in, so no file system is needed
// except in the last test, which probes this machine's own Python for real.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { describe, test } from 'node:test';
import { MAX_CACHED_PROBES, cachedResult, probeKey, resolveCommand, withResult, type ProbeCache, type Stat } from '../src/probeCache';
import { PROBE_SCRIPT, parseProbeOutput, type InterpreterCandidate, type ProbeResult } from '../src/pythonLaunch';

const python3: InterpreterCandidate = { command: 'python3', args: [], source: 'path' };
const launcher: InterpreterCandidate = { command: 'py', args: ['-3'], source: 'py-launcher' };
const probed: ProbeResult = {
  version: { major: 3, minor: 12 },
  hasOwnServer: false,
  watched: ['/usr/bin/python3.12', '/usr/lib/python3.12', '/usr/lib/python3/dist-packages'],
};

/** A file system of stamps that a test can change. */
function files(): { stat: Stat; touch: (path: string) => void; remove: (path: string) => void } {
  const stamps = new Map(probed.watched!.map((path) => [path, { mtimeMs: 1000, size: 4096 }]));
  return {
    stat: (path) => stamps.get(path),
    touch: (path) => stamps.set(path, { mtimeMs: stamps.get(path)!.mtimeMs + 1, size: 4096 }),
    remove: (path) => stamps.delete(path),
  };
}

const ENV = { PATH: '/usr/local/bin:/usr/bin' };
const key = probeKey(python3, '/usr/bin/python3', ENV)!;

describe('probe cache', () => {
  test('a probe is remembered while its interpreter and folders are unchanged', () => {
    const fs = files();
    const cache = withResult({}, key, probed, fs.stat, 1);
    assert.deepEqual(cachedResult(cache, key, fs.stat), probed);
  });

  test('installing a package (its site-packages folder changes) or replacing the interpreter probes again', () => {
    for (const changed of ['/usr/lib/python3/dist-packages', '/usr/bin/python3.12']) {
      const fs = files();
      const cache = withResult({}, key, probed, fs.stat, 1);
      fs.touch(changed);
      assert.equal(cachedResult(cache, key, fs.stat), undefined, changed);
    }
    const fs2 = files();
    const cache = withResult({}, key, probed, fs2.stat, 1);
    fs2.remove('/usr/lib/python3.12');
    assert.equal(cachedResult(cache, key, fs2.stat), undefined);
  });

  test('another PATH resolution, PYTHONPATH or virtual environment is another key', () => {
    const fs = files();
    const cache = withResult({}, key, probed, fs.stat, 1);
    assert.equal(cachedResult(cache, probeKey(python3, '/usr/local/bin/python3', ENV), fs.stat), undefined);
    assert.equal(cachedResult(cache, probeKey(python3, '/usr/bin/python3', { ...ENV, PYTHONPATH: '/src' }), fs.stat), undefined);
    assert.equal(cachedResult(cache, probeKey(python3, '/usr/bin/python3', { ...ENV, VIRTUAL_ENV: '/work/.venv' }), fs.stat), undefined);
  });

  test('the Windows launcher, a command not found, and a probe without its watch list are never cached', () => {
    assert.equal(probeKey(launcher, 'C:\\Windows\\py.exe', {}), undefined);
    assert.equal(probeKey(python3, undefined, ENV), undefined);
    const fs = files();
    const { watched: _ignored, ...older } = probed;
    assert.deepEqual(withResult({}, key, older, fs.stat, 1), {});
    assert.deepEqual(withResult({}, undefined, probed, fs.stat, 1), {});
  });

  test(`at most ${MAX_CACHED_PROBES} interpreters are remembered, the newest ones`, () => {
    const fs = files();
    let cache: ProbeCache = {};
    for (let index = 0; index < MAX_CACHED_PROBES + 4; index++) {
      cache = withResult(cache, `key-${index}`, probed, fs.stat, index);
    }
    const kept = Object.keys(cache);
    assert.equal(kept.length, MAX_CACHED_PROBES);
    assert.ok(kept.includes(`key-${MAX_CACHED_PROBES + 3}`) && !kept.includes('key-0'));
  });
});

describe('resolveCommand', () => {
  const existing = new Set(['/usr/bin/python3', 'C:\\Python312\\python.exe', 'C:\\Users\\José Núñez\\AppData\\Local\\Microsoft\\WindowsApps\\python3.exe']);
  // Windows finds files whatever the case of their names; the answer keeps PATHEXT's case.
  const isFile = (path: string) => existing.has(path) || [...existing].some((file) => file.includes('\\') && file.toLowerCase() === path.toLowerCase());

  test('on PATH, first match wins; a path is itself when it exists', () => {
    assert.equal(resolveCommand('python3', { PATH: '/opt/none:/usr/bin/' }, 'linux', isFile), '/usr/bin/python3');
    assert.equal(resolveCommand('python3', { PATH: '/opt/none' }, 'linux', isFile), undefined);
    assert.equal(resolveCommand('/usr/bin/python3', {}, 'darwin', isFile), '/usr/bin/python3');
    assert.equal(resolveCommand('/usr/bin/python9', {}, 'darwin', isFile), undefined);
  });

  test('on Windows: Path, PATHEXT, backslashes and non-ASCII folders', () => {
    const env = { Path: 'C:\\Windows;C:\\Users\\José Núñez\\AppData\\Local\\Microsoft\\WindowsApps', PATHEXT: '.COM;.EXE;.BAT' };
    assert.equal(resolveCommand('python3', env, 'win32', isFile), 'C:\\Users\\José Núñez\\AppData\\Local\\Microsoft\\WindowsApps\\python3.EXE');
    assert.equal(resolveCommand('python', { Path: 'C:\\Python312\\' }, 'win32', isFile), 'C:\\Python312\\python.EXE');
    assert.equal(resolveCommand('C:\\Python312\\python.exe', {}, 'win32', isFile), 'C:\\Python312\\python.exe');
  });
});

describe('the probe prints what the cache watches', () => {
  test("this machine's python3: its executable and existing import folders", { skip: process.platform === 'win32' }, () => {
    const result = parseProbeOutput(execFileSync('python3', ['-c', PROBE_SCRIPT], { encoding: 'utf8' }));
    assert.ok(result?.watched !== undefined && result.watched.length >= 2, JSON.stringify(result));
    assert.ok(result.watched.every((path) => fs.existsSync(path)));
    assert.ok(fs.statSync(result.watched[0]!).isFile(), 'the first is the executable');
  });
});
