import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  BRIEF_QUESTIONS,
  ServerCommand,
  briefFromAnswers,
  failingPickEntries,
  generateSectionArgs,
  listPacksArgs,
  newReportArgs,
  packPickEntries,
  parsePacks,
  parseRules,
  regenerateAllArgs,
  ruleMarkdown,
  rulePickEntries,
  setPackArgs,
} from '../src/commandArgs';

const URI = 'file:///work/reports/plan.md';

describe('server command arguments', () => {
  test('generateSection at the cursor line with a mode', () => {
    assert.deepEqual(generateSectionArgs(URI, 12, 'regenerate'), { uri: URI, line: 12, mode: 'regenerate' });
    assert.deepEqual(generateSectionArgs(URI, 0, 'expand'), { uri: URI, line: 0, mode: 'expand' });
  });

  test('regenerateAllFailing, listPacks, setPack', () => {
    assert.deepEqual(regenerateAllArgs(URI), { uri: URI });
    assert.deepEqual(listPacksArgs(URI), { uri: URI });
    assert.deepEqual(listPacksArgs(undefined), {});
    assert.deepEqual(setPackArgs(URI, 'launch_gtm_pack'), { uri: URI, pack: 'launch_gtm_pack' });
  });

  test('newReport: the brief without empty answers, the uri only when known', () => {
    const brief = briefFromAnswers({ brand: ' Glow Botanicals ', industry: '', audience: '   ', goal: 'grow', voice: undefined });
    assert.deepEqual(brief, { brand: 'Glow Botanicals', goal: 'grow' });
    assert.deepEqual(newReportArgs('quick_social_basic', brief, URI), { pack: 'quick_social_basic', brief, uri: URI });
    assert.deepEqual(newReportArgs('quick_social_basic', {}, undefined), { pack: 'quick_social_basic', brief: {} });
  });

  test('the brief questions are brand, industry, audience, goal, voice', () => {
    assert.deepEqual(
      BRIEF_QUESTIONS.map((q) => q.key),
      ['brand', 'industry', 'audience', 'goal', 'voice'],
    );
  });

  test("the server's command IDs", () => {
    assert.deepEqual(Object.values(ServerCommand).sort(), [
      'aicmo.applySection',
      'aicmo.generateSection',
      'aicmo.listPacks',
      'aicmo.listRules',
      'aicmo.newReport',
      'aicmo.regenerateAllFailing',
      'aicmo.revalidate',
      'aicmo.scorecard',
      'aicmo.setPack',
      'aicmo.showSection',
      'aicmo.stats',
    ]);
  });
});

describe('answers to quick picks', () => {
  const packs = parsePacks([
    { key: 'quick_social_basic', label: 'Quick Social Pack (Basic)', sections: [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }] },
    { key: 'big', label: 'Big', sections: Array.from({ length: 8 }, (_, i) => ({ id: `s${i}`, label: `S${i}` })) },
    { label: 'no key' },
    'junk',
  ]);

  test('packs: well-formed entries only', () => {
    assert.deepEqual(
      packs.map((p) => p.key),
      ['quick_social_basic', 'big'],
    );
    assert.deepEqual(parsePacks(null), []);
  });

  test('pack entries show the key, the current pack and the first sections', () => {
    const entries = packPickEntries(packs, 'big');
    assert.deepEqual(
      entries.map(({ label, description, detail }) => ({ label, description, detail })),
      [
        { label: 'Quick Social Pack (Basic)', description: 'quick_social_basic', detail: '2 sections: A, B' },
        { label: 'Big', description: 'big (current)', detail: '8 sections: S0, S1, S2, S3, S4, S5, +2 more' },
      ],
    );
    assert.equal(entries[0]?.value.key, 'quick_social_basic');
  });

  test('a suggested pack comes first and says how many of its sections the headings cover', () => {
    const entries = packPickEntries(packs, null, { pack: 'big', found: 6, total: 8 });
    assert.deepEqual(
      entries.map(({ description }) => description),
      ['big (suggested: 6 of 8 sections found)', 'quick_social_basic'],
    );
  });

  test('rules: entries and their Markdown', () => {
    const rules = parseRules([
      { code: 'AIC101', name: 'min_words', severity: 'error', summary: 'Too few words.', doc: '**What it checks**\n\nWords.' },
      { name: 'no code' },
    ]);
    assert.equal(rules.length, 1);
    const [entry] = rulePickEntries(rules);
    assert.deepEqual(entry && { label: entry.label, description: entry.description, detail: entry.detail }, {
      label: 'AIC101 min_words',
      description: 'error',
      detail: 'Too few words.',
    });
    assert.equal(ruleMarkdown(rules[0]!), '# AIC101 min_words\n\nDefault severity: error\n\n**What it checks**\n\nWords.\n');
  });

  test('failing sections: label, 1-based line, errors', () => {
    const [entry] = failingPickEntries([{ section: 'kpi_plan', label: 'KPI Plan', line: 40, errors: 1 }]);
    assert.deepEqual(entry, {
      label: '$(error) KPI Plan',
      description: 'line 41',
      detail: '1 error (kpi_plan)',
      value: { section: 'kpi_plan', label: 'KPI Plan', line: 40, errors: 1 },
    });
  });
});
