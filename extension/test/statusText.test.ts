import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { escapeMarkdown, isNoPack, isShown, parseStatusPayload, statusCommand, statusText, statusTooltip, type StatusPayload } from '../src/statusText';

function payload(overrides: Partial<StatusPayload> = {}, sections: Partial<StatusPayload['sections']> = {}): StatusPayload {
  return {
    uri: 'file:///work/plan.md',
    version: 7,
    pack: 'quick_social_basic',
    packLabel: 'Quick Social Pack (Basic)',
    status: 'FAIL',
    sections: { total: 8, passed: 5, warned: 1, failed: 1, missing: 1, unknown: 2, ...sections },
    errors: 3,
    warnings: 1,
    failing: [{ section: 'kpi_plan', label: 'KPI Plan', line: 40, errors: 2 }],
    suggestion: null,
    ...overrides,
  };
}

describe('statusText', () => {
  test('FAIL with failing sections counts them', () => {
    assert.equal(statusText(payload()), '$(error) quick_social_basic: 1 failing');
    assert.equal(statusText(payload({}, { failed: 3 })), '$(error) quick_social_basic: 3 failing');
  });

  test('FAIL with no failing section counts the missing ones', () => {
    assert.equal(statusText(payload({}, { failed: 0, missing: 2 })), '$(error) quick_social_basic: 2 missing');
  });

  test('PASS and PASS_WITH_WARNINGS count passed plus warned of the total', () => {
    assert.equal(
      statusText(payload({ status: 'PASS' }, { passed: 8, warned: 0, failed: 0, missing: 0 })),
      '$(check) quick_social_basic: 8/8 sections pass',
    );
    assert.equal(
      statusText(payload({ status: 'PASS_WITH_WARNINGS' }, { passed: 6, warned: 1, failed: 0, missing: 1 })),
      '$(check) quick_social_basic: 7/8 sections pass',
    );
  });

  test('hidden for SKIPPED with an unknown pack, CLOSED, no pack unless SKIPPED, and no payload', () => {
    assert.equal(statusText(payload({ status: 'SKIPPED', pack: 'no_such_pack', packLabel: null })), undefined);
    assert.equal(statusText(payload({ status: 'CLOSED' })), undefined);
    assert.equal(statusText(payload({ status: 'PASS', pack: null })), undefined);
    assert.equal(statusText(payload({ status: 'PASS', pack: '' })), undefined);
    assert.equal(statusText(undefined), undefined);
    assert.equal(isShown(undefined), false);
  });
});

describe('statusTooltip', () => {
  test('summarises the pack, the counts, the findings and the click', () => {
    const tooltip = statusTooltip(payload());
    assert.ok(tooltip);
    assert.match(tooltip, /Quick Social Pack \\\(Basic\\\) \(`quick_social_basic`\) fails/);
    assert.match(tooltip, /Sections \(8 in the pack\): 5 passed, 1 with warnings, 1 failing, 1 missing, 2 unknown headings/);
    assert.match(tooltip, /3 errors, 1 warning/);
    assert.match(tooltip, /Click to list failing sections/);
  });

  test('falls back to the pack key without a label, and is undefined when hidden', () => {
    assert.match(statusTooltip(payload({ packLabel: null, status: 'PASS' })) ?? '', /\*\*aicmo\*\*: `quick_social_basic` passes/);
    assert.equal(statusTooltip(payload({ status: 'CLOSED' })), undefined);
  });

  test('escapes Markdown in labels', () => {
    assert.equal(escapeMarkdown('A *bold* [link](x) & <b>'), 'A \\*bold\\* \\[link\\]\\(x\\) \\& \\<b\\>');
  });
});

describe('parseStatusPayload', () => {
  test('reads the documented payload', () => {
    const raw = JSON.parse(JSON.stringify(payload()));
    assert.deepEqual(parseStatusPayload(raw), payload());
  });

  test('tolerates missing counts and failing entries, rejects non-payloads', () => {
    const parsed = parseStatusPayload({ uri: 'file:///a.md', status: 'PASS', pack: 'p', sections: { total: 2, passed: 2 } });
    assert.deepEqual(parsed?.sections, { total: 2, passed: 2, warned: 0, failed: 0, missing: 0, unknown: 0 });
    assert.deepEqual(parsed?.failing, []);
    assert.equal(parsed?.version, null);
    assert.equal(parseStatusPayload({ status: 'PASS' }), undefined);
    assert.equal(parseStatusPayload(null), undefined);
    assert.equal(parseStatusPayload('PASS'), undefined);
  });
});

describe('a Markdown document that names no pack', () => {
  const noPack = payload({ pack: null, packLabel: null, status: 'SKIPPED', failing: [], sections: { total: 0, passed: 0, warned: 0, failed: 0, missing: 0, unknown: 0 } });

  test('the item says so, and clicking it opens the pack picker', () => {
    assert.equal(statusText(noPack), '$(circle-slash) aicmo: no pack');
    assert.equal(statusText({ ...noPack, pack: '' }), '$(circle-slash) aicmo: no pack');
    assert.equal(statusCommand(noPack), 'choosePack');
    assert.equal(isNoPack(noPack), true);
  });

  test('the tooltip says it is not checked and what a click does', () => {
    assert.equal(statusTooltip(noPack), ['**aicmo**: this file names no pack, so it is not checked.', 'Click to choose its pack'].join('\n\n'));
  });

  test('a closed document, a report and an unknown pack are not "no pack"', () => {
    assert.equal(isNoPack({ ...noPack, status: 'CLOSED' }), false);
    assert.equal(statusText({ ...noPack, status: 'CLOSED' }), undefined);
    assert.equal(isNoPack(payload()), false);
    assert.equal(isNoPack(payload({ status: 'SKIPPED', pack: 'no_such_pack' })), false);
    assert.equal(statusCommand({ ...noPack, status: 'CLOSED' }), 'failing');
    assert.equal(isNoPack(undefined), false);
  });

  test('the status notification of a plain Markdown file reads as "no pack"', () => {
    const parsed = parseStatusPayload({
      uri: 'file:///work/notes.md',
      version: 1,
      pack: null,
      packLabel: null,
      status: 'SKIPPED',
      sections: { total: 0, passed: 0, warned: 0, failed: 0, missing: 0, unknown: 0 },
      errors: 0,
      warnings: 0,
      failing: [],
      suggestion: null,
    });
    assert.equal(statusText(parsed), '$(circle-slash) aicmo: no pack');
  });
});

describe('a document that names no pack but looks like a report', () => {
  const hint = payload({
    pack: null,
    packLabel: null,
    status: 'SKIPPED',
    failing: [],
    suggestion: { pack: 'quick_social_basic', label: 'Quick Social Pack (Basic)', found: 6, total: 8 },
  });

  test('the item names the pack it looks like, and clicking it chooses a pack', () => {
    assert.equal(statusText(hint), '$(circle-slash) aicmo: no pack (looks like Quick Social Pack (Basic))');
    assert.equal(statusCommand(hint), 'choosePack');
    assert.equal(statusCommand(payload()), 'failing');
  });

  test('the tooltip says it is not checked and how much of the pack the headings cover', () => {
    assert.equal(
      statusTooltip(hint),
      [
        '**aicmo**: this file names no pack, so it is not checked.',
        'Its headings cover 6 of the 8 sections of Quick Social Pack \\(Basic\\) (`quick_social_basic`).',
        'Click to choose its pack',
      ].join('\n\n'),
    );
  });

  test('without a suggestion the item says only "no pack"; the suggestion is read from the payload', () => {
    assert.equal(statusText(payload({ pack: null, status: 'SKIPPED' })), '$(circle-slash) aicmo: no pack');
    const parsed = parseStatusPayload({ uri: 'file:///x.md', status: 'SKIPPED', suggestion: { pack: 'p', found: 3, total: 4 } });
    assert.deepEqual(parsed?.suggestion, { pack: 'p', label: 'p', found: 3, total: 4 });
    assert.equal(parseStatusPayload({ uri: 'file:///x.md', status: 'SKIPPED' })?.suggestion, null);
  });
});
