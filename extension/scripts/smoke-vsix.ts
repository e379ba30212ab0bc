// Is each packaged VSIX right for its target, and does it start its server? For each .vsix given:
// unzips it; checks the layout (what a marketplace listing needs is there, and nothing else ships),
// the size, the manifest's TargetPlatform, and that every compiled file is built for that target and
// its folder's CPython (scripts/vsixTargets.ts). For the VSIX of this machine's own target it then,
// for each interpreter given, probes it and plans the launch with the extension's own code
// (src/pythonLaunch.ts), spawns the server the way the extension does, and speaks LSP to it:
// initialize, open the example report, wait for diagnostics and the `aicmo/status` notification, shut down.
//
//   node out/smoke-vsix.js --python python3 [--python .venv/bin/python] [--expect bundled|own]... aicmo-*.vsix
//
// With --bundled, every interpreter runs the bundled server even when it has its own aicmo install.
// The first interpreter also unzips. Exit code 0 when every VSIX and interpreter passed.

import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PROBE_SCRIPT, formatVersion, parseProbeOutput, planLaunch, serverEnvironment } from '../src/pythonLaunch';
import { BUNDLED_VERSIONS, MAX_VSIX_BYTES, type PackedFile, VSIX_TARGETS, binaryKind, hostTarget, targetOfFileName, targetProblems } from './vsixTargets';

const TIMEOUT_MS = 30_000;
const HEADER_BYTES = 4096;

const VALUED_OPTIONS = new Set(['--vsix', '--python', '--expect']);

/** The arguments that are neither an option nor an option's value: the VSIX files. */
function positional(): string[] {
  const args = process.argv.slice(2);
  return args.filter((arg, index) => !arg.startsWith('--') && !VALUED_OPTIONS.has(args[index - 1] ?? ''));
}

function option(name: string): string[] {
  const values: string[] = [];
  process.argv.forEach((arg, index) => {
    const value = process.argv[index + 1];
    if (arg === name && value !== undefined) {
      values.push(value);
    }
  });
  return values;
}

class LspConnection {
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, (result: unknown) => void>();
  private readonly waiters: { method: string; test: (params: unknown) => boolean; resolve: (params: unknown) => void }[] = [];

  constructor(private readonly child: ReturnType<typeof spawn>) {
    child.stdout?.on('data', (chunk: Buffer) => this.receive(chunk));
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, headerEnd).toString())?.[1]);
      if (this.buffer.length < headerEnd + 4 + length) return;
      const message = JSON.parse(this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8'));
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      this.dispatch(message);
    }
  }

  private dispatch(message: { id?: number; method?: string; params?: unknown; result?: unknown }): void {
    if (message.method !== undefined && message.id !== undefined) {
      // A request from the server (configuration, registration, progress): answer like a plain client.
      const result = message.method === 'workspace/configuration' ? [null] : null;
      this.send({ jsonrpc: '2.0', id: message.id, result });
      return;
    }
    if (message.method !== undefined) {
      for (const waiter of [...this.waiters]) {
        if (waiter.method === message.method && waiter.test(message.params)) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve(message.params);
        }
      }
      return;
    }
    if (message.id !== undefined) {
      this.pending.get(message.id)?.(message.result);
      this.pending.delete(message.id);
    }
  }

  send(message: object): void {
    const body = Buffer.from(JSON.stringify(message), 'utf8');
    this.child.stdin?.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.child.stdin?.write(body);
  }

  request(method: string, params: unknown): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.send({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method: string, params: unknown): void {
    this.send({ jsonrpc: '2.0', method, params });
  }

  notification(method: string, test: (params: unknown) => boolean = () => true): Promise<unknown> {
    return new Promise((resolve) => this.waiters.push({ method, test, resolve }));
  }
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${what} within ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

async function smoke(extensionDir: string, python: string, expect: string | undefined, forceBundled: boolean): Promise<void> {
  const probeOutput = execFileSync(python, ['-c', PROBE_SCRIPT], { encoding: 'utf8', cwd: extensionDir });
  const probed = parseProbeOutput(probeOutput);
  if (probed === undefined) throw new Error(`unexpected probe output: ${probeOutput}`);
  const probe = forceBundled ? { ...probed, hasOwnServer: false } : probed;
  const libsRoot = path.join(extensionDir, 'bundled', 'libs');
  const plan = planLaunch(probe, libsRoot, readdirSync(libsRoot));
  if (plan.kind === 'unusable') throw new Error(plan.reason);
  if (expect !== undefined && plan.kind !== expect) throw new Error(`planned ${plan.kind}, expected ${expect}`);
  const env = serverEnvironment(process.env, plan.kind === 'bundled' ? plan.pythonPath : undefined);
  console.log(`${python}: Python ${formatVersion(probe.version)}, ${plan.kind}${plan.kind === 'bundled' ? ` (PYTHONPATH=${env.PYTHONPATH})` : ''}`);

  const started = Date.now();
  const child = spawn(python, ['-m', 'aicmo_lsp'], { env, cwd: tmpdir(), stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const connection = new LspConnection(child);
  try {
    const initialized = (await withTimeout(
      connection.request('initialize', { processId: process.pid, rootUri: null, capabilities: {}, clientInfo: { name: 'smoke-vsix' } }),
      'initialize answer',
    )) as { serverInfo?: { name?: string; version?: string }; capabilities?: object };
    console.log(`  initialize answered in ${Date.now() - started} ms: ${JSON.stringify(initialized.serverInfo ?? {})}`);
    connection.notify('initialized', {});

    const example = path.join(extensionDir, 'generated', 'example-report.md');
    const uri = pathToFileURL(example).toString();
    const diagnostics = connection.notification('textDocument/publishDiagnostics', (p) => (p as { uri?: string }).uri === uri);
    const status = connection.notification('aicmo/status', (p) => (p as { uri?: string }).uri === uri);
    connection.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'markdown', version: 1, text: readFileSync(example, 'utf8') } });
    const published = (await withTimeout(diagnostics, 'diagnostics')) as { diagnostics: { code?: string }[] };
    const codes = published.diagnostics.map((d) => d.code).join(' ');
    const payload = (await withTimeout(status, 'aicmo/status')) as { pack: string; status: string; sections: { failed: number } };
    console.log(`  example report: ${published.diagnostics.length} diagnostics (${codes}); status ${payload.status}, pack ${payload.pack}, ${payload.sections.failed} failing`);
    if (published.diagnostics.length === 0 || payload.status !== 'FAIL') throw new Error('the failing example did not fail');

    await withTimeout(connection.request('shutdown', null), 'shutdown answer');
    connection.notify('exit', null);
    const code = await withTimeout(exited, 'exit');
    console.log(`  shut down, exit code ${code}`);
  } catch (error) {
    child.kill();
    throw new Error(`${(error as Error).message}\n--- server stderr ---\n${stderr}`);
  }
}

/** What a VSIX holds: vsce's manifest, and under extension/ only what runs or what the listing shows. */
const SHIPPED: readonly RegExp[] = [
  /^extension\.vsixmanifest$/,
  /^\[Content_Types\]\.xml$/,
  /^extension\/(package\.json|readme\.md|changelog\.md|LICENSE\.txt|language-configuration\.json|out\/extension\.js)$/,
  /^extension\/(syntaxes|generated|media|bundled\/libs)\//,
];
const REQUIRED: readonly string[] = ['readme.md', 'changelog.md', 'LICENSE.txt', 'media/icon.png', 'out/extension.js'];

function listFiles(root: string, prefix = ''): string[] {
  return readdirSync(path.join(root, prefix), { withFileTypes: true }).flatMap((entry) => {
    const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    return entry.isDirectory() ? listFiles(root, relative) : [relative];
  });
}

/** The layout problems of an unpacked VSIX: a missing file the listing needs, or a stray one. */
function layoutProblems(unpacked: string): string[] {
  const missing = REQUIRED.filter((file) => !existsSync(path.join(unpacked, 'extension', file))).map((file) => `missing extension/${file}`);
  const stray = listFiles(unpacked)
    .filter((file) => !SHIPPED.some((allowed) => allowed.test(file)))
    .map((file) => `stray file ${file}`);
  return [...missing, ...stray];
}

/** Every file of an unpacked VSIX, with its path inside the VSIX and its bytes. */
function packedFiles(unpacked: string): PackedFile[] {
  return listFiles(unpacked).map((file) => ({ path: file, bytes: head(path.join(unpacked, file)) }));
}

/** The first HEADER_BYTES of a file: all that telling its kind and machine needs (a PE header is
 * rarely past its first kilobyte), not the 60 MB of every file of the libraries. */
function head(file: string): Buffer {
  const bytes = Buffer.alloc(HEADER_BYTES);
  const descriptor = openSync(file, 'r');
  try {
    return bytes.subarray(0, readSync(descriptor, bytes, 0, HEADER_BYTES, 0));
  } finally {
    closeSync(descriptor);
  }
}

/** Checks one VSIX: its layout, size and target; on this machine's own target, starts its server. */
async function checkVsix(vsix: string, pythons: readonly string[], expects: readonly string[]): Promise<boolean> {
  const target = targetOfFileName(path.basename(vsix));
  if (target === undefined) {
    console.error(`FAILED: ${vsix} does not name one of the targets ${VSIX_TARGETS.join(', ')}`);
    return false;
  }
  const unpacked = mkdtempSync(path.join(tmpdir(), 'aicmo-vsix-'));
  try {
    execFileSync(pythons[0]!, ['-m', 'zipfile', '-e', path.resolve(vsix), unpacked]);
    const size = statSync(vsix).size;
    const files = packedFiles(unpacked);
    const problems = [
      ...layoutProblems(unpacked),
      ...(size < MAX_VSIX_BYTES ? [] : [`${(size / 1024 / 1024).toFixed(1)} MB, over the ${MAX_VSIX_BYTES / 1024 / 1024} MB limit`]),
      ...targetProblems(target, readFileSync(path.join(unpacked, 'extension.vsixmanifest'), 'utf8'), files),
    ];
    if (problems.length > 0) {
      console.error(`FAILED: ${path.basename(vsix)}:\n  ${problems.join('\n  ')}`);
      return false;
    }
    const compiled = files.filter((file) => binaryKind(file.bytes) !== undefined).length;
    console.log(
      `${path.basename(vsix)}: ${(size / 1024 / 1024).toFixed(1)} MB, ${files.length} files, TargetPlatform ${target}, ` +
        `${compiled} compiled files all for ${target} and their CPython (${BUNDLED_VERSIONS.join(', ')}), no stray file`,
    );
    if (target !== hostTarget(process.platform, process.arch)) {
      return true; // another machine's binaries: checked above, cannot start here
    }
    const extensionDir = path.join(unpacked, 'extension');
    let passed = true;
    for (const [index, python] of pythons.entries()) {
      try {
        await smoke(extensionDir, python, expects[index], process.argv.includes('--bundled'));
      } catch (error) {
        passed = false;
        console.error(`FAILED with ${python}: ${(error as Error).message}`);
      }
    }
    return passed;
  } finally {
    rmSync(unpacked, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const vsixes = [...option('--vsix'), ...positional()];
  const pythons = option('--python');
  const expects = option('--expect');
  if (vsixes.length === 0 || pythons.length === 0) {
    console.error('usage: smoke-vsix [--bundled] --python PYTHON [--expect bundled|own] ... FILE.vsix ...');
    return 2;
  }
  let failed = 0;
  for (const vsix of vsixes) {
    failed += (await checkVsix(vsix, pythons, expects)) ? 0 : 1;
  }
  return failed === 0 ? 0 : 1;
}

main().then((code) => process.exit(code));
