// The writer's-editor steps of the real VS Code test (issue 13): what a writer sees around
// generation (a slow model, typing while it works, the progress notification and its Cancel,
// Regenerate All's confirmation, preview and summary, Expand's input), the report at a glance (the
// Scorecard), the Settings UI, read-only documents and MDX colouring. `t` is the test's toolbox
// (e2e.js: page, editor, step, shot, the helpers); each step leaves the report as it found it.
'use strict';

const fs = require('fs');
const path = require('path');
const { FAKE_MODEL_ADDED } = require('./fakeModel');

const TYPED = 'Typed by the writer while the model was busy.';

// A notification toast whose text matches `re`, and its buttons.
function toast(t, re) {
  return t.page.locator('.notifications-toasts .notification-list-item', { hasText: re }).first();
}

async function clickToastButton(t, re, label) {
  const item = toast(t, re);
  await item.waitFor({ timeout: 30000 });
  const button = item.locator('.monaco-button', { hasText: label }).first();
  await button.waitFor({ timeout: 5000 });
  await button.click();
}

// Closes an editor tab with its close button (keyboard focus may sit in a webview or a settings
// input, where the Command Palette's key does not reach the workbench).
async function closeTab(t, title) {
  const tab = t.page.locator('.tab', { hasText: title }).first();
  await tab.hover();
  await tab.locator('.codicon-close, .codicon-x').first().click();
  await tab.waitFor({ state: 'detached', timeout: 5000 });
}

async function dismissToasts(t) {
  await t.runCommand('Notifications: Clear All Notifications').catch(() => {});
}

// The words of the section from `heading` up to the next `## ` heading, in the document's text.
function sectionOf(text, heading) {
  const start = text.indexOf(`## ${heading}`);
  const next = text.indexOf('\n## ', start + 3);
  return text.slice(start, next < 0 ? text.length : next + 1);
}

const words = (s) => s.split(/\s+/).filter((w) => /\w/.test(w)).length;

async function writerSteps(t) {
  const { page, editor, step, shot, check, waitFor, sleep, log, oneLine, metrics } = t;

  // ------------------------------------------------------------ the report at a glance
  await step('the Report Scorecard: a bar per section, it follows the typing, a click jumps', async () => {
    await t.openFile(t.QSB, 'Saltmarsh');
    await t.runCommand('aicmo: Show Report Scorecard');
    const frame = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    const overview = frame.locator('.aicmo-row[data-section="overview"]');
    await overview.waitFor({ timeout: 20000 });
    const rows = await frame.locator('.aicmo-row').count();
    const overviewText = oneLine(await overview.innerText());
    log(`  ${rows} section rows; Client Overview: ${JSON.stringify(overviewText)}`);
    check(/64\s*\/\s*120[-–]260/.test(overviewText), `the Client Overview row does not read 64 / 120-260: ${overviewText}`);
    check((await overview.getAttribute('class')).includes('fail'), `the Client Overview row is not marked failing: ${await overview.getAttribute('class')}`);
    const missing = oneLine(await frame.locator('.aicmo-missing').innerText());
    check(missing.includes('Hashtag Strategy'), `the scorecard does not list the missing Hashtag Strategy: ${missing}`);
    metrics.scorecardRows = rows;
    await shot('scorecard');
    // It follows the typing: a sentence in the Client Overview raises its words.
    await t.focusEditorGroup(0);
    await t.goToLine(14); // "In today's digital age, ...": the Client Overview's first paragraph
    await page.keyboard.press('End');
    await page.keyboard.insertText(' Ten more words go here to show the scorecard follows typing.');
    const overviewWords = async () => Number((/(\d+)\s*\/\s*120/.exec(oneLine(await overview.innerText())) || [])[1]);
    const grown = await waitFor('the scorecard to count the new words', async () => ((await overviewWords()) > 64 ? overviewWords() : false), 15000);
    log(`  after typing: ${grown} / 120-260 words`);
    await t.undoToOriginal();
    await waitFor('the scorecard back at 64 words', async () => /\b64\s*\/\s*120/.test(oneLine(await overview.innerText())), 15000);
    // A click on the calendar's row reveals its heading in the editor.
    await frame.locator('.aicmo-row[data-section="detailed_30_day_calendar"]').click();
    await waitFor('the cursor on the calendar heading (Ln 41)', async () => {
      const where = oneLine(await page.locator('#status\\.editor\\.selection').innerText().catch(() => ''));
      return /Ln 41\b/.test(where) ? where : false;
    }, 10000);
    await closeTab(t, 'Scorecard');
  });

  // ------------------------------------------------------------ Expand asks for the length
  await step('Expand Section from the palette asks for the target length (the quick fix default)', async () => {
    await t.focusEditor();
    await t.goToLine(14);
    await t.runCommand('aicmo: Expand Section');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 10000 });
    const proposed = await input.inputValue();
    log(`  proposed target: ${JSON.stringify(proposed)}`);
    check(/^\d+$/.test(proposed) && Number(proposed) > 64, `Expand proposed ${JSON.stringify(proposed)}, not a word count above 64`);
    await input.fill('150');
    await page.keyboard.press('Enter');
    await page.locator('.tab.active.dirty').waitFor({ timeout: 30000 });
    const text = await t.documentText();
    const section = sectionOf(text, t.QSB_OVERVIEW);
    log(`  the Client Overview now has ${words(section)} words (asked for 150)`);
    check(words(section) >= 120, `after Expand to 150 the section has ${words(section)} words`);
    await t.undoToOriginal();
  });

  // ------------------------------------------------------------ Regenerate All
  await step('Regenerate All asks first, shows the refactor preview, then a summary', async () => {
    await dismissToasts(t);
    await t.runCommand('aicmo: Regenerate All Failing Sections');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 10000 });
    const question = oneLine(await dialog.innerText());
    log(`  asked: ${JSON.stringify(question)}`);
    check(/Regenerate 2 failing sections\?/.test(question), `the confirmation does not ask about 2 sections: ${question}`);
    check(/Text you wrote is kept where the benchmark allows/.test(question), `the confirmation lacks its promise: ${question}`);
    await dialog.locator('.monaco-button', { hasText: /^Regenerate$/ }).click();
    // The default aicmo.previewGenerated (regenerateAll): VS Code's Refactor Preview, nothing applied yet.
    const preview = page.locator('.bulk-edit-panel, .refactor-preview, [id="workbench.panel.refactorPreview"]').first();
    await preview.waitFor({ timeout: 30000 });
    await sleep(300);
    await shot('regenerate-all-preview');
    check((await page.locator('.tab.active.dirty').count()) === 0, 'the text changed before the preview was confirmed');
    // VS Code lists each section as an edit that needs confirmation, unticked: the writer picks the
    // sections to take (here all of them, with the file's box) and applies.
    const rows = page.locator('.part.panel .monaco-list-row');
    check((await rows.count()) === 3, `the preview should list the file and its 2 sections, not ${await rows.count()} rows`);
    await rows.first().locator('input[type="checkbox"], .monaco-checkbox, .codicon-check').first().click();
    await page.locator('.part.panel .monaco-button', { hasText: /^Apply$/ }).first().click();
    await page.locator('.tab.active.dirty').waitFor({ timeout: 15000 });
    const summary = toast(t, /2 sections/);
    await summary.waitFor({ timeout: 15000 });
    const said = oneLine(await summary.innerText());
    log(`  summary: ${JSON.stringify(said)}`);
    check(/by the template/.test(said), `the summary does not say who wrote the sections: ${said}`);
    await shot('regenerate-all-summary');
    await dismissToasts(t);
    await t.undoToOriginal();
  });

  // ------------------------------------------------------------ a slow model
  const model = t.fakeModel;
  const useModel = () => t.writeWsSettings({ 'aicmo.generator.chain': ['openai'], 'aicmo.generator.baseUrl': model.baseUrl, 'aicmo.generator.maxRetries': 0 });
  // Regenerate the Client Overview (cursor on its first paragraph) with the model answering after
  // `delayMs`; returns once the request has reached the model.
  const regenerateOverviewWithModel = async (delayMs) => {
    model.delayMs = delayMs;
    await t.focusEditor();
    await t.goToLine(14);
    const before = model.requests.length;
    await t.runCommand('aicmo: Regenerate Section at Cursor');
    await waitFor('the request to reach the model', async () => model.requests.length > before, 20000, 50);
  };

  await step('typing inside a section during a slow generation: the typed sentence stays, the writer is told', async () => {
    useModel();
    await sleep(1500); // the server reads the new settings
    await regenerateOverviewWithModel(6000);
    // The writer goes on writing inside the very section the model is rewriting.
    await t.goToLine(14);
    await page.keyboard.press('End');
    await page.keyboard.insertText(` ${TYPED}`);
    const warning = toast(t, /changed while aicmo was writing it/);
    await warning.waitFor({ timeout: 30000 });
    log(`  told: ${JSON.stringify(oneLine(await warning.innerText()))}`);
    await shot('conflict-told');
    // "Show generated text": a diff of the section as it is now against what the model wrote.
    await clickToastButton(t, /changed while aicmo was writing it/, 'Show generated text');
    const diff = page.locator('.monaco-diff-editor').first();
    await diff.waitFor({ timeout: 10000 });
    await diff.locator('.view-lines', { hasText: 'refill orders, which cost less' }).first().waitFor({ timeout: 10000 });
    await diff.locator('.view-lines', { hasText: TYPED.slice(0, 30) }).first().waitFor({ timeout: 10000 });
    await shot('conflict-diff');
    await t.runCommand('View: Close Editor');
    const text = await t.documentText();
    check(text.includes(TYPED), 'the sentence typed during the generation is gone');
    check(!text.includes(FAKE_MODEL_ADDED.slice(0, 60)), 'the generated text was applied over the newer text');
    await t.undoToOriginal();
  });

  await step('a generation that takes a while shows a notification whose Cancel stops it', async () => {
    await regenerateOverviewWithModel(20000);
    const progress = toast(t, /Regenerating 'Client Overview'/);
    const t0 = Date.now();
    await progress.waitFor({ timeout: 10000 });
    metrics.progressNotificationMs = Date.now() - t0;
    await shot('progress-notification');
    await progress.locator('.monaco-button', { hasText: 'Cancel' }).click();
    const cancelled = toast(t, /cancelled; nothing was changed/);
    await cancelled.waitFor({ timeout: 10000 });
    check((await page.locator('.tab.active.dirty').count()) === 0, 'a cancelled generation changed the text');
    await dismissToasts(t);
    t.writeWsSettings({});
    await sleep(1000);
  });

  // ------------------------------------------------------------ settings, read-only documents
  await step('the Settings UI has an input box for aicmo.generator.baseUrl', async () => {
    await t.runCommand('Preferences: Open Settings (UI)');
    const search = page.locator('.settings-editor .suggest-input-container textarea, .settings-editor .settings-header-widget textarea').first();
    await search.waitFor({ timeout: 15000 });
    await search.fill('aicmo.generator.baseUrl');
    const item = page.locator('.settings-editor .setting-item', { hasText: 'Base Url' }).first();
    await item.waitFor({ timeout: 15000 });
    const input = item.locator('input.input, .setting-item-control input').first();
    await input.waitFor({ timeout: 5000 });
    await input.fill('https://llm.example.test/v1');
    await page.keyboard.press('Tab');
    const userSettings = path.join(t.userData, 'User', 'settings.json');
    await waitFor('the base URL in the User settings file', async () => fs.readFileSync(userSettings, 'utf8').includes('https://llm.example.test/v1'), 10000);
    await shot('settings-base-url');
    await input.fill('');
    await page.keyboard.press('Tab');
    await closeTab(t, 'Settings');
  });

  await step('Explain Rule opens a read-only document, not an Untitled tab', async () => {
    await t.runCommand('aicmo: Explain Rule');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill('AIC101');
    await page.keyboard.press('Enter');
    const tab = page.locator('.tab.active');
    await waitFor('the rule document', async () => /AIC101|min_words/i.test(oneLine(await tab.innerText().catch(() => ''))), 10000);
    const title = oneLine(await tab.innerText());
    check(!/Untitled/i.test(title), `Explain Rule opened ${JSON.stringify(title)}`);
    check((await page.locator('.tab.dirty').count()) === 0, 'Explain Rule left a dirty tab');
    await t.runCommand('View: Close Editor');
    check((await page.locator('.monaco-dialog-box').count()) === 0, 'closing the rule document asked to save it');
  });
}

// MDX: coloured by the extension's grammar, en dashes not boxed.
async function mdxColours(t) {
  const { editor, check, log } = t;
  const classes = async (text) => editor.locator('.view-lines .view-line', { hasText: text }).first()
    .evaluate((line) => [...line.querySelectorAll('span > span')].map((s) => s.className));
  const importLine = await classes('import { Chart }');
  const prose = await classes('Spring services run');
  log(`  token classes: import line ${JSON.stringify(importLine)}, prose ${JSON.stringify(prose.slice(0, 2))}`);
  check(new Set(importLine).size >= 2, `the import line is one colour: ${JSON.stringify(importLine)}`);
  check(!importLine.every((c) => prose.includes(c)), 'the import line is coloured like prose');
  const boxed = await editor.locator('.unicode-highlight, .unicode-highlight-ambiguous').count();
  check(boxed === 0, `${boxed} characters are boxed as ambiguous Unicode in the .mdx report`);
}

module.exports = { writerSteps, mdxColours, TYPED };
