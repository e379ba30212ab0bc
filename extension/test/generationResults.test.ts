import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ServerCommand } from '../src/commandArgs';
import {
  APPLY_SECTION_COMMAND,
  GENERATED_SCHEME,
  NOTHING_FAILS,
  REPLACE_ANYWAY,
  SHOW_DETAILS,
  SHOW_GENERATED,
  applySectionArgs,
  applySectionMessage,
  conflictMessage,
  detailsDocument,
  diffTitle,
  generatedId,
  generatedPath,
  generationCommand,
  generatorName,
  initializationOptions,
  notices,
  parseGenerationResult,
  regenerateAllPlan,
  regenerateAllQuestion,
  sectionMessage,
  stoppedMessage,
  summaryCounts,
  summaryMessage,
  type GenerationResult,
  type SectionOutcome,
} from '../src/generationResults';

const URI = 'file:///work/reports/plan.md';

function outcome(overrides: Partial<SectionOutcome> = {}): SectionOutcome {
  return {
    section: 'overview',
    label: 'Client Overview',
    line: 11,
    status: 'applied',
    generator: 'openai',
    quality: 'passed_first_attempt',
    explanation: 'openai wrote a passing section (attempt 1)',
    text: null,
    current: null,
    ...overrides,
  };
}

function applied(sections: SectionOutcome[], endpoint: string | null = null): GenerationResult {
  return { applied: true, endpoint, sections };
}

/** 15 sections: 9 by the model, 4 by the template, 2 left as is. */
function fifteen(): SectionOutcome[] {
  return [
    ...Array.from({ length: 9 }, (_, i) => outcome({ section: `m${i}`, label: `Model ${i}` })),
    ...Array.from({ length: 4 }, (_, i) =>
      outcome({ section: `t${i}`, label: `Template ${i}`, generator: 'template', quality: 'fallback_used', explanation: 'template wrote a passing section (attempt 1)' }),
    ),
    ...Array.from({ length: 2 }, (_, i) =>
      outcome({ section: `u${i}`, label: `Unchanged ${i}`, status: 'unchanged', generator: null, quality: 'no_change', explanation: 'no generator wrote a passing section (openai #1: timed out); text left as it was' }),
    ),
  ];
}

describe('what the extension tells the server', () => {
  test('initializationOptions name the generationResults client feature', () => {
    assert.deepEqual(initializationOptions(), { clientFeatures: ['generationResults'] });
  });

  test('Replace anyway calls aicmo.applySection with uri, section and text', () => {
    assert.equal(APPLY_SECTION_COMMAND, 'aicmo.applySection');
    assert.equal(APPLY_SECTION_COMMAND, ServerCommand.applySection);
    assert.deepEqual(applySectionArgs(URI, 'overview', 'New body.\n'), { uri: URI, section: 'overview', text: 'New body.\n' });
  });
});

describe("generations run through the server's own commands (code actions, lenses)", () => {
  test('are told like the extension\'s commands: the mode, or all for Regenerate All', () => {
    assert.deepEqual(generationCommand('aicmo.generateSection', [{ uri: URI, section: 'overview', mode: 'expand', targetWords: 300 }]), { uri: URI, mode: 'expand' });
    assert.deepEqual(generationCommand('aicmo.generateSection', [{ uri: URI, line: 3 }]), { uri: URI, mode: 'regenerate' });
    assert.deepEqual(generationCommand('aicmo.regenerateAllFailing', [{ uri: URI }]), { uri: URI, mode: 'all' });
  });

  test('other commands and arguments without a uri are not', () => {
    assert.equal(generationCommand('aicmo.setPack', [{ uri: URI, pack: 'x' }]), undefined);
    assert.equal(generationCommand('aicmo.newReport', [{ pack: 'x', brief: {} }]), undefined);
    assert.equal(generationCommand('aicmo.generateSection', []), undefined);
    assert.equal(generationCommand('aicmo.generateSection', ['file:///x.md', 3]), undefined);
  });
});

describe('parsing a generation result', () => {
  test('every field of a section, in order', () => {
    const raw = {
      applied: true,
      endpoint: 'api.openai.com',
      sections: [
        { section: 'overview', label: 'Client Overview', line: 11, status: 'conflict', generator: 'openai', quality: 'passed_first_attempt', explanation: 'e', text: 'generated', current: 'mine' },
        { section: 'kpis', status: 'missing', generator: null, quality: null, explanation: 'section not found' },
        'not a section',
        { label: 'no id' },
      ],
    };
    assert.deepEqual(parseGenerationResult(raw), {
      applied: true,
      endpoint: 'api.openai.com',
      sections: [
        { section: 'overview', label: 'Client Overview', line: 11, status: 'conflict', generator: 'openai', quality: 'passed_first_attempt', explanation: 'e', text: 'generated', current: 'mine' },
        { section: 'kpis', label: 'kpis', line: null, status: 'missing', generator: null, quality: null, explanation: 'section not found', text: null, current: null },
      ],
    });
  });

  test('a stopped run keeps its reason; no answer is undefined', () => {
    assert.deepEqual(parseGenerationResult({ applied: false, reason: 'cancelled' }), { applied: false, reason: 'cancelled', endpoint: null, sections: [] });
    assert.equal(parseGenerationResult(undefined), undefined);
    assert.equal(parseGenerationResult(null), undefined);
    assert.equal(parseGenerationResult({ reason: 'busy' }), undefined);
  });

  test("an older server's per-section `applied` stands in for a status", () => {
    const parsed = parseGenerationResult({ applied: true, sections: [{ section: 'a', applied: true }, { section: 'b', applied: false }] });
    assert.deepEqual(parsed?.sections.map((s) => s.status), ['applied', 'unchanged']);
  });
});

describe('conflicts', () => {
  test('the warning, its buttons, the diff title', () => {
    assert.deepEqual(conflictMessage('Client Overview'), {
      level: 'warning',
      text: "aicmo: 'Client Overview' changed while aicmo was writing it, so nothing was applied there.",
      actions: ['Show generated text', 'Replace anyway'],
    });
    assert.deepEqual([SHOW_GENERATED, REPLACE_ANYWAY], ['Show generated text', 'Replace anyway']);
    assert.equal(diffTitle('Client Overview'), 'Client Overview: yours ↔ generated');
  });

  test('one warning per conflict after Regenerate All, acting on that section', () => {
    const result = applied([
      outcome(),
      outcome({ section: 'goals', label: 'Goals', status: 'conflict', text: 'gen', current: 'mine' }),
      outcome({ section: 'kpis', label: 'KPIs', status: 'conflict', text: 'gen2', current: 'mine2' }),
    ]);
    const told = notices(result, 'all');
    assert.equal(told.length, 3);
    assert.equal(told[0]?.details, true);
    assert.deepEqual(told.slice(1).map((n) => [n.message.text, n.conflict?.section, n.conflict?.text]), [
      ["aicmo: 'Goals' changed while aicmo was writing it, so nothing was applied there.", 'goals', 'gen'],
      ["aicmo: 'KPIs' changed while aicmo was writing it, so nothing was applied there.", 'kpis', 'gen2'],
    ]);
  });

  test('a run whose only section conflicted answers applied: false without a reason, and is told as a conflict', () => {
    const raw = {
      applied: false,
      endpoint: '127.0.0.1:8123',
      sections: [
        { section: 'overview', label: 'Overview', line: 6, status: 'conflict', generator: 'openai', quality: 'passed_first_attempt', explanation: 'openai wrote a passing section (attempt 1)', text: 'Generated.', current: 'Lorem ipsum for now. Typed.' },
      ],
    };
    const result = parseGenerationResult(raw);
    assert.ok(result !== undefined);
    const told = notices(result, 'regenerate');
    assert.deepEqual(told.map((n) => [n.message.text, n.message.actions, n.conflict?.text, n.conflict?.current]), [
      ["aicmo: 'Overview' changed while aicmo was writing it, so nothing was applied there.", [SHOW_GENERATED, REPLACE_ANYWAY], 'Generated.', 'Lorem ipsum for now. Typed.'],
    ]);
  });

  test('what Replace anyway says when it worked and when it failed', () => {
    assert.deepEqual(applySectionMessage('Goals', { applied: true }), { level: 'info', text: "aicmo: 'Goals' now holds the generated text.", actions: [] });
    assert.deepEqual(applySectionMessage('Goals', { applied: false, reason: 'the section is gone' }), {
      level: 'warning',
      text: "aicmo: could not replace 'Goals': the section is gone.",
      actions: [],
    });
    assert.equal(applySectionMessage('Goals', { applied: false })?.text, "aicmo: could not replace 'Goals'.");
    assert.equal(applySectionMessage('Goals', 'nonsense')?.text, "aicmo: could not replace 'Goals'.");
  });
});

describe('Regenerate All', () => {
  test('asks with the count from the status bar, singular and plural', () => {
    assert.deepEqual(regenerateAllQuestion(15), {
      message: 'Regenerate 15 failing sections?',
      detail: 'Text you wrote is kept where the benchmark allows.',
    });
    assert.equal(regenerateAllQuestion(1).message, 'Regenerate 1 failing section?');
    assert.equal(regenerateAllQuestion(undefined).message, 'Regenerate every failing section?');
  });

  test('asks only when something fails, and runs a document that names no pack to learn why', () => {
    assert.equal(regenerateAllPlan({ pack: 'quick_social_basic', failing: [{}, {}] }), 'ask');
    assert.equal(regenerateAllPlan({ pack: 'quick_social_basic', failing: [] }), 'nothing fails');
    assert.equal(regenerateAllPlan({ pack: null, failing: [] }), 'run');
    assert.equal(regenerateAllPlan(undefined), 'ask');
    assert.equal(NOTHING_FAILS, 'aicmo: no section fails.');
  });

  test('the summary counts who wrote what', () => {
    assert.equal(summaryCounts(fifteen()), '15 sections: 9 written by the model, 4 by the template, 2 left as is');
    assert.deepEqual(summaryMessage(applied(fifteen())), {
      level: 'warning',
      text: 'aicmo: 15 sections: 9 written by the model, 4 by the template, 2 left as is.',
      actions: [SHOW_DETAILS],
    });
    assert.equal(SHOW_DETAILS, 'Show Details');
  });

  test('everything passing is information; the template alone leads with "written"', () => {
    const sections = [outcome({ generator: 'template' }), outcome({ section: 'b', generator: 'template' })];
    assert.deepEqual(summaryMessage(applied(sections)), { level: 'info', text: 'aicmo: 2 sections: 2 written by the template.', actions: [SHOW_DETAILS] });
    assert.equal(summaryMessage(applied([outcome()])).text, 'aicmo: 1 section: 1 written by the model.');
  });

  test('provisional, conflicts, discarded and missing sections are counted too', () => {
    const sections = [
      outcome({ quality: 'provisional' }),
      outcome({ section: 'b', status: 'conflict' }),
      outcome({ section: 'c', status: 'declined', generator: 'template' }),
      outcome({ section: 'd', status: 'missing', generator: null, quality: null }),
      outcome({ section: 'e', generator: 'mock' }),
    ];
    assert.equal(
      summaryCounts(sections),
      '5 sections: 1 written by the model (1 provisional), 1 by the mock generator, 1 changed while aicmo was writing (not applied), 1 discarded in the preview, 1 no longer in the document',
    );
    assert.equal(summaryMessage(applied(sections)).level, 'warning');
  });

  test('a discarded preview says so and nothing more', () => {
    const sections = [outcome({ status: 'declined' }), outcome({ section: 'b', status: 'declined' })];
    assert.deepEqual(notices(applied(sections), 'all'), [
      { message: { level: 'info', text: 'aicmo: the preview was discarded; nothing was changed.', actions: [SHOW_DETAILS] }, details: true },
    ]);
  });

  test('the details document lists each section with status, generator and why', () => {
    const sections = [
      outcome(),
      outcome({ section: 'goals', label: 'Goals', line: 30, status: 'conflict', text: 'gen', current: 'mine' }),
      outcome({ section: 'kpis', label: 'KPIs', line: null, status: 'unchanged', generator: null, quality: 'no_change', explanation: 'no generator wrote a passing section; text left as it was' }),
    ];
    const details = detailsDocument(applied(sections, 'api.openai.com'), 'plan.md');
    assert.equal(
      details.text,
      [
        '# aicmo: Regenerate All Failing Sections',
        '',
        'plan.md: 3 sections: 1 written by the model, 1 left as is, 1 changed while aicmo was writing (not applied).',
        '',
        'Model endpoint: api.openai.com',
        '',
        '## Client Overview (line 12)',
        '',
        '- status: applied',
        '- generator: openai (the model)',
        '- quality: passed_first_attempt',
        '- why: openai wrote a passing section (attempt 1)',
        '',
        '## Goals (line 31)',
        '',
        '- status: not applied: the section changed while aicmo was writing it',
        '- generator: openai (the model)',
        '- quality: passed_first_attempt',
        '- why: openai wrote a passing section (attempt 1)',
        '- what you can do: **Show generated text** (compare it with yours) or **Replace anyway** (the links above this heading)',
        '',
        '## KPIs',
        '',
        '- status: left as is',
        '- generator: none',
        '- quality: no_change',
        '- why: no generator wrote a passing section; text left as it was',
        '',
      ].join('\n'),
    );
    assert.deepEqual(details.conflicts, [{ line: 13, section: 'goals' }]);
    assert.equal(details.text.split('\n')[13], '## Goals (line 31)');
  });
});

describe('a single section', () => {
  test('written by the model, or by the template, and passing', () => {
    assert.deepEqual(sectionMessage(outcome()), { level: 'info', text: "aicmo: 'Client Overview' was rewritten by the model and passes its benchmark.", actions: [] });
    assert.equal(sectionMessage(outcome({ generator: 'template' }), 'expand')?.text, "aicmo: 'Client Overview' was expanded by the template and passes its benchmark.");
    assert.equal(sectionMessage(outcome(), 'scratch')?.text, "aicmo: 'Client Overview' was rewritten from the brief by the model and passes its benchmark.");
  });

  test('a fallback says why', () => {
    const message = sectionMessage(
      outcome({ generator: 'template', quality: 'fallback_used', explanation: 'template wrote a passing section (attempt 1); passed over: openai #1: connection failed' }),
    );
    assert.deepEqual(message, {
      level: 'warning',
      text: "aicmo: 'Client Overview' was written by the template as a fallback. Why: template wrote a passing section (attempt 1); passed over: openai #1: connection failed.",
      actions: [],
    });
  });

  test('provisional, unchanged with why, missing, conflict, declined', () => {
    assert.equal(
      sectionMessage(outcome({ quality: 'provisional', explanation: 'kept the best attempt' }))?.text,
      "aicmo: 'Client Overview' was rewritten by the model but is marked provisional: it does not pass its benchmark yet. Why: kept the best attempt.",
    );
    assert.deepEqual(sectionMessage(outcome({ status: 'unchanged', generator: null, quality: 'no_change', explanation: 'no generator wrote a passing section; text left as it was' })), {
      level: 'warning',
      text: "aicmo: 'Client Overview' was left as is: no generator wrote a passing section; text left as it was.",
      actions: [],
    });
    assert.equal(sectionMessage(outcome({ status: 'missing', generator: null, quality: null }))?.text, "aicmo: 'Client Overview' is no longer in the document, so nothing was applied.");
    assert.deepEqual(sectionMessage(outcome({ status: 'conflict' }))?.actions, [SHOW_GENERATED, REPLACE_ANYWAY]);
    assert.equal(sectionMessage(outcome({ status: 'declined' })), undefined);
  });

  test('one notice per outcome, the conflict carrying its section', () => {
    const conflict = outcome({ status: 'conflict', text: 'gen', current: 'mine' });
    assert.deepEqual(notices(applied([conflict]), 'regenerate'), [{ message: conflictMessage('Client Overview'), conflict }]);
    assert.deepEqual(notices(applied([outcome()]), 'regenerate').map((n) => n.message.level), ['info']);
  });
});

describe('a run that stopped before generating', () => {
  test('cancelled says nothing was changed', () => {
    assert.deepEqual(notices({ applied: false, reason: 'cancelled', endpoint: null, sections: [] }, 'all'), [
      { message: { level: 'info', text: 'aicmo: cancelled; nothing was changed.', actions: [] } },
    ]);
    assert.equal(stoppedMessage('cancelled')?.text, 'aicmo: cancelled; nothing was changed.');
  });

  test('not a report names the command to use; reasons the server tells are left to it', () => {
    assert.match(stoppedMessage('not a report')?.text ?? '', /names no pack \(use 'aicmo: Select Pack for This File'\)/);
    assert.match(stoppedMessage('document not open')?.text ?? '', /not open in the language server/);
    for (const reason of ['busy', 'no section', 'nothing fails', 'unknown generator', 'error', '']) {
      assert.equal(stoppedMessage(reason), undefined, reason);
    }
    assert.deepEqual(notices({ applied: false, reason: 'busy', endpoint: null, sections: [] }, 'regenerate'), []);
  });
});

describe('read-only documents', () => {
  test('the scheme, the paths and their ids', () => {
    assert.equal(GENERATED_SCHEME, 'aicmo-generated');
    assert.equal(generatedPath('g3', 'yours', 'Client Overview'), '/g3/yours/Client Overview.md');
    assert.equal(generatedPath('g3', 'generated', 'KPIs / Goals: #1?'), '/g3/generated/KPIs Goals 1.md');
    assert.equal(generatedPath('g4', 'details', '///'), '/g4/details/section.md');
    assert.equal(generatedId('/g3/generated/KPIs Goals 1.md'), 'g3');
    assert.equal(generatedId('/g4/details/Regenerate All - plan.md'), 'g4');
    assert.equal(generatedId('/work/plan.md'), undefined);
  });

  test('generator names', () => {
    assert.deepEqual(['openai', 'template', 'mock', null].map((g) => generatorName(g)), ['the model', 'the template', 'the mock generator', 'no generator']);
  });
});
