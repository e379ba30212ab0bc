import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { parseScorecard, sectionAtLine, type Scorecard, type ScorecardSection } from '../src/scorecardData';
import { barGeometry, boundText, escapeHtml, parseViewMessage, renderScorecard, renderScorecardBody, statusClass, wordFigures } from '../src/scorecardView';

/** The documented answer of `aicmo.scorecard` (docs/lsp.md), as JSON from the server. */
const ANSWER = {
  uri: 'file:///work/plan.md',
  version: 7,
  pack: 'quick_social_basic',
  packLabel: 'Quick Social Pack (Basic)',
  status: 'FAIL',
  sections: [
    {
      section: 'overview',
      label: 'Client Overview',
      line: 11,
      status: 'FAIL',
      words: 212,
      minWords: 280,
      maxWords: 400,
      expandTarget: 340,
      errors: 2,
      warnings: 0,
      bounds: [{ name: 'bullets', label: 'bullets', value: 3, min: 4, max: null, ok: false }],
      findings: ['words 212, below 280'],
    },
    {
      section: 'messaging',
      label: 'Messaging Framework',
      line: 30,
      status: 'PASS',
      words: 150,
      minWords: 100,
      maxWords: 300,
      expandTarget: 200,
      errors: 0,
      warnings: 0,
      bounds: [],
      findings: [],
    },
    {
      section: 'calendar',
      label: 'Content <script>alert("x")</script> Calendar',
      line: 40,
      status: 'PASS_WITH_WARNINGS',
      words: 90,
      minWords: null,
      maxWords: null,
      expandTarget: null,
      errors: 0,
      warnings: 1,
      bounds: [{ name: 'headings', label: 'sub-headings', value: 7, min: 2, max: 6, ok: false }],
      findings: ['<b>7 sub-headings</b>, above 6'],
    },
  ],
  missing: [{ section: 'kpis', label: 'KPIs & <Goals>' }],
  unknown: [{ label: 'Random heading', line: 50 }],
};

function scorecard(): Scorecard {
  const parsed = parseScorecard(JSON.parse(JSON.stringify(ANSWER)));
  assert.ok(parsed);
  return parsed;
}

function section(id: string): ScorecardSection {
  const found = scorecard().sections.find((s) => s.section === id);
  assert.ok(found);
  return found;
}

function rowOf(html: string, id: string): string {
  const match = new RegExp(`<li class="aicmo-row [^"]*" data-section="${id}"[\\s\\S]*?</li>(?=<li class="aicmo-row|</ol>)`).exec(html);
  assert.ok(match, `no row for ${id}`);
  return match[0];
}

describe('parseScorecard', () => {
  test('reads the documented answer', () => {
    const card = scorecard();
    assert.equal(card.pack, 'quick_social_basic');
    assert.equal(card.version, 7);
    assert.equal(card.sections.length, 3);
    assert.deepEqual(card.sections[0]?.bounds, [{ name: 'bullets', label: 'bullets', value: 3, min: 4, max: null, ok: false, now: null, bound: null }]);
    assert.deepEqual(card.missing, [{ section: 'kpis', label: 'KPIs & <Goals>' }]);
    assert.deepEqual(card.unknown, [{ label: 'Random heading', line: 50 }]);
  });

  test('a document that names no pack, null for a document that is not open, junk dropped', () => {
    const skipped = parseScorecard({ uri: 'file:///n.md', pack: null, status: 'SKIPPED', sections: [], missing: [], unknown: [] });
    assert.equal(skipped?.pack, null);
    assert.equal(skipped?.status, 'SKIPPED');
    assert.equal(parseScorecard(null), undefined);
    assert.equal(parseScorecard({ status: 'FAIL' }), undefined);
    const partial = parseScorecard({ uri: 'u', status: 'FAIL', pack: 'p', sections: [{ label: 'no id' }, { section: 's', line: 2 }, 7] });
    assert.deepEqual(
      partial?.sections.map((s) => [s.section, s.label, s.words, s.minWords, s.bounds.length]),
      [['s', 's', 0, null, 0]],
    );
  });
});

describe('sectionAtLine', () => {
  test('the section whose heading is the last at or above the line', () => {
    const card = scorecard();
    assert.equal(sectionAtLine(card, 11)?.section, 'overview');
    assert.equal(sectionAtLine(card, 29)?.section, 'overview');
    assert.equal(sectionAtLine(card, 30)?.section, 'messaging');
    assert.equal(sectionAtLine(card, 45)?.section, 'calendar');
  });

  test('none above the first heading or under a heading that is not in the pack', () => {
    const card = scorecard();
    assert.equal(sectionAtLine(card, 3), undefined);
    assert.equal(sectionAtLine(card, 50), undefined);
    assert.equal(sectionAtLine(card, 80), undefined);
  });
});

describe('the bars', () => {
  test('words against the range, on a track 15% longer than the largest figure', () => {
    // 400 * 1.15 = 460: 212 -> 46.09%, 280 -> 60.87%, 400 -> 86.96%.
    assert.deepEqual(barGeometry(section('overview')), { bar: 46.09, band: { start: 60.87, width: 26.09 } });
    // 300 * 1.15 = 345: 150 -> 43.48%, 100 -> 28.99%, 300 -> 86.96%.
    assert.deepEqual(barGeometry(section('messaging')), { bar: 43.48, band: { start: 28.99, width: 57.97 } });
  });

  test('no band without a word range; a minimum only runs the band to the end', () => {
    assert.deepEqual(barGeometry(section('calendar')), { bar: 86.96, band: null });
    const minOnly = { ...section('overview'), maxWords: null, expandTarget: null };
    assert.deepEqual(barGeometry(minOnly), { bar: 65.84, band: { start: 86.96, width: 13.04 } });
    assert.deepEqual(barGeometry({ ...minOnly, words: 0, minWords: null }), { bar: 0, band: null });
  });

  test('figures and bounds as the writer reads them', () => {
    assert.equal(wordFigures(section('overview')), '212 / 280-400 words');
    assert.equal(wordFigures(section('calendar')), '90 words');
    assert.equal(wordFigures({ ...section('overview'), maxWords: null }), '212 / min 280 words');
    assert.equal(boundText(section('overview').bounds[0]!), 'bullets 3 (min 4)');
    assert.equal(boundText(section('calendar').bounds[0]!), 'sub-headings 7 (2-6)');
    // The server's own wording wins: a ratio reads as a percentage, as in the hover.
    const repeated = { name: 'repeated_line_ratio', label: 'repeated lines', value: 0, min: null, max: 0.3, ok: true };
    assert.equal(boundText({ ...repeated, now: '0%', bound: 'at most 30%' }), 'repeated lines 0% (at most 30%)');
    assert.equal(boundText({ ...repeated, now: null, bound: null }), 'repeated lines 0 (max 0.3)');
  });
});

describe('renderScorecard', () => {
  const html = renderScorecard({ kind: 'scorecard', documentName: 'plan.md', scorecard: scorecard() }, 'NONCE123');

  test('a row per section, with stable hooks, in document order', () => {
    const ids = [...html.matchAll(/<li class="aicmo-row [^"]*" data-section="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(ids, ['overview', 'messaging', 'calendar']);
    const overview = rowOf(html, 'overview');
    assert.match(overview, /data-line="11"/);
    assert.match(overview, /data-status="FAIL"/);
    assert.match(overview, /<span class="aicmo-label">Client Overview<\/span>/);
    assert.match(overview, /<div class="aicmo-figures">212 \/ 280-400 words<\/div>/);
    assert.match(overview, /FAIL · 2 errors/);
    assert.match(overview, /<li class="aicmo-bound aicmo-bound-fail" data-bound="bullets">bullets 3 \(min 4\)<\/li>/);
    assert.match(overview, /<ul class="aicmo-findings"><li>words 212, below 280<\/li><\/ul>/);
  });

  test('bar widths in percent, the band where the range is', () => {
    assert.match(rowOf(html, 'overview'), /<rect class="aicmo-band" x="60.87%" y="0" width="26.09%"/);
    assert.match(rowOf(html, 'overview'), /<rect class="aicmo-bar aicmo-fail" x="0" y="3" width="46.09%"/);
    assert.match(rowOf(html, 'messaging'), /<rect class="aicmo-bar aicmo-pass" x="0" y="3" width="43.48%"/);
    assert.doesNotMatch(rowOf(html, 'calendar'), /aicmo-band/);
  });

  test('colours by status, from the theme', () => {
    assert.equal(statusClass('PASS'), 'aicmo-pass');
    assert.equal(statusClass('PASS_WITH_WARNINGS'), 'aicmo-warn');
    assert.equal(statusClass('FAIL'), 'aicmo-fail');
    assert.match(rowOf(html, 'overview'), /^<li class="aicmo-row aicmo-fail"/);
    assert.match(rowOf(html, 'messaging'), /^<li class="aicmo-row aicmo-pass"/);
    assert.match(rowOf(html, 'calendar'), /^<li class="aicmo-row aicmo-warn"/);
    assert.match(html, /\.aicmo-bar\.aicmo-pass \{ fill: var\(--vscode-charts-green\); \}/);
    assert.match(html, /\.aicmo-bar\.aicmo-warn \{ fill: var\(--vscode-charts-yellow\); \}/);
    assert.match(html, /\.aicmo-bar\.aicmo-fail \{ fill: var\(--vscode-charts-red\); \}/);
  });

  test('every text is escaped: a <script> in a label or a finding stays text', () => {
    assert.equal((html.match(/<script/g) ?? []).length, 1, 'only the page script');
    assert.match(rowOf(html, 'calendar'), /Content &lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt; Calendar/);
    assert.match(rowOf(html, 'calendar'), /<li>&lt;b&gt;7 sub-headings&lt;\/b&gt;, above 6<\/li>/);
    assert.equal(escapeHtml(`<a href='x'>&"`), '&lt;a href=&#39;x&#39;&gt;&amp;&quot;');
  });

  test('the pack and its status on top; missing sections and unknown headings below', () => {
    assert.match(html, /<h1><span class="aicmo-pack-label">Quick Social Pack \(Basic\)<\/span> <code class="aicmo-pack">quick_social_basic<\/code><\/h1>/);
    assert.match(html, /<span class="aicmo-overall aicmo-fail">FAIL<\/span>/);
    assert.match(html, /plan\.md fails: 3 sections, 1 failing, 1 missing/);
    assert.match(html, /<section class="aicmo-missing"><h2>Missing sections<\/h2><ul><li data-missing="kpis">KPIs &amp; &lt;Goals&gt;<\/li><\/ul><\/section>/);
    assert.match(html, /<li class="aicmo-unknown-row" data-line="50" tabindex="0" role="button">Random heading<\/li>/);
    const main = html.slice(html.indexOf('<main'));
    assert.ok(main.indexOf('aicmo-header') < main.indexOf('aicmo-rows') && main.indexOf('aicmo-rows') < main.indexOf('aicmo-missing'));
  });

  test('a strict CSP: nothing but the nonce’d style and script, no remote content', () => {
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-NONCE123'; script-src 'nonce-NONCE123';">/);
    assert.match(html, /<style nonce="NONCE123">/);
    assert.match(html, /<script nonce="NONCE123">/);
    assert.doesNotMatch(html, /https?:\/\//);
    assert.doesNotMatch(html, / style="/);
  });

  test('the page content alone, for updates; the other states', () => {
    const body = renderScorecardBody({ kind: 'scorecard', documentName: 'plan.md', scorecard: scorecard() });
    assert.ok(html.includes(`<main id="aicmo-root">${body}</main>`));
    assert.match(renderScorecardBody({ kind: 'noDocument' }), /Open a Markdown or MDX report/);
    assert.match(renderScorecardBody({ kind: 'loading', documentName: '<x>.md' }), /Reading the scorecard of &lt;x&gt;\.md/);
    assert.match(renderScorecardBody({ kind: 'unavailable', documentName: 'a.md', reason: 'gone' }), /No scorecard for a\.md: gone/);
    const noPack = parseScorecard({ uri: 'file:///n.md', pack: null, status: 'SKIPPED', sections: [], missing: [], unknown: [] });
    assert.ok(noPack);
    const skipped = renderScorecardBody({ kind: 'scorecard', documentName: 'n.md', scorecard: noPack });
    assert.match(skipped, /names no pack/);
    assert.match(skipped, /<button class="aicmo-choose-pack" data-action="choosePack">Select Pack for This File<\/button>/);
    assert.doesNotMatch(skipped, /aicmo-row/);
  });
});

describe('the page script', () => {
  // Run with stand-ins for the webview's globals: what it posts, what a click and an update do.
  function runScript(): {
    posted: unknown[];
    click: (target: unknown) => void;
    key: (key: string, target: unknown) => boolean;
    receive: (data: unknown) => void;
    root: { innerHTML: string };
  } {
    const html = renderScorecard({ kind: 'noDocument' }, 'N0NCE');
    const source = /<script nonce="N0NCE">([\s\S]*?)<\/script>/.exec(html)?.[1];
    assert.ok(source);
    const posted: unknown[] = [];
    const handlers = new Map<string, (event: unknown) => void>();
    const root = { innerHTML: '' };
    const fakeDocument = {
      addEventListener: (type: string, handler: (event: unknown) => void) => handlers.set(`document:${type}`, handler),
      getElementById: (id: string) => (id === 'aicmo-root' ? root : null),
    };
    const fakeWindow = { addEventListener: (type: string, handler: (event: unknown) => void) => handlers.set(`window:${type}`, handler) };
    const api = () => ({ postMessage: (message: unknown) => posted.push(message) });
    new Function('acquireVsCodeApi', 'document', 'window', source)(api, fakeDocument, fakeWindow);
    return {
      posted,
      root,
      click: (target) => handlers.get('document:click')?.({ target }),
      key: (key, target) => {
        let prevented = false;
        handlers.get('document:keydown')?.({ key, target, preventDefault: () => (prevented = true) });
        return prevented;
      },
      receive: (data) => handlers.get('window:message')?.({ data }),
    };
  }

  const element = (matches: Record<string, unknown>) => ({ closest: (selector: string) => matches[selector] ?? null });

  test('says it is ready, then posts a reveal for a clicked row', () => {
    const page = runScript();
    assert.deepEqual(page.posted, [{ type: 'ready' }]);
    page.click(element({ '[data-line]': { dataset: { section: 'overview', line: '11' } } }));
    page.click(element({ '[data-line]': { dataset: { line: '50' } } }));
    page.click(element({}));
    assert.deepEqual(page.posted.slice(1), [
      { type: 'reveal', section: 'overview', line: 11 },
      { type: 'reveal', section: null, line: 50 },
    ]);
  });

  test('Enter on a focused row reveals it; the pack button asks for the picker', () => {
    const page = runScript();
    const row = element({ '[data-line]': { dataset: { section: 'calendar', line: '40' } } });
    assert.equal(page.key('Enter', row), true);
    assert.equal(page.key('a', row), false);
    page.click(element({ '[data-action="choosePack"]': {} }));
    assert.deepEqual(page.posted.slice(1), [{ type: 'reveal', section: 'calendar', line: 40 }, { type: 'choosePack' }]);
  });

  test('an update replaces the content; other messages are ignored', () => {
    const page = runScript();
    page.receive({ type: 'render', html: '<p>new</p>' });
    assert.equal(page.root.innerHTML, '<p>new</p>');
    page.receive({ type: 'render', html: 42 });
    page.receive({ type: 'other', html: '<p>x</p>' });
    assert.equal(page.root.innerHTML, '<p>new</p>');
  });
});

describe('messages from the page', () => {
  test('reveal, choosePack and ready are read; anything else is dropped', () => {
    assert.deepEqual(parseViewMessage({ type: 'reveal', section: 'overview', line: 11 }), { type: 'reveal', section: 'overview', line: 11 });
    assert.deepEqual(parseViewMessage({ type: 'reveal', line: 50 }), { type: 'reveal', section: null, line: 50 });
    assert.deepEqual(parseViewMessage({ type: 'choosePack' }), { type: 'choosePack' });
    assert.deepEqual(parseViewMessage({ type: 'ready' }), { type: 'ready' });
    assert.equal(parseViewMessage({ type: 'reveal', section: 'x', line: -1 }), undefined);
    assert.equal(parseViewMessage({ type: 'reveal', section: 'x', line: 1.5 }), undefined);
    assert.equal(parseViewMessage({ type: 'run', command: 'rm' }), undefined);
    assert.equal(parseViewMessage('reveal'), undefined);
  });
});

describe('the Scorecard command in the manifest', () => {
  const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    contributes: { commands: { command: string; title: string; icon?: string }[]; menus: Record<string, { command: string; when?: string }[]> };
  };

  test('"Show Report Scorecard", in the palette and as an icon in the title of Markdown/MDX editors', () => {
    const command = manifest.contributes.commands.find((c) => c.command === 'aicmo.showScorecard');
    assert.equal(command?.title, 'Show Report Scorecard');
    assert.ok(command?.icon);
    const title = manifest.contributes.menus['editor/title']?.find((m) => m.command === 'aicmo.showScorecard');
    assert.match(title?.when ?? '', /editorLangId == markdown/);
    assert.match(title?.when ?? '', /editorLangId == mdx/);
    assert.ok(manifest.contributes.menus.commandPalette?.some((m) => m.command === 'aicmo.showScorecard'));
  });
});
