// The Report Scorecard webview's HTML, rendered from the server's `aicmo.scorecard` answer.
// Pure: no `vscode` import, so node:test covers it (test/scorecard.test.ts). scorecard.ts owns the
// panel, the messages and when to render.
//
// Strict CSP (nothing but this page's own nonce'd style and script), no remote content, every text
// escaped. The bars are SVG rects whose widths are attributes (percent), so no inline style is needed.
// Stable hooks for tests: `.aicmo-row[data-section="overview"]`, `.aicmo-bar`, `.aicmo-band`,
// `.aicmo-missing`, `.aicmo-unknown`, `data-status` on each row.

import type { Scorecard, ScorecardBound, ScorecardSection } from './scorecardData';

/** What the panel shows. */
export type ScorecardState =
  | { kind: 'noDocument' }
  | { kind: 'loading'; documentName: string }
  | { kind: 'unavailable'; documentName: string; reason: string }
  | { kind: 'scorecard'; documentName: string; scorecard: Scorecard };

/** The message the page posts when a row (a section or an unknown heading) is clicked. */
export interface RevealMessage {
  type: 'reveal';
  section: string | null;
  line: number;
}

/** The message of the "Select Pack" button of a document that names no pack. */
export interface ChoosePackMessage {
  type: 'choosePack';
}

/** The page's first message: its script listens, so updates can be posted to it. */
export interface ReadyMessage {
  type: 'ready';
}

export type ViewMessage = RevealMessage | ChoosePackMessage | ReadyMessage;

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** The CSS class of a status: `aicmo-pass`, `aicmo-warn` or `aicmo-fail`. */
export function statusClass(status: string): string {
  switch (status) {
    case 'PASS':
      return 'aicmo-pass';
    case 'PASS_WITH_WARNINGS':
      return 'aicmo-warn';
    default:
      return 'aicmo-fail';
  }
}

const STATUS_WORDS: Record<string, string> = { PASS: 'passes', PASS_WITH_WARNINGS: 'passes with warnings', FAIL: 'fails' };

/** Percentages of the track: the words' bar, and the band of the target range when there is one. */
export interface BarGeometry {
  bar: number;
  band: { start: number; width: number } | null;
}

function percent(value: number, scale: number): number {
  return Math.round(Math.min(100, Math.max(0, (value / scale) * 100)) * 100) / 100;
}

/**
 * The track of a section is 15% longer than the largest of its words, its range's ends and its
 * expand target, so the bar and the band never touch the right edge unless they overflow it.
 */
export function barGeometry(section: ScorecardSection): BarGeometry {
  const { words, minWords, maxWords, expandTarget } = section;
  const top = Math.max(words, minWords ?? 0, maxWords ?? 0, expandTarget ?? 0);
  const scale = top > 0 ? top * 1.15 : 1;
  if (minWords === null && maxWords === null) {
    return { bar: percent(words, scale), band: null };
  }
  const start = percent(minWords ?? 0, scale);
  const end = maxWords === null ? 100 : percent(maxWords, scale);
  return { bar: percent(words, scale), band: { start, width: Math.round((end - start) * 100) / 100 } };
}

function range(min: number | null, max: number | null): string {
  if (min !== null && max !== null) {
    return `${min}-${max}`;
  }
  if (min !== null) {
    return `min ${min}`;
  }
  return max !== null ? `max ${max}` : '';
}

/** `212 / 280-400 words`, `212 / min 280 words`, or `212 words` without a range. */
export function wordFigures(section: ScorecardSection): string {
  const bounds = range(section.minWords, section.maxWords);
  return bounds === '' ? `${section.words} words` : `${section.words} / ${bounds} words`;
}

/** `bullets 3 (min 4)`. */
export function boundText(bound: ScorecardBound): string {
  if (bound.now !== null && bound.bound !== null) {
    return `${bound.label} ${bound.now} (${bound.bound})`;
  }
  const bounds = range(bound.min, bound.max);
  const value = bound.value === null ? '–' : String(bound.value);
  return bounds === '' ? `${bound.label} ${value}` : `${bound.label} ${value} (${bounds})`;
}

function plural(n: number, one: string): string {
  return `${n} ${n === 1 ? one : `${one}s`}`;
}

function sectionRow(section: ScorecardSection): string {
  const geometry = barGeometry(section);
  const status = statusClass(section.status);
  const counts = [section.errors > 0 ? plural(section.errors, 'error') : '', section.warnings > 0 ? plural(section.warnings, 'warning') : '']
    .filter(Boolean)
    .join(', ');
  const band = geometry.band
    ? `<rect class="aicmo-band" x="${geometry.band.start}%" y="0" width="${geometry.band.width}%" height="14"></rect>`
    : '';
  const bounds = section.bounds
    .map(
      (b) =>
        `<li class="aicmo-bound ${b.ok ? 'aicmo-bound-ok' : 'aicmo-bound-fail'}" data-bound="${escapeHtml(b.name)}">${escapeHtml(boundText(b))}</li>`,
    )
    .join('');
  const findings = section.findings.map((f) => `<li>${escapeHtml(f)}</li>`).join('');
  const figures = wordFigures(section);
  return [
    `<li class="aicmo-row ${status}" data-section="${escapeHtml(section.section)}" data-line="${section.line}" data-status="${escapeHtml(section.status)}" tabindex="0" role="button" title="Go to the heading (line ${section.line + 1})">`,
    `<div class="aicmo-head"><span class="aicmo-label">${escapeHtml(section.label)}</span>`,
    `<span class="aicmo-verdict">${escapeHtml(section.status)}${counts ? ` · ${counts}` : ''}</span></div>`,
    `<svg class="aicmo-track" width="100%" height="14" role="img" aria-label="${escapeHtml(figures)}">`,
    `<rect class="aicmo-track-bg" x="0" y="0" width="100%" height="14"></rect>${band}`,
    `<rect class="aicmo-bar ${status}" x="0" y="3" width="${geometry.bar}%" height="8" data-percent="${geometry.bar}"></rect></svg>`,
    `<div class="aicmo-figures">${escapeHtml(figures)}</div>`,
    bounds ? `<ul class="aicmo-bounds">${bounds}</ul>` : '',
    findings ? `<ul class="aicmo-findings">${findings}</ul>` : '',
    '</li>',
  ].join('');
}

function reportBody(scorecard: Scorecard, documentName: string): string {
  if (scorecard.pack === null) {
    return [
      `<p class="aicmo-doc">${escapeHtml(documentName)}</p>`,
      '<p class="aicmo-empty">This file names no pack, so it is not checked and has no scorecard.</p>',
      '<button class="aicmo-choose-pack" data-action="choosePack">Select Pack for This File</button>',
    ].join('');
  }
  const failing = scorecard.sections.filter((s) => s.status === 'FAIL').length;
  const summary = [`${plural(scorecard.sections.length, 'section')}`, `${failing} failing`, `${scorecard.missing.length} missing`].join(', ');
  const title = scorecard.packLabel ?? scorecard.pack;
  const header = [
    `<header class="aicmo-header" data-status="${escapeHtml(scorecard.status)}">`,
    `<h1><span class="aicmo-pack-label">${escapeHtml(title)}</span> <code class="aicmo-pack">${escapeHtml(scorecard.pack)}</code></h1>`,
    `<p><span class="aicmo-overall ${statusClass(scorecard.status)}">${escapeHtml(scorecard.status)}</span> `,
    `<span class="aicmo-doc">${escapeHtml(documentName)} ${escapeHtml(STATUS_WORDS[scorecard.status] ?? scorecard.status.toLowerCase())}: ${escapeHtml(summary)}</span></p>`,
    '</header>',
  ].join('');
  const rows = scorecard.sections.map(sectionRow).join('');
  const missing = scorecard.missing.length
    ? `<section class="aicmo-missing"><h2>Missing sections</h2><ul>${scorecard.missing
        .map((m) => `<li data-missing="${escapeHtml(m.section)}">${escapeHtml(m.label)}</li>`)
        .join('')}</ul></section>`
    : '';
  const unknown = scorecard.unknown.length
    ? `<section class="aicmo-unknown"><h2>Headings that are not sections of the pack</h2><ul>${scorecard.unknown
        .map((u) => `<li class="aicmo-unknown-row" data-line="${u.line}" tabindex="0" role="button">${escapeHtml(u.label)}</li>`)
        .join('')}</ul></section>`
    : '';
  return `${header}<ol class="aicmo-rows">${rows}</ol>${missing}${unknown}`;
}

/** The page's content (inside `<main id="aicmo-root">`): posted to a shown page as `{type: 'render', html}` so that an update keeps its scroll position. */
export function renderScorecardBody(state: ScorecardState): string {
  switch (state.kind) {
    case 'noDocument':
      return '<p class="aicmo-empty">Open a Markdown or MDX report to see its scorecard.</p>';
    case 'loading':
      return `<p class="aicmo-empty">Reading the scorecard of ${escapeHtml(state.documentName)}…</p>`;
    case 'unavailable':
      return `<p class="aicmo-empty">No scorecard for ${escapeHtml(state.documentName)}: ${escapeHtml(state.reason)}</p>`;
    case 'scorecard':
      return reportBody(state.scorecard, state.documentName);
  }
}

const STYLE = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 0 12px 16px; }
h1 { font-size: 1.2em; margin: 12px 0 4px; } h2 { font-size: 1em; margin: 16px 0 4px; }
code { font-family: var(--vscode-editor-font-family); opacity: 0.8; }
.aicmo-rows { list-style: none; padding: 0; margin: 8px 0; }
.aicmo-row { padding: 6px 8px; margin: 2px 0; border-radius: 3px; cursor: pointer; }
.aicmo-row:hover, .aicmo-row:focus, .aicmo-unknown-row:hover, .aicmo-unknown-row:focus { background: var(--vscode-list-hoverBackground); outline: 1px solid var(--vscode-focusBorder); }
.aicmo-head { display: flex; justify-content: space-between; gap: 8px; }
.aicmo-label { font-weight: 600; }
.aicmo-verdict, .aicmo-figures, .aicmo-doc { opacity: 0.85; }
.aicmo-track { display: block; margin: 4px 0 2px; }
.aicmo-track-bg { fill: var(--vscode-foreground); fill-opacity: 0.06; }
.aicmo-band { fill: var(--vscode-foreground); fill-opacity: 0.2; }
.aicmo-bar.aicmo-pass { fill: var(--vscode-charts-green); }
.aicmo-bar.aicmo-warn { fill: var(--vscode-charts-yellow); }
.aicmo-bar.aicmo-fail { fill: var(--vscode-charts-red); }
.aicmo-overall { font-weight: 700; }
.aicmo-overall.aicmo-pass { color: var(--vscode-charts-green); }
.aicmo-overall.aicmo-warn { color: var(--vscode-charts-yellow); }
.aicmo-overall.aicmo-fail { color: var(--vscode-charts-red); }
.aicmo-bounds, .aicmo-findings { margin: 2px 0 0; padding-left: 18px; font-size: 0.92em; }
.aicmo-bound-fail { color: var(--vscode-errorForeground); }
.aicmo-findings { opacity: 0.85; }
.aicmo-missing li, .aicmo-unknown li { margin: 2px 0; }
.aicmo-unknown-row { cursor: pointer; }
.aicmo-empty { opacity: 0.85; margin-top: 16px; }
button { color: var(--vscode-button-foreground); background: var(--vscode-button-background); border: none; padding: 4px 10px; cursor: pointer; }
button:hover { background: var(--vscode-button-hoverBackground); }
`;

const SCRIPT = `
const vscode = acquireVsCodeApi();
function activate(target) {
  const button = target.closest('[data-action="choosePack"]');
  if (button) { vscode.postMessage({ type: 'choosePack' }); return; }
  const row = target.closest('[data-line]');
  if (row) { vscode.postMessage({ type: 'reveal', section: row.dataset.section || null, line: Number(row.dataset.line) }); }
}
document.addEventListener('click', (event) => activate(event.target));
window.addEventListener('message', (event) => {
  const message = event.data;
  if (message && message.type === 'render' && typeof message.html === 'string') {
    document.getElementById('aicmo-root').innerHTML = message.html;
  }
});
vscode.postMessage({ type: 'ready' });
document.addEventListener('keydown', (event) => {
  if ((event.key === 'Enter' || event.key === ' ') && event.target.closest('[data-line]')) { event.preventDefault(); activate(event.target); }
});
`;

/** The whole page. `nonce`: a fresh random value per render, allowed by the CSP for the style and the script. */
export function renderScorecard(state: ScorecardState, nonce: string): string {
  const csp = `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="UTF-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1.0">',
    '<title>Report Scorecard</title>',
    `<style nonce="${nonce}">${STYLE}</style>`,
    `</head><body><main id="aicmo-root">${renderScorecardBody(state)}</main><script nonce="${nonce}">${SCRIPT}</script></body></html>`,
  ].join('\n');
}

/** A message from the page, checked: `reveal` with a line, `choosePack` or `ready`; anything else is undefined. */
export function parseViewMessage(raw: unknown): ViewMessage | undefined {
  if (typeof raw !== 'object' || raw === null) {
    return undefined;
  }
  const message = raw as Record<string, unknown>;
  if (message.type === 'choosePack' || message.type === 'ready') {
    return { type: message.type };
  }
  if (message.type === 'reveal' && typeof message.line === 'number' && Number.isInteger(message.line) && message.line >= 0) {
    return { type: 'reveal', section: typeof message.section === 'string' ? message.section : null, line: message.line };
  }
  return undefined;
}
