import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decideStart, isMarkdownDocument, mayBeReport, needsWorkspaceSearch, type StartFacts } from '../src/earlyStart';

/** A window with no document open, the setting and aicmo on, and what the search found. */
function folder(markdownFiles: string[], settingsFiles: string[] = []): StartFacts {
  return { openReport: undefined, startEarly: true, checksEnabled: true, found: { settingsFiles, markdownFiles } };
}

describe('which Markdown files may be reports', () => {
  test("a repository's usual documents are not, in any case and with any Markdown extension", () => {
    for (const name of ['README.md', 'readme.markdown', 'Changelog.mdx', 'CHANGES.md', 'HISTORY.md', 'CONTRIBUTING.md', 'LICENSE.md', 'licence.md']) {
      assert.equal(mayBeReport(name), false, name);
    }
    for (const name of ['CODE_OF_CONDUCT.md', 'SECURITY.md', 'SUPPORT.md', 'AUTHORS.md', 'NOTICE.md', 'PULL_REQUEST_TEMPLATE.md', 'ISSUE_TEMPLATE.md']) {
      assert.equal(mayBeReport(`docs/${name}`), false, name);
    }
  });

  test('nothing inside node_modules or a hidden folder (.git, .venv, .github) is', () => {
    assert.equal(mayBeReport('node_modules/pkg/guide.md'), false);
    assert.equal(mayBeReport('web/node_modules/pkg/guide.md'), false);
    assert.equal(mayBeReport('.git/notes.md'), false);
    assert.equal(mayBeReport('.venv/lib/python3.11/site-packages/x/usage.md'), false);
    assert.equal(mayBeReport('.github/ISSUE_TEMPLATE/bug.md'), false);
    assert.equal(mayBeReport('clients\\.drafts\\q3.md'), false);
  });

  test('any other Markdown or MDX file is, at any depth', () => {
    assert.equal(mayBeReport('failing/quick_social_basic.md'), true);
    assert.equal(mayBeReport('strategy.mdx'), true);
    assert.equal(mayBeReport('clients\\acme\\plan.MARKDOWN'), true);
    assert.equal(mayBeReport('docs/README-old.md'), true); // not the usual name
    assert.equal(mayBeReport('notes.txt'), false);
  });
});

describe('which open documents count as a report', () => {
  test('Markdown or MDX by language or by extension, in a file or unsaved', () => {
    assert.equal(isMarkdownDocument({ languageId: 'markdown', scheme: 'file', path: '/w/plan.md' }), true);
    assert.equal(isMarkdownDocument({ languageId: 'mdx', scheme: 'file', path: '/w/plan.mdx' }), true);
    assert.equal(isMarkdownDocument({ languageId: 'plaintext', scheme: 'file', path: '/w/plan.mdx' }), true); // no MDX extension installed
    assert.equal(isMarkdownDocument({ languageId: 'markdown', scheme: 'untitled', path: 'Untitled-1' }), true);
  });

  test('not other languages, nor Markdown shown by git, an output channel or a read-only view', () => {
    assert.equal(isMarkdownDocument({ languageId: 'python', scheme: 'file', path: '/w/app.py' }), false);
    assert.equal(isMarkdownDocument({ languageId: 'markdown', scheme: 'git', path: '/w/plan.md' }), false);
    assert.equal(isMarkdownDocument({ languageId: 'markdown', scheme: 'aicmo-doc', path: '/AIC101 min_words.md' }), false);
  });
});

describe('when the server starts', () => {
  test('a report open at activation starts it for that report, whatever the setting', () => {
    const open: StartFacts = { openReport: 'failing/quick_social_basic.md', startEarly: false, checksEnabled: true };
    assert.equal(needsWorkspaceSearch(open), false);
    assert.deepEqual(decideStart(open), { start: true, reason: 'for failing/quick_social_basic.md' });
  });

  test('a folder with reports starts it as the folder opens, naming the file that decided', () => {
    assert.equal(needsWorkspaceSearch({ openReport: undefined, startEarly: true, checksEnabled: true }), true);
    assert.deepEqual(decideStart(folder(['README.md', 'failing/quick_social_basic.md', 'passing/launch_gtm_pack.md'])), {
      start: true,
      reason: 'as the folder opened (it holds failing/quick_social_basic.md)',
    });
  });

  test('an aicmo.toml starts it even when the only Markdown is a README', () => {
    assert.deepEqual(decideStart(folder(['README.md'], ['aicmo.toml'])), { start: true, reason: 'as the folder opened (it has aicmo.toml)' });
  });

  test('a code repository with only its usual documents waits for the first report', () => {
    const decision = decideStart(folder(['README.md', 'CHANGELOG.md', '.github/PULL_REQUEST_TEMPLATE.md', 'node_modules/x/guide.md']));
    assert.equal(decision.start, false);
    assert.match(decision.reason, /no aicmo\.toml and no Markdown or MDX file but the usual README/);
    assert.equal(decideStart(folder([])).start, false);
  });

  test('the setting off, or aicmo off, waits without searching the folder', () => {
    const off: StartFacts = { openReport: undefined, startEarly: false, checksEnabled: true };
    assert.equal(needsWorkspaceSearch(off), false);
    assert.deepEqual(decideStart(off), { start: false, reason: 'aicmo.server.startEarly is off' });
    const disabled: StartFacts = { openReport: undefined, startEarly: true, checksEnabled: false };
    assert.equal(needsWorkspaceSearch(disabled), false);
    assert.deepEqual(decideStart(disabled), { start: false, reason: 'aicmo.enable is off' });
  });

  test('a search that found nothing (or failed) waits', () => {
    assert.equal(decideStart({ openReport: undefined, startEarly: true, checksEnabled: true }).start, false);
  });
});
