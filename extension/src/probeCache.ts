// Remembers what probing an interpreter found (its version, whether it has its own aicmo_lsp), so a
// new window does not spawn a Python just to ask again. An entry holds while the interpreter's
// executable and every folder it imports from have the size and modification time they had when it
// was probed: installing or removing a package changes its site-packages folder's time, replacing
// the interpreter changes the executable's. The command is resolved on PATH for the key, so a PATH
// that now finds another `python3` misses. Pure (stat and PATH lookups are passed in), so node:test
// covers it; serverLaunch.ts keeps the entries in the extension's global state.

import { envValue, pathFor, type InterpreterCandidate, type LaunchPlatform, type ProbeResult } from './pythonLaunch';

export interface FileStamp {
  path: string;
  mtimeMs: number;
  size: number;
}

export interface CachedProbe {
  result: ProbeResult;
  stamps: FileStamp[];
  /** When it was stored (ms since the epoch): the oldest entries go first. */
  storedAt: number;
}

export type ProbeCache = Record<string, CachedProbe>;
export type Stat = (path: string) => { mtimeMs: number; size: number } | undefined;

/** The most interpreters remembered; each is a few hundred bytes. */
export const MAX_CACHED_PROBES = 16;

/**
 * The cache key of a candidate: its resolved command, its arguments and the environment variables
 * that change what it imports. Undefined (not cached) when the command resolves to nothing, and for
 * the Windows launcher (`py -3`), which picks a different Python once a newer one is installed.
 */
export function probeKey(candidate: InterpreterCandidate, resolvedCommand: string | undefined, env: Record<string, string | undefined>): string | undefined {
  if (resolvedCommand === undefined || candidate.args.length > 0) {
    return undefined;
  }
  return JSON.stringify([resolvedCommand, env.PYTHONPATH ?? '', env.PYTHONHOME ?? '', env.VIRTUAL_ENV ?? '']);
}

/** The stamps of what a probe watches, or undefined when one of them cannot be read. */
export function stampsOf(paths: readonly string[], stat: Stat): FileStamp[] | undefined {
  const stamps: FileStamp[] = [];
  for (const path of paths) {
    const found = stat(path);
    if (found === undefined) {
      return undefined;
    }
    stamps.push({ path, mtimeMs: found.mtimeMs, size: found.size });
  }
  return stamps;
}

/** The remembered probe of `key`, if every file it watched is as it was. */
export function cachedResult(cache: ProbeCache, key: string | undefined, stat: Stat): ProbeResult | undefined {
  const entry = key === undefined ? undefined : cache[key];
  if (entry === undefined || entry.stamps.length === 0) {
    return undefined;
  }
  const holds = entry.stamps.every((stamp) => {
    const now = stat(stamp.path);
    return now !== undefined && now.mtimeMs === stamp.mtimeMs && now.size === stamp.size;
  });
  return holds ? entry.result : undefined;
}

/** `cache` with the probe of `key` added (when it printed what to watch), keeping the newest entries. */
export function withResult(cache: ProbeCache, key: string | undefined, result: ProbeResult, stat: Stat, now: number): ProbeCache {
  const stamps = key === undefined || result.watched === undefined ? undefined : stampsOf(result.watched, stat);
  if (key === undefined || stamps === undefined) {
    return cache;
  }
  const entries = Object.entries({ ...cache, [key]: { result, stamps, storedAt: now } });
  entries.sort(([, a], [, b]) => b.storedAt - a.storedAt);
  return Object.fromEntries(entries.slice(0, MAX_CACHED_PROBES));
}

/** Where `command` is found: itself when it names a path, else the first match on PATH (with PATHEXT on Windows). */
export function resolveCommand(
  command: string,
  env: Record<string, string | undefined>,
  platform: LaunchPlatform,
  isFile: (path: string) => boolean,
): string | undefined {
  const paths = pathFor(platform);
  if (command.includes(paths.sep) || command.includes('/')) {
    return isFile(command) ? command : undefined;
  }
  const extensions =
    platform === 'win32' && paths.extname(command) === '' ? (envValue(env, 'PATHEXT', platform) ?? '.EXE').split(';').filter(Boolean) : [''];
  for (const folder of (envValue(env, 'PATH', platform) ?? '').split(paths.delimiter).filter(Boolean)) {
    for (const extension of extensions) {
      const candidate = paths.join(folder, `${command}${extension}`);
      if (isFile(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}
