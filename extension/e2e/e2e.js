#!/usr/bin/env node
// End-to-end test of the aicmo extension in a real VS Code (code-server 4.100.3 = VS Code 1.100.3),
// driven headless by Playwright through Debian's Chromium. It checks what a writer sees: squiggles
// on the failing sections of an example report, the Problems panel, the hover table on a section
// heading, the code lenses, the status bar item and its quick pick, "Regenerate section" from the
// quick-fix menu (offline template generator), one Undo, settings changed while running
// (aicmo.defaultPack, aicmo.debounceMs) and an .mdx report. It measures the time from opening a
// report to its first squiggle (cold: the first report of a fresh profile, in a window whose
// language server started as the folder opened, or is still starting; warm: a second report), the
// time from opening the window to the server being ready, and the extension host's memory.
//
// Usage: node e2e.js --vsix FILE [--python PYTHON] [--out OUTDIR] [--install-dir DIR]
//                    [--examples DIR] [--keep] [--timeout SECONDS]
//   FILE     the packaged extension (.vsix)
//   PYTHON   the interpreter for aicmo.python.path (default: python3 from PATH). The machine's own
//            python3 cannot import aicmo, so the libraries bundled in the VSIX are what runs.
//   OUTDIR   screenshots (NN-step.png, failure.png), code-server.log, metrics.json
//            (default: test-output/e2e at the repository root)
//   DIR      what setup.sh installed (code-server/, node/); default .realclient at the repo root
//   --examples  the example reports copied into the throw-away workspace (default: examples/)
//   --keep   keep the run folder (profile, workspace, logs) after a pass
//   --trace  aicmo.trace.server = verbose: every LSP message in the output channel's log
// Exit code: 0 passed, 1 a check failed (the message says which step), 2 bad usage.
// Everything it starts (code-server and its children: extension host, language server; Chromium)
// is stopped by process id on success, failure, the time limit and SIGINT/SIGTERM/SIGHUP.
'use strict';

const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const http = require('http');
const net = require('net');
const os = require('os');
const path = require('path');
const { startFakeModel } = require('./fakeModel');
const { writerSteps, mdxColours } = require('./writerSteps');

const ROOT = path.resolve(__dirname, '..', '..');
const CHROMIUM_ARGS = [
  '--no-sandbox', // needed when running as root (CI containers)
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking', // no calls to Google's services on a closed network
  '--disable-component-update',
  '--disable-sync',
];
const STATUS_ID = '#aicmo\\.aicmo\\.aicmo\\.status'; // createStatusBarItem('aicmo.status') in aicmo.aicmo
const OUTPUT_CHANNEL_LOG = /aicmo[^/]*\.log$/i; // the output channel's file under USER_DATA/logs

// The reports the test opens (paths inside the workspace, a copy of examples/).
const QSB = 'failing/quick_social_basic.md';
const LAUNCH = 'failing/launch_gtm_pack.md';
const MDX = 'failing/strategy_campaign_basic.mdx';
const NOTES = 'notes.md'; // written by the test: Markdown with no front matter, so not a report
const NOTES_TEXT = '# Notes for the October plan\n\nLoose thoughts, to become a report once the brief is agreed.\n';
// An .mdx report written by the test: ESM, JSX, an expression and en dashes (which VS Code would box
// as ambiguous Unicode unless the extension turns that off for MDX, as VS Code does for Markdown).
const MDX_DASH = 'dashes.mdx';
const MDX_DASH_TEXT = [
  '---', 'pack: quick_social_basic', 'brand: Fettle Bikes', '---', '',
  'import { Chart } from "./chart"', '', 'export const price = "£49"', '',
  '## Brand & Objectives', '',
  'Spring services run April–May, at {price} a bike – booked online in two minutes.', '',
  '<Chart data={[610, 900]} title="Services booked" />', '',
].join('\n');

// ---------------------------------------------------------------------------------------------
// arguments

function parseArgs(argv) {
  const opts = {
    keep: false,
    timeout: 300,
    python: 'python3',
    out: path.join(ROOT, 'test-output', 'e2e'),
    installDir: path.join(ROOT, '.realclient'),
    examples: path.join(ROOT, 'examples'),
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--install-dir') opts.installDir = path.resolve(next());
    else if (a === '--vsix') opts.vsix = path.resolve(next());
    else if (a === '--python') {
      const py = next();
      opts.python = py.includes('/') ? path.resolve(py) : py; // a bare name is looked up on PATH
    } else if (a === '--out') opts.out = path.resolve(next());
    else if (a === '--examples') opts.examples = path.resolve(next());
    else if (a === '--timeout') opts.timeout = Number(next());
    else if (a === '--keep') opts.keep = true;
    else if (a === '--trace') opts.trace = true;
    else if (a === '--help' || a === '-h') usage('');
    else usage(`unknown argument ${a}`);
  }
  if (!opts.vsix) usage('missing --vsix');
  if (!(opts.timeout > 0)) usage('--timeout needs a positive number of seconds');
  return opts;
}

function usage(msg) {
  if (msg) console.error(`e2e: ${msg}`);
  console.error('usage: node e2e.js --vsix FILE [--python PYTHON] [--out OUTDIR] [--install-dir DIR] [--examples DIR] [--keep] [--trace] [--timeout SECONDS]');
  process.exit(2);
}

const log = (msg) => console.log(`[e2e] ${msg}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const oneLine = (s) => s.replace(/\s+/g, ' ').trim();
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;

// ---------------------------------------------------------------------------------------------
// processes we start, and stopping them by process id

const started = []; // { name, pid }: each was spawned detached, so its pid is also its process group id
let browserServer = null;

function signal(pid, sig) {
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */
  }
}

function procStat(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' '); // state ppid pgrp ...
}

// Live processes in the process group `pgid`: the one we spawned (detached, so it leads its own
// group) and the children it started (code-server's extension host and the language server).
function groupMembers(pgid) {
  const pids = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const fields = procStat(name);
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') pids.push(Number(name));
    } catch {
      /* ended meanwhile */
    }
  }
  return pids;
}

function cmdline(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

function rssKb(pid) {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

// Stops the browser, then every live process in the groups we started. Called from several places
// (the end of the run, a signal, the time limit); they all share one stop.
let stopping = null;
function stopAll() {
  stopping = stopping || stopAllOnce();
  return stopping;
}

async function stopAllOnce() {
  if (browserServer) {
    const t0 = Date.now();
    await Promise.race([browserServer.close().catch(() => {}), sleep(5000)]);
    log(`browser closed in ${secs(Date.now() - t0)}`);
    browserServer = null;
  }
  await Promise.all(started.map(async (p) => {
    const t0 = Date.now();
    const members = groupMembers(p.pid);
    for (const pid of members) signal(pid, 'SIGTERM');
    for (let i = 0; i < 50 && groupMembers(p.pid).length > 0; i++) await sleep(100);
    const left = groupMembers(p.pid);
    if (left.length > 0) {
      log(`${p.name}: pids ${left.join(' ')} did not stop on SIGTERM; sending SIGKILL`);
      for (const pid of left) signal(pid, 'SIGKILL');
      for (let i = 0; i < 20 && groupMembers(p.pid).length > 0; i++) await sleep(100);
    }
    if (members.length > 0) log(`stopped ${p.name} (pids ${members.join(' ')}) in ${secs(Date.now() - t0)}`);
  }));
  started.length = 0;
}

// Last resort if the process ends some other way (uncaught error, process.exit).
process.on('exit', () => {
  for (const p of started) for (const pid of groupMembers(p.pid)) signal(pid, 'SIGKILL');
});
// A signal or the time limit ends the run through the same report-stop-exit path as a failed step.
let interruption = null; // why the run was cut short
let onInterrupt = () => stopAll().finally(() => process.exit(1));
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    interruption = `interrupted by ${sig}`;
    log(`${interruption}: stopping what was started`);
    onInterrupt();
  });
}

// ---------------------------------------------------------------------------------------------
// helpers

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function httpOk(url) {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.setTimeout(1000, () => req.destroy());
  });
}

function tail(file, lines = 40) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(not readable)';
  }
}

function findFiles(dir, pred, acc = []) {
  let entries = [];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return acc;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) findFiles(p, pred, acc);
    else if (pred(p)) acc.push(p);
  }
  return acc;
}

// Polls fn until it returns something truthy. An error thrown by fn ends the wait at once.
async function waitFor(what, fn, timeoutMs, intervalMs = 100) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    last = await fn();
    if (last) return last;
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${secs(timeoutMs)} waiting for ${what}${last ? ` (last seen: ${JSON.stringify(last)})` : ''}`);
}

function check(ok, msg) {
  if (!ok) throw new Error(msg);
}

// ---------------------------------------------------------------------------------------------
// the test

async function main(opts, state) {
  const codeServer = path.join(opts.installDir, 'code-server', 'node_modules', '.bin', 'code-server');
  const playwrightDir = path.join(opts.installDir, 'node', 'node_modules', 'playwright-core');
  const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
  for (const [what, p] of [['code-server', codeServer], ['playwright-core', playwrightDir], ['chromium', chromiumPath],
    ['the .vsix', opts.vsix], ['the examples', path.join(opts.examples, QSB)]]) {
    if (!fs.existsSync(p)) throw new Error(`${what} not found at ${p}; run extension/e2e/setup.sh first`);
  }
  const { chromium } = require(playwrightDir);

  fs.mkdirSync(opts.out, { recursive: true });
  for (const f of fs.readdirSync(opts.out)) if (/\.(png|log|json)$/.test(f)) fs.rmSync(path.join(opts.out, f));
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aicmo-e2e-'));
  state.runDir = runDir;
  const ud = path.join(runDir, 'user-data');
  const extDir = path.join(runDir, 'extensions');
  const ws = path.join(runDir, 'workspace');
  const cfg = path.join(runDir, 'config.yaml');
  fs.cpSync(opts.examples, ws, { recursive: true });
  fs.writeFileSync(path.join(ws, NOTES), NOTES_TEXT);
  fs.writeFileSync(path.join(ws, MDX_DASH), MDX_DASH_TEXT);
  const wsSettings = path.join(ws, '.vscode', 'settings.json');
  const writeWsSettings = (obj) => {
    fs.mkdirSync(path.dirname(wsSettings), { recursive: true });
    fs.writeFileSync(wsSettings, JSON.stringify(obj, null, 2) + '\n');
  };
  writeWsSettings({});
  fs.writeFileSync(cfg, ''); // keeps code-server from writing ~/.config/code-server/config.yaml
  fs.mkdirSync(path.join(ud, 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(ud, 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'security.workspace.trust.enabled': false,
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'extensions.ignoreRecommendations': true,
        'editor.minimap.enabled': false,
        'workbench.reduceMotion': 'on', // no fade-in half-drawn into a screenshot
        'editor.hover.delay': 200,
        'editor.accessibilitySupport': 'off',
        'git.enabled': false,
        'files.exclude': { '**/.vscode': true }, // the test writes workspace settings there
        // VS Code in a browser saves after 1 s by default; keep edits unsaved so the test can tell
        // the editor's text from the file's, and Undo works on the editor's text alone.
        'files.autoSave': 'off',
        'aicmo.python.path': opts.python,
        'aicmo.generator.chain': ['template'], // the embedded offline generator: no network, no key
        ...(opts.trace ? { 'aicmo.trace.server': 'verbose' } : {}), // LSP messages in the output channel
      },
      null,
      2,
    ),
  );
  const original = fs.readFileSync(path.join(ws, QSB), 'utf8');
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (/^(OPENAI|AICMO)_/.test(k)) delete env[k]; // no model, no key
  // The slow-model steps point aicmo.generator.baseUrl at a loopback model (fakeModel.js), which needs
  // a key; the user settings' chain is ["template"], so nothing else ever uses it.
  env.OPENAI_API_KEY = 'sk-e2e-loopback-only';
  const fakeModel = await startFakeModel(6000);
  state.fakeModel = fakeModel;
  Object.assign(env, {
    // code-server's own state (IPC socket, last-opened folder) stays in the run folder
    XDG_DATA_HOME: path.join(runDir, 'xdg-data'),
    XDG_CONFIG_HOME: path.join(runDir, 'xdg-config'),
    XDG_CACHE_HOME: path.join(runDir, 'xdg-cache'),
    // no extension marketplace: nothing to reach on a closed network
    EXTENSIONS_GALLERY: '{}',
  });
  const csArgs = ['--user-data-dir', ud, '--extensions-dir', extDir, '--config', cfg];

  let n = 0;
  const total = 28;
  const step = async (name, fn) => {
    n += 1;
    state.step = `${n}/${total} ${name}`;
    const t0 = Date.now();
    const result = await fn();
    log(`${state.step}: ok (${secs(Date.now() - t0)})`);
    return result;
  };
  let shots = 0;
  const shot = async (name) => {
    shots += 1;
    const file = `${String(shots).padStart(2, '0')}-${name}.png`;
    await state.page.screenshot({ path: path.join(opts.out, file), animations: 'disabled' });
    return file;
  };

  await step('install the extension', async () => {
    const r = spawnSync(codeServer, [...csArgs, '--install-extension', opts.vsix], { env, encoding: 'utf8', timeout: 120000 });
    if (r.status !== 0 || !/successfully installed/.test(r.stdout)) {
      throw new Error(`code-server --install-extension failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
    }
    const installed = fs.readdirSync(extDir).filter((d) => d.startsWith('aicmo.aicmo-'));
    check(installed.length === 1, `expected one aicmo.aicmo-* folder in ${extDir}, found ${JSON.stringify(fs.readdirSync(extDir))}`);
    log(`  installed ${installed[0]}`);
  });

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const csLog = path.join(opts.out, 'code-server.log');
  state.csLog = csLog;
  state.userData = ud;
  let csPid = null;
  await step(`start code-server on ${url}`, async () => {
    const logFd = fs.openSync(csLog, 'w');
    const child = spawn(
      codeServer,
      ['--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
        '--disable-workspace-trust', '--disable-getting-started-override', ...csArgs, ws],
      { env, detached: true, stdio: ['ignore', logFd, logFd] },
    );
    fs.closeSync(logFd);
    csPid = child.pid;
    started.push({ name: 'code-server', pid: child.pid });
    let exited = null;
    child.on('exit', (code, sig) => (exited = `exit ${code ?? sig}`));
    await waitFor('GET /healthz', async () => {
      if (exited) throw new Error(`code-server ended early (${exited}):\n${tail(csLog)}`);
      return httpOk(`${url}/healthz`);
    }, 30000);
  });

  await step('start Chromium and open the workspace', async () => {
    // Our own signal handlers stop everything in order; Playwright's would exit the process at once.
    browserServer = await chromium.launchServer({
      executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS,
      handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
    });
    started.push({ name: 'chromium', pid: browserServer.process().pid });
    const browser = await chromium.connect(browserServer.wsEndpoint());
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url });
    const page = await context.newPage();
    state.page = page;
    page.on('pageerror', (err) => log(`page error: ${err.message}`));
    state.windowOpenedAt = Date.now(); // the extension starts the server as the folder opens (it holds reports)
    await page.goto(`${url}/?folder=${encodeURIComponent(ws)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
    // The explorer lists the folders once the workbench has loaded the workspace.
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'failing' }).first().waitFor({ timeout: 60000 });
  });
  const page = state.page;
  const editor = page.locator('.part.editor .monaco-editor').first();
  const statusItem = page.locator(STATUS_ID);
  const errors = editor.locator('.squiggly-error');
  const lenses = editor.locator('.codelens-decoration');
  const markers = page.locator('.markers-panel');

  const statusText = async () => {
    if ((await statusItem.count()) === 0 || !(await statusItem.first().isVisible())) return '';
    return oneLine(await statusItem.first().innerText());
  };

  // Quick Open (Ctrl+P), type the path, pick the row for that path, Enter. Returns when the editor
  // shows `expect` (a piece of the file's text); the time of the Enter is returned for timings.
  const openFile = async (rel, expect) => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(rel);
    const base = path.basename(rel);
    const dir = path.dirname(rel);
    const focused = page.locator('.quick-input-list .monaco-list-row.focused');
    await waitFor(`Quick Open to offer ${rel}`, async () => {
      if ((await focused.count()) !== 1) return false;
      const t = oneLine(await focused.innerText());
      return t.includes(base) && (dir === '.' || t.includes(dir)) ? t : false;
    }, 10000);
    const t0 = Date.now();
    await page.keyboard.press('Enter');
    await page.locator('.tab.active', { hasText: base }).waitFor({ timeout: 30000 });
    await editor.locator('.view-lines', { hasText: expect }).waitFor({ timeout: 30000 });
    return t0;
  };

  // The visible line of the editor whose text contains `text`, with its box on screen.
  const lineBox = async (text) => {
    const line = editor.locator('.view-lines .view-line', { hasText: text }).first();
    await line.waitFor({ timeout: 10000 });
    const box = await line.boundingBox();
    check(box, `line ${JSON.stringify(text)} has no place on screen`);
    return box;
  };
  // The box of the text itself on that line (the line's box spans the whole editor width).
  const textBox = async (text) => {
    const span = editor.locator('.view-lines .view-line', { hasText: text }).first().locator('span > span').first();
    const box = await span.boundingBox();
    check(box, `text ${JSON.stringify(text)} has no place on screen`);
    return box;
  };
  const boxes = async (loc) => (await loc.evaluateAll((els) => els.map((e) => {
    const r = e.getBoundingClientRect();
    return { x: r.x, y: r.y, width: r.width, height: r.height, text: e.innerText || '' };
  }))).filter((b) => b.width > 0 && b.height > 0);
  // Error squiggles whose top lies on the visible lines from `fromText`'s line up to (not including)
  // `toText`'s line (or the bottom of the editor when that line is out of view).
  const errorsBetween = async (fromText, toText) => {
    const from = await lineBox(fromText);
    const toLoc = editor.locator('.view-lines .view-line', { hasText: toText }).first();
    const toBox = (await toLoc.count()) ? await toLoc.boundingBox() : null;
    const bottom = toBox ? toBox.y : Infinity;
    return (await boxes(errors)).filter((b) => b.y + b.height / 2 >= from.y && b.y + b.height / 2 < bottom);
  };
  // The code lens texts shown just above the line containing `text` (lenses sit in a view zone of
  // one line height directly above their line).
  const lensesAbove = async (text) => {
    const line = await lineBox(text);
    return (await boxes(lenses))
      .filter((b) => b.y < line.y && b.y > line.y - 2.5 * line.height)
      .map((b) => oneLine(b.text));
  };
  // Clicks into the editor's text area (right of the first visible line's text), which focuses it.
  // Not locator.click() on .view-lines: that element scrolls with the text, so a point relative to
  // it may lie outside the window, and Playwright would scroll the whole page to reach it.
  const focusEditor = async () => {
    const box = await editor.locator('.overflow-guard').first().boundingBox();
    check(box, 'the editor has no place on screen');
    await page.mouse.click(box.x + box.width * 0.85, box.y + 10);
  };
  // The whole document, unsaved edits included: select all, copy, read the clipboard.
  const documentText = async () => {
    await page.keyboard.press('Escape');
    await focusEditor();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Control+C');
    const text = await page.evaluate(() => navigator.clipboard.readText());
    await page.keyboard.press('Control+Home'); // drop the selection
    return text;
  };
  const problemsText = async () => oneLine(await markers.innerText());
  // Ctrl+G, the line number, Enter: moves the cursor there and scrolls the line into view.
  const goToLine = async (line) => {
    await page.keyboard.press('Escape');
    await focusEditor();
    await page.keyboard.press('Control+G');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`:${line}`); // the Go to Line picker is Quick Open with its ":" prefix
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 5000 });
    await sleep(200); // the scroll is rendered on the next frames
  };
  // Runs a command from the Command Palette (F1) by its title.
  const runCommand = async (title) => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    const focused = page.locator('.quick-input-list .monaco-list-row.focused');
    // The palette may rank a longer title first ("Close All Editor Groups" for "Close Editor"):
    // arrow down to the row whose label is exactly the title.
    await waitFor(`the command "${title}"`, async () => {
      if ((await focused.count()) !== 1) return false;
      const label = oneLine(await focused.locator('.label-name').first().innerText().catch(() => ''));
      if (label === title) return true;
      await page.keyboard.press('ArrowDown');
      return false;
    }, 10000);
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 5000 });
  };
  const togglePanelMaximized = async () => {
    await runCommand('View: Toggle Maximized Panel');
    await sleep(300);
  };
  // Types into the Problems panel's filter box (an empty string clears it).
  const filterProblems = async (text) => {
    const box = page.locator('.part.panel input[placeholder^="Filter"]:visible').first();
    await box.fill(text);
    await sleep(600); // the filter applies after a short delay
    check((await box.inputValue()) === text, `the Problems filter holds ${JSON.stringify(await box.inputValue())}, not ${JSON.stringify(text)}`);
  };
  const openProblems = async () => {
    if (!(await markers.isVisible())) await page.keyboard.press('Control+Shift+M');
    await markers.waitFor({ state: 'visible', timeout: 10000 });
  };
  const closePanel = async () => {
    if (await markers.isVisible()) await page.keyboard.press('Control+J'); // View: Toggle Panel Visibility
    await markers.waitFor({ state: 'hidden', timeout: 10000 });
  };
  // Hover over the text of a line until a hover containing `want` shows.
  const hoverOn = async (text, want) => {
    const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: want }).first();
    await waitFor(`a hover with ${JSON.stringify(want)}`, async () => {
      const b = await textBox(text);
      const x = b.x + Math.min(60, b.width / 2);
      const y = b.y + b.height / 2;
      await page.mouse.move(x + 300, y + 200); // from outside the text, so the hover opens anew
      await page.mouse.move(x, y, { steps: 5 });
      return hover.waitFor({ timeout: 3000 }).then(() => true, () => false);
    }, 30000);
    return hover;
  };
  // Opens the quick-fix menu with the cursor on `text`'s line; returns the menu's entries.
  const menu = page.locator('.action-widget');
  const openQuickFix = async (text, want) => {
    const b = await textBox(text);
    await page.mouse.click(b.x + Math.min(20, b.width / 2), b.y + b.height / 2); // cursor on that line
    await page.mouse.move(b.x + 500, b.y + 300); // away from the text, so no hover covers the menu
    await page.keyboard.press('Escape'); // closes a hover the click may have opened
    await page.keyboard.press('Control+.');
    await menu.locator('.monaco-list-row', { hasText: want }).first().waitFor({ timeout: 15000 });
    return (await menu.locator('.monaco-list-row').allInnerTexts()).map(oneLine);
  };
  const extensionHostPid = () => {
    if (!csPid) return null;
    return groupMembers(csPid).find((pid) => cmdline(pid).some((a) => a.includes('--type=extensionHost'))) || null;
  };
  const languageServerPids = () => {
    if (!csPid) return [];
    return groupMembers(csPid).filter((pid) => cmdline(pid).some((a) => /aicmo_lsp|aicmo-lsp/.test(a)));
  };

  // ------------------------------------------------------------------------ the failing report
  const metrics = {};
  state.metrics = metrics;
  const QSB_OVERVIEW = '1. Brand & Objectives'; // the Client Overview section's heading
  const QSB_NEXT = '2. Messaging Framework';
  const QSB_CALENDAR = '3. 30-Day Social Calendar';

  await step(`open ${QSB} and wait for its squiggles (cold: the first report of the window)`, async () => {
    const t0 = await openFile(QSB, 'Saltmarsh');
    state.coldOpenedAt = t0;
    await waitFor('an error squiggle', async () => {
      const toasts = await page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts();
      const bad = toasts.find((t) => /couldn't|could not|failed|error/i.test(t) && /aicmo|server|python/i.test(t));
      if (bad) throw new Error(`the extension reported: ${JSON.stringify(bad)}`);
      return (await errors.count()) > 0;
    }, 90000, 50);
    metrics.firstDiagnosticsColdMs = Date.now() - t0;
    log(`  first squiggle ${metrics.firstDiagnosticsColdMs} ms after opening (cold)`);
    // The Client Overview: its heading (too short) and its first line (a forbidden pattern).
    await waitFor('squiggles on the Client Overview heading and its text', async () => {
      const heading = await errorsBetween(QSB_OVERVIEW, "In today's digital age");
      const digitalAge = await errorsBetween("In today's digital age", 'At a Glance');
      return heading.length >= 1 && digitalAge.length >= 1;
    }, 20000);
    log(`  ${(await errorsBetween(QSB_OVERVIEW, QSB_NEXT)).length} error squiggles in the Client Overview`);
    // None in the passing Messaging Framework (from its heading to the bottom of the view).
    const passing = await errorsBetween(QSB_NEXT, QSB_CALENDAR);
    check(passing.length === 0, `the passing Messaging Framework section has ${passing.length} squiggles`);
    // The calendar (line 41, below the fold): not a table, required sub-headings missing.
    await goToLine(41);
    await waitFor('squiggles on the calendar heading', async () => (await errorsBetween(QSB_CALENDAR, 'October Plan')).length >= 1, 20000);
    await goToLine(1);
  });

  await step('code lenses and status bar item of the failing report', async () => {
    const overviewLens = await waitFor('the lenses above the Client Overview heading', async () => {
      const l = await lensesAbove(QSB_OVERVIEW);
      return l.some((t) => /FAIL: \d+ errors?, 64\/120-260 words/.test(t)) ? l : false;
    }, 20000);
    log(`  lenses above "${QSB_OVERVIEW}": ${JSON.stringify(overviewLens)}`);
    const joined = overviewLens.join(' | ');
    check(/\bRegenerate\b/.test(joined), `no "Regenerate" lens above the failing Client Overview: ${joined}`);
    check(/\bExpand\b/.test(joined), `no "Expand" lens above the too-short Client Overview: ${joined}`);
    const passingLens = (await lensesAbove(QSB_NEXT)).join(' | ');
    log(`  lenses above "${QSB_NEXT}": ${JSON.stringify(passingLens)}`);
    check(/PASS: \d+\/100-300 words/.test(passingLens), `Messaging Framework's lens is not a PASS: ${passingLens}`);
    check(!/Regenerate/.test(passingLens), `a passing section has a Regenerate lens: ${passingLens}`);
    const status = await waitFor('the status bar item', async () => {
      const t = await statusText();
      return /^quick_social_basic: \d+ failing$/.test(t) ? t : false;
    }, 20000);
    metrics.statusBarFailing = status;
    log(`  status bar #${await statusItem.getAttribute('id')}: ${JSON.stringify(status)}`);
    await shot('diagnostics-lens-status');
  });

  await step('the Problems panel lists the findings with their rule codes', async () => {
    await openProblems();
    // Shown as a tree: file, then one row per finding with message, source, code and position.
    // The panel lists every report of the workspace; keep the rows of this one, in a maximised
    // panel (the list is virtual: rows out of view are not in the DOM).
    await togglePanelMaximized();
    // Only open documents are checked by default (aicmo.workspaceDiagnostics): the other failing
    // reports of the workspace are not listed.
    await markers.filter({ hasText: 'quick_social_basic.md' }).waitFor({ timeout: 15000 });
    const unfiltered = await problemsText();
    for (const other of ['launch_gtm_pack.md', 'strategy_campaign_basic.mdx']) {
      check(!unfiltered.includes(other), `the Problems panel lists ${other}, which is not open: ${JSON.stringify(unfiltered.slice(0, 300))}`);
    }
    await filterProblems('**/failing/quick_social_basic.md');
    await markers.filter({ hasText: '64 words; this section needs 120-260' }).waitFor({ timeout: 15000 });
    const text = await problemsText();
    log(`  Problems: ${JSON.stringify(text.slice(0, 600))}${text.length > 600 ? '...' : ''}`);
    for (const want of ['quick_social_basic.md', '64 words; this section needs 120-260', 'aicmo', '[Ln 12, Col 1]',
      'AIC001', "missing section 'Hashtag Strategy'", 'AIC101', 'AIC143', '[Ln 14, Col 1]', 'AIC131', "missing sub-heading 'Day'",
      'AIC171', '[Ln 41, Col 1]']) {
      check(text.includes(want), `the Problems panel lacks ${JSON.stringify(want)}: ${JSON.stringify(text)}`);
    }
    // source and code of one row: "aicmo(AIC101)" in VS Code 1.100 (the code is a link to rules.md)
    check(/aicmo\s*\(?\s*AIC101/.test(text), `no row with source aicmo and code AIC101: ${JSON.stringify(text)}`);
    await shot('problems-panel');
    await togglePanelMaximized();
    await filterProblems('');
    await closePanel();
  });

  await step('hover on the Client Overview heading shows the benchmark table', async () => {
    const hover = await hoverOn(QSB_OVERVIEW, 'Client Overview');
    const text = oneLine(await hover.innerText());
    log(`  hover: ${JSON.stringify(text.slice(0, 400))}`);
    // The benchmark table first (its header names the section), then one line on the findings,
    // then how the heading was matched.
    const at = (want) => text.indexOf(want);
    check(at('Client Overview (overview)') >= 0, `hover lacks the table's header "Client Overview (overview)": ${text}`);
    check(at('Client Overview (overview)') < at('FAIL: 2 errors: words 64 (min 120)') && at('FAIL: 2 errors') < at('Matched by'),
      `the hover is not table, then "FAIL: 2 errors: words 64 (min 120)...", then how it was matched: ${text}`);
    const rows = await hover.locator('table tr').evaluateAll((trs) => trs.map((tr) =>
      [...tr.querySelectorAll('th,td')].map((c) => c.textContent.trim())));
    log(`  hover table: ${JSON.stringify(rows)}`);
    check(rows.some((r) => r.join('|') === 'words|64|120-260|✗'), `no row "| words | 64 | 120-260 | ✗ |" in the hover table: ${JSON.stringify(rows)}`);
    await shot('hover-table');
    await page.mouse.move(1200, 700);
    await page.keyboard.press('Escape');
  });

  await step('clicking the status bar item lists the failing sections', async () => {
    await page.keyboard.press('Escape');
    await statusItem.first().click();
    const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    // One row per failing section: its heading and line, its errors and section id.
    await rows.filter({ hasText: QSB_OVERVIEW }).first().waitFor({ timeout: 10000 });
    const items = (await rows.allInnerTexts()).map(oneLine);
    log(`  quick pick: ${JSON.stringify(items)}`);
    check(items.some((t) => t.includes(QSB_OVERVIEW) && t.includes('(overview)')), `the quick pick lacks the Client Overview: ${JSON.stringify(items)}`);
    check(items.some((t) => t.includes(QSB_CALENDAR)), `the quick pick lacks the calendar: ${JSON.stringify(items)}`);
    check(items.length === 2, `the quick pick should list the 2 failing sections: ${JSON.stringify(items)}`);
    await shot('status-bar-failing-sections');
    await page.keyboard.press('Escape');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 5000 });
  });

  await step('quick-fix menus offer generation and model-free fixes', async () => {
    // The calendar: "Insert missing sub-heading 'Day'" (and the generation actions).
    await goToLine(41);
    let entries = await openQuickFix(QSB_CALENDAR, "Insert missing sub-heading 'Day'");
    log(`  menu on the calendar heading: ${JSON.stringify(entries)}`);
    check(entries.some((t) => t.includes("Regenerate section '30-Day Social Calendar'")), `no Regenerate entry for the calendar: ${JSON.stringify(entries)}`);
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'hidden', timeout: 5000 });
    await goToLine(1);
    // The forbidden pattern in the overview's first line.
    entries = await openQuickFix("In today's digital age", 'Remove forbidden');
    log(`  menu on "In today's digital age": ${JSON.stringify(entries)}`);
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'hidden', timeout: 5000 });
  });

  let regenerated = null;
  await step("pick \"Regenerate section 'Client Overview'\" from the quick-fix menu (keyboard)", async () => {
    const title = "Regenerate section 'Client Overview'";
    const entries = await openQuickFix(QSB_OVERVIEW, title);
    log(`  menu on the Client Overview heading: ${JSON.stringify(entries)}`);
    for (const want of [/^Expand section 'Client Overview' to \d+ words/, /^Fix what fails in section 'Client Overview'/]) {
      check(entries.some((t) => want.test(t)), `the menu lacks ${want}: ${JSON.stringify(entries)}`);
    }
    await shot('quick-fix-menu');
    // A mouse click on the row is swallowed by VS Code's .context-view-pointerBlock overlay; choose
    // the entry with the keyboard as a writer would: arrow down to it, then Enter.
    const focused = menu.locator('.monaco-list-row.focused');
    await waitFor(`"${title}" to be the focused entry`, async () => {
      if ((await focused.count()) === 1 && (await focused.innerText()).includes(title)) return true;
      await page.keyboard.press('ArrowDown');
      await sleep(50);
      return false;
    }, 10000);
    const t0 = Date.now();
    await page.keyboard.press('Enter');
    // The server reports progress while the generator runs, then applies one edit.
    const progress = page.locator('.notifications-toasts .notification-list-item', { hasText: /Regenerat|aicmo/i });
    let sawProgress = false;
    await waitFor('the regenerated text (the editor becomes dirty)', async () => {
      if (!sawProgress && (await progress.count()) > 0) {
        sawProgress = true;
        log(`  progress: ${JSON.stringify(oneLine(await progress.first().innerText().catch(() => '')))}`);
        await shot('regenerating-progress').catch(() => {});
      }
      return (await page.locator('.tab.active.dirty').count()) > 0;
    }, 60000, 50);
    metrics.regenerateMs = Date.now() - t0;
    log(`  edit applied ${metrics.regenerateMs} ms after Enter${sawProgress ? '' : ' (too quick to catch the progress notification)'}`);
    await waitFor('the progress notification to go', async () => (await progress.count()) === 0, 30000);
    regenerated = Date.now();
  });

  await step('the regenerated section passes: its squiggles and its FAIL lens go', async () => {
    await page.keyboard.press('Control+Home');
    await waitFor('no squiggle left in the Client Overview section', async () => (await errorsBetween(QSB_OVERVIEW, QSB_NEXT)).length === 0, 20000);
    const lens = await waitFor('a PASS lens above the Client Overview', async () => {
      const l = await lensesAbove(QSB_OVERVIEW);
      return l.some((t) => /^PASS\b/.test(t)) ? l : false;
    }, 20000);
    log(`  lenses above "${QSB_OVERVIEW}": ${JSON.stringify(lens)} (${Date.now() - regenerated} ms after the edit)`);
    check(!lens.join(' ').includes('Regenerate'), `a Regenerate lens is still shown: ${lens}`);
    const status = await statusText();
    log(`  status bar: ${JSON.stringify(status)}`);
    check(status !== metrics.statusBarFailing, `the status bar did not change: ${status}`);
    await shot('after-regenerate');
    const text = await documentText();
    const headingAt = original.indexOf(`## ${QSB_OVERVIEW}`);
    const nextAt = original.indexOf(`## ${QSB_NEXT}`);
    check(text !== original, 'the document did not change');
    check(text.startsWith(original.slice(0, headingAt)), 'the text before the Client Overview section changed');
    check(text.endsWith(original.slice(nextAt)), 'the text after the Client Overview section changed');
    const section = text.slice(headingAt, text.length - (original.length - nextAt));
    check(section.startsWith(`## ${QSB_OVERVIEW}\n`), `the regenerated section lost its heading:\n${section.slice(0, 200)}`);
    check(!/in today's digital age/i.test(section), `the regenerated section still says "In today's digital age":\n${section}`);
    check(section !== original.slice(headingAt, nextAt), 'the section text did not change');
    log(`  the section now has ${section.split(/\s+/).filter((w) => /\w/.test(w)).length} words (was 64):\n${section.trim().split('\n').slice(0, 6).map((l) => `      ${l}`).join('\n')}\n      ...`);
    const onDisk = fs.readFileSync(path.join(ws, QSB), 'utf8');
    check(onDisk === original, 'the file changed on disk before it was saved');
  });

  await step('one Undo restores the original text exactly', async () => {
    await focusEditor();
    await page.keyboard.press('Control+Z');
    await waitFor('the squiggles to come back in the Client Overview', async () => (await errorsBetween(QSB_OVERVIEW, QSB_NEXT)).length >= 2, 20000);
    const text = await documentText();
    check(text === original, `after one Undo the document differs from the original (length ${text.length} vs ${original.length})`);
    await page.locator('.tab.active:not(.dirty)', { hasText: path.basename(QSB) }).waitFor({ timeout: 5000 }); // back to the saved text
    await waitFor('the FAIL lens to come back', async () => (await lensesAbove(QSB_OVERVIEW)).some((t) => /^FAIL: .*64\/120-260 words/.test(t)), 20000);
    await waitFor('the status bar to read as before', async () => (await statusText()) === metrics.statusBarFailing, 20000);
    await shot('after-undo');
  });

  await step(`open a second report, ${LAUNCH} (warm: the server is running)`, async () => {
    const t0 = await openFile(LAUNCH, 'Lowtide');
    await waitFor('an error squiggle', async () => (await errors.count()) > 0, 60000, 50);
    metrics.firstDiagnosticsWarmMs = Date.now() - t0;
    log(`  first squiggle ${metrics.firstDiagnosticsWarmMs} ms after opening (warm)`);
    const status = await waitFor('the status bar item', async () => {
      const t = await statusText();
      return /^launch_gtm_pack: \d+ failing$/.test(t) ? t : false;
    }, 20000);
    log(`  status bar: ${JSON.stringify(status)}`);
  });

  await step(`an .mdx report: ${MDX}`, async () => {
    const t0 = await openFile(MDX, 'Fettle');
    // MDX wraps long lines (as VS Code does for Markdown), so the first failing section may be below
    // the fold: a squiggle in view or the status bar's count, whichever shows first.
    await waitFor('an error squiggle or the failing count', async () =>
      (await errors.count()) > 0 || /^strategy_campaign_basic: \d+ failing$/.test(await statusText()), 60000, 50);
    metrics.firstDiagnosticsMdxMs = Date.now() - t0;
    const status = await waitFor('the status bar item', async () => {
      const t = await statusText();
      return /^strategy_campaign_basic: \d+ failing$/.test(t) ? t : false;
    }, 20000);
    const mode = oneLine(await page.locator('#status\\.editor\\.mode').innerText().catch(() => '?'));
    log(`  first squiggle after ${metrics.firstDiagnosticsMdxMs} ms; status bar ${JSON.stringify(status)}; language mode ${JSON.stringify(mode)}`);
    const lensTexts = await waitFor('a status lens in the .mdx report', async () => {
      const texts = (await boxes(lenses)).map((b) => oneLine(b.text));
      return texts.some((t) => /^(PASS|FAIL)\b/.test(t)) ? texts : false;
    }, 20000);
    log(`  lenses in view: ${JSON.stringify(lensTexts.slice(0, 4))}${lensTexts.length > 4 ? ' ...' : ''}`);
    await openProblems();
    await togglePanelMaximized();
    await filterProblems('**/*.mdx');
    await markers.filter({ hasText: "missing sub-heading 'Why It Works'" }).waitFor({ timeout: 15000 });
    const text = await problemsText();
    for (const want of ['strategy_campaign_basic.mdx', 'AIC131', 'AIC142']) {
      check(text.includes(want), `the Problems panel lacks ${JSON.stringify(want)} for the .mdx report: ${JSON.stringify(text)}`);
    }
    await shot('mdx-report');
    await togglePanelMaximized();
    await filterProblems('');
    await closePanel();
  });

  await step(`MDX colouring and no boxed en dashes: ${MDX_DASH}`, async () => {
    await openFile(MDX_DASH, 'April');
    await mdxColours({ editor, check, log });
    await shot('mdx-colours');
  });

  // Undo until the report is back to its saved text, and check it is the original.
  const undoToOriginal = async () => {
    await focusEditor();
    // (typed text is undone a word at a time; aicmo's edits in one step)
    for (let i = 0; i < 60 && (await page.locator('.tab.active.dirty').count()) > 0; i++) {
      await page.keyboard.press('Control+Z');
      await sleep(60);
    }
    const text = await documentText();
    check(text === original, `Undo did not bring back the original text (length ${text.length} vs ${original.length})`);
  };
  await writerSteps({
    page, editor, step, shot, check, waitFor, sleep, log, oneLine, metrics, openFile, runCommand, focusEditor, goToLine,
    documentText, writeWsSettings, undoToOriginal, fakeModel: state.fakeModel, userData: ud, QSB, QSB_OVERVIEW,
    focusEditorGroup: async () => runCommand('View: Focus First Editor Group'),
  });

  await step("the extension host's memory, after three reports, a regeneration and an Undo", async () => {
    const host = extensionHostPid();
    check(host, `no extension host (--type=extensionHost) in code-server's process group ${csPid}`);
    metrics.extensionHostPid = host;
    metrics.extensionHostRssMb = Math.round((rssKb(host) || 0) / 102.4) / 10;
    const servers = languageServerPids();
    metrics.languageServerRssMb = servers.map((p) => Math.round((rssKb(p) || 0) / 102.4) / 10);
    metrics.languageServerCmd = servers.map((p) => cmdline(p).join(' '));
    log(`  extension host pid ${host}: VmRSS ${metrics.extensionHostRssMb} MB`);
    log(`  language server: ${servers.map((p, i) => `pid ${p} VmRSS ${metrics.languageServerRssMb[i]} MB (${metrics.languageServerCmd[i]})`).join('; ') || 'not found'}`);
    // The server runs from the VSIX's bundled libraries with the interpreter given by --python.
    check(servers.length === 1, `expected one language server process in code-server's process group, found ${servers.length}`);
    const environ = fs.readFileSync(`/proc/${servers[0]}/environ`, 'utf8').split('\0');
    const pythonPath = (environ.find((e) => e.startsWith('PYTHONPATH=')) || '').slice('PYTHONPATH='.length);
    log(`  language server PYTHONPATH=${pythonPath}`);
    check(pythonPath.includes(path.join(extDir, 'aicmo.aicmo-')) && pythonPath.includes('bundled'),
      `the language server does not run from the installed VSIX's bundled libraries (PYTHONPATH=${JSON.stringify(pythonPath)})`);
  });


  // A new window (`load` reloads the page or opens another folder): its workbench and explorer
  // drawn, the old extension host gone and a new one up.
  const newWindow = async (load) => {
    const hostBefore = extensionHostPid();
    await load();
    await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'failing' }).first().waitFor({ timeout: 60000 });
    await waitFor('the old extension host to end', async () => !groupMembers(csPid).includes(hostBefore), 30000);
    await waitFor('a new extension host', async () => extensionHostPid(), 30000);
  };
  // Opens the failing report and returns the time to its first error squiggle.
  const firstSquiggleMs = async () => {
    const t0 = await openFile(QSB, 'Saltmarsh');
    await waitFor('an error squiggle', async () => (await errors.count()) > 0, 60000, 50);
    return Date.now() - t0;
  };

  await step('reload the window: a new extension host and server, the extension already installed', async () => {
    await runCommand('View: Close All Editors');
    await page.locator('.tab').first().waitFor({ state: 'detached', timeout: 10000 });
    await newWindow(() => page.reload());
    metrics.firstDiagnosticsAfterReloadMs = await firstSquiggleMs();
    log(`  first squiggle ${metrics.firstDiagnosticsAfterReloadMs} ms after opening (a new server; bytecode cached)`);
    await statusItem.filter({ hasText: 'quick_social_basic: 2 failing' }).waitFor({ timeout: 20000 });
  });

  // ---------------------------------------------------------------- settings while running
  const typeAtEnd = async (text) => {
    await focusEditor();
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText(text); // one input event: a single edit, no suggest widget per key
  };
  // Time from an edit to the status bar text changing (the server validates after debounceMs).
  const statusLatency = async (text) => {
    const before = await statusText();
    const t0 = Date.now();
    await typeAtEnd(text);
    const after = await waitFor(`the status bar to change from ${JSON.stringify(before)}`, async () => {
      const t = await statusText();
      return t !== before ? t : false;
    }, 20000, 25);
    const ms = Date.now() - t0;
    log(`  status bar ${JSON.stringify(before)} -> ${JSON.stringify(after)} ${ms} ms after the edit`);
    return ms;
  };

  await step(`a Markdown file with no pack (${NOTES}): no squiggles, "aicmo: no pack" opens the pack picker`, async () => {
    await openFile(NOTES, 'Notes for the October plan');
    const status = await waitFor('the "no pack" status bar item', async () => {
      const t = await statusText();
      return /no pack/.test(t) ? t : false;
    }, 20000);
    check(/^aicmo: no pack/.test(status), `the status bar item reads ${JSON.stringify(status)} for a file with no pack`);
    check((await errors.count()) === 0, `${NOTES} has squiggles before any pack applies`);
    check((await editor.locator('.squiggly-warning, .squiggly-info').count()) === 0, `${NOTES} has warnings before any pack applies`);
    check((await lenses.count()) === 0, `${NOTES} has code lenses before any pack applies`);
    await statusItem.first().click();
    const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    await rows.filter({ hasText: 'Quick Social' }).first().waitFor({ timeout: 10000 });
    log(`  ${JSON.stringify(status)}; the picker offers ${await rows.count()} packs`);
    await shot('no-pack-picker');
    await page.keyboard.press('Escape');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 5000 });
  });

  await step('setting aicmo.defaultPack in .vscode/settings.json makes it a report, no restart', async () => {
    const hostBefore = extensionHostPid();
    const serverBefore = languageServerPids();
    writeWsSettings({ 'aicmo.defaultPack': 'quick_social_basic' });
    const status = await waitFor('the status bar item for quick_social_basic', async () => {
      const t = await statusText();
      return t.startsWith('quick_social_basic: ') ? t : false;
    }, 20000);
    await waitFor('squiggles in the file', async () => (await errors.count()) > 0, 20000);
    log(`  status bar: ${JSON.stringify(status)}; ${await errors.count()} error squiggles`);
    check(/^quick_social_basic: \d+ (missing|failing)$/.test(status), `unexpected status bar text ${JSON.stringify(status)}`);
    check(extensionHostPid() === hostBefore, 'the extension host was restarted');
    const serverAfter = languageServerPids();
    log(`  language server pids before ${JSON.stringify(serverBefore)}, after ${JSON.stringify(serverAfter)}`);
    if (serverBefore.length) check(serverBefore.every((p) => serverAfter.includes(p)), 'the language server was restarted');
    await shot('default-pack-setting');
  });

  await step('changing aicmo.debounceMs takes effect without a restart', async () => {
    await typeAtEnd('\n\n');
    await sleep(1500); // let the blank lines' own validation finish
    const fast = await statusLatency('## Hashtag Strategy\n');
    metrics.statusLatencyDefaultDebounceMs = fast;
    check(fast < 2000, `with the default debounce (150 ms) the status bar took ${fast} ms to follow an edit`);
    // A long debounce, together with another default pack: the pack's change in the status bar
    // shows that the server has read the new settings.
    writeWsSettings({ 'aicmo.defaultPack': 'launch_gtm_pack', 'aicmo.debounceMs': 3000 });
    await waitFor('the status bar item for launch_gtm_pack', async () => (await statusText()).startsWith('launch_gtm_pack: '), 20000);
    await typeAtEnd('\n');
    await sleep(4000); // past the new debounce: nothing pending
    const slow = await statusLatency('## Ad Concepts\n');
    metrics.statusLatencyDebounce3000Ms = slow;
    check(slow >= 2700, `with aicmo.debounceMs 3000 the status bar followed an edit after only ${slow} ms`);
    await shot('debounce-setting');
  });

  // A writer opens a window on a folder of reports and looks at it before opening one. The server
  // starts as the folder opens (workspaceContains) and warms up meanwhile, which the cold step cannot
  // show: it opens its report about 1 s after the extension host starts, before VS Code's
  // workspaceContains activation. A second copy of the examples, so no editor of this run is restored.
  const PAUSE_MS = 3000;
  await step(`a new window on another folder of reports, its first report opened ${PAUSE_MS / 1000} s later: the server started with the window`, async () => {
    const second = path.join(path.dirname(ws), 'second-folder');
    fs.cpSync(opts.examples, second, { recursive: true });
    await newWindow(() => page.goto(`${url}/?folder=${encodeURIComponent(second)}`));
    await sleep(PAUSE_MS);
    metrics.firstDiagnosticsAfterPauseMs = await firstSquiggleMs();
    log(`  first squiggle ${metrics.firstDiagnosticsAfterPauseMs} ms after opening (the server started with the window)`);
    await statusItem.filter({ hasText: 'quick_social_basic: 2 failing' }).waitFor({ timeout: 20000 });
  });
}

async function run() {
  const opts = parseArgs(process.argv.slice(2));
  const state = { step: 'setup', page: null, runDir: null, metrics: null };
  const t0 = Date.now();
  let finishing = null;
  const finish = (err) => (finishing = finishing || report(err));

  /** The output channel's logs of every window of the run (one per extension host). */
  function channelLogs() {
    const logs = state.userData ? findFiles(path.join(state.userData, 'logs'), (p) => OUTPUT_CHANNEL_LOG.test(path.basename(p))) : [];
    return logs.map((file) => fs.readFileSync(file, 'utf8'));
  }

  /**
   * The extension's own account of each server start ("Server ready in ... ms: ...; started <why>,
   * ready at <ISO time>"), from the output channel's `logs`, in the order they became ready.
   */
  function serverStarts(logs) {
    const pattern = /Server ready in (\d+) ms: finding Python (\d+) ms, starting the server and its initialize (\d+) ms \(extension host up (\d+) ms\)(?:; started (.*?), ready at (\S+))?$/gm;
    const server = /initialize (\d+) ms after this module ran \(imports (\d+) ms\); Python's own start (\d+) ms/g;
    const starts = logs.flatMap((text) => {
      const own = [...text.matchAll(server)];
      return [...text.matchAll(pattern)].map((m, index) => ({
        readyMs: +m[1],
        findPythonMs: +m[2],
        serverStartMs: +m[3],
        extensionHostUpMs: +m[4],
        ...(m[5] !== undefined ? { startedWhy: m[5], readyAt: Date.parse(m[6]) } : {}),
        ...(own[index] ? { pythonStartMs: +own[index][3], serverImportsMs: +own[index][2], serverInitializeMs: +own[index][1] } : {}),
      }));
    });
    return starts.sort((a, b) => (a.readyAt ?? 0) - (b.readyAt ?? 0));
  }

  /**
   * The extension's lines on when its server starts: how long it looked for reports, why it waits, and
   * whether the server was running yet when the window's first report opened.
   */
  function startDecisionLines(logs) {
    const pattern = /(?:Looked for reports|The server starts when|First report opened|aicmo_lsp\.app: warmed up|aicmo_lsp\.app: first check) .*$/gm;
    return logs.flatMap((text) => [...text.matchAll(pattern)].map((m) => m[0]));
  }

  /** The server start of the first window: the first one ready after the page was loaded. */
  function windowTimings(metrics) {
    const first = (metrics.serverStarts || []).find((start) => start.readyAt !== undefined && start.readyAt >= state.windowOpenedAt);
    if (!first) return;
    metrics.windowToServerReadyMs = first.readyAt - state.windowOpenedAt;
    // Positive: the server was ready that long before the first report was opened; negative: it was still starting.
    if (state.coldOpenedAt !== undefined) metrics.serverReadyBeforeColdOpenMs = state.coldOpenedAt - first.readyAt;
  }

  async function report(failed) {
    clearTimeout(timer);
    if (state.metrics) {
      const logs = channelLogs();
      state.metrics.serverStarts = serverStarts(logs);
      state.metrics.serverStartLog = startDecisionLines(logs);
      windowTimings(state.metrics);
    }
    if (failed && interruption) failed = new Error(interruption);
    if (failed) {
      log(`FAILED at step ${state.step}: ${failed.message}`);
      if (state.page) {
        await state.page.screenshot({ path: path.join(opts.out, 'failure.png') }).catch(() => {});
        const toasts = await state.page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts().catch(() => []);
        for (const t of toasts) console.error(`notification: ${t}`);
      }
      if (state.csLog) console.error(`--- code-server log (tail) ---\n${tail(state.csLog)}`);
      const logs = state.userData ? findFiles(path.join(state.userData, 'logs'), (p) => OUTPUT_CHANNEL_LOG.test(path.basename(p)) || /exthost\.log$/.test(p)) : [];
      for (const f of logs) {
        console.error(`--- ${f} (tail) ---\n${tail(f, 60)}`);
        try {
          fs.copyFileSync(f, path.join(opts.out, path.basename(f).replace(/\s+/g, '-')));
        } catch {
          /* best effort */
        }
      }
      if (state.runDir) console.error(`run folder kept for a look: ${state.runDir}`);
    }
    await stopAll();
    if (!failed && state.runDir && !opts.keep) fs.rmSync(state.runDir, { recursive: true, force: true });
    const m = state.metrics;
    if (m && m.firstDiagnosticsColdMs !== undefined) {
      fs.writeFileSync(path.join(opts.out, 'metrics.json'), JSON.stringify(m, null, 2) + '\n');
      log(`first diagnostics after opening a report: cold ${m.firstDiagnosticsColdMs} ms (the first report of a fresh profile; when its server started, below), warm ${m.firstDiagnosticsWarmMs} ms (second report), .mdx ${m.firstDiagnosticsMdxMs} ms, after a window reload ${m.firstDiagnosticsAfterReloadMs} ms (a new server, the extension already installed), opened 3 s after a reload ${m.firstDiagnosticsAfterPauseMs} ms (the server started with the window)`);
      log(`extension host VmRSS ${m.extensionHostRssMb} MB; language server VmRSS ${(m.languageServerRssMb || []).join(', ') || '?'} MB`);
      if (m.windowToServerReadyMs !== undefined) {
        const before = m.serverReadyBeforeColdOpenMs;
        log(`server ready ${m.windowToServerReadyMs} ms after the window was opened` +
          (before === undefined ? '' : before >= 0 ? `, ${before} ms before the first report was opened` : `, ${-before} ms after the first report was opened`));
      }
      for (const line of m.serverStartLog || []) log(`  the extension's log: ${line}`);
      for (const start of m.serverStarts || []) {
        log(`server start (the extension's log): ready ${start.readyMs} ms after it was asked for = finding Python ${start.findPythonMs} ms + the server's start and initialize ${start.serverStartMs} ms; extension host ${start.extensionHostUpMs} ms old; started ${start.startedWhy ?? '?'}`);
        if (start.pythonStartMs !== undefined) {
          log(`  of the server's start (its own log): Python's start ${start.pythonStartMs} ms, then imports ${start.serverImportsMs} ms, initialize answered at ${start.serverInitializeMs} ms`);
        }
      }
    }
    log(failed ? `FAILED; screenshots and logs in ${opts.out}` : `PASSED in ${secs(Date.now() - t0)}; screenshots in ${opts.out}`);
    process.exit(failed ? 1 : 0); // open handles (Playwright's connection) could keep Node alive for seconds
  }

  onInterrupt = () => finish(new Error('interrupted'));
  const timer = setTimeout(() => {
    interruption = `the whole test ran past ${opts.timeout} s`;
    finish(new Error(interruption));
  }, opts.timeout * 1000);
  try {
    await main(opts, state);
  } catch (err) {
    return finish(err);
  }
  return finish(null);
}

run();
