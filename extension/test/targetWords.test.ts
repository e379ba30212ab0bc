import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ScorecardSection } from '../src/scorecardData';
import { MAX_TARGET_WORDS, parseTargetWords, targetWordsInput, targetWordsRange, validateTargetWords } from '../src/targetWords';

function section(overrides: Partial<ScorecardSection> = {}): ScorecardSection {
  return {
    section: 'overview',
    label: 'Client Overview',
    line: 11,
    status: 'FAIL',
    words: 212,
    minWords: 280,
    maxWords: 400,
    expandTarget: 340,
    errors: 1,
    warnings: 0,
    bounds: [],
    findings: [],
    ...overrides,
  };
}

describe('the target length of Expand', () => {
  test('a whole number above the current words, at most 5000', () => {
    assert.equal(MAX_TARGET_WORDS, 5000);
    assert.deepEqual(targetWordsRange(212), { min: 213, max: 5000 });
    assert.deepEqual(targetWordsRange(0), { min: 1, max: 5000 });
    assert.equal(validateTargetWords('213', 212), undefined);
    assert.equal(validateTargetWords(' 5000 ', 212), undefined);
    assert.equal(validateTargetWords('212', 212), 'The section has 212 words already: expand it to at least 213.');
    assert.equal(validateTargetWords('5001', 212), 'At most 5000 words.');
    for (const bad of ['', 'abc', '300.5', '-300', '3e2', '1,000']) {
      assert.equal(validateTargetWords(bad, 212), 'A whole number of words, from 213 to 5000.', bad);
    }
  });

  test('parsing gives the number of a valid input only', () => {
    assert.equal(parseTargetWords(' 340 ', 212), 340);
    assert.equal(parseTargetWords('100', 212), undefined);
    assert.equal(parseTargetWords('x', 212), undefined);
  });

  test('the input box is prefilled with the scorecard’s expandTarget', () => {
    assert.deepEqual(targetWordsInput(section()), {
      title: "aicmo: Expand 'Client Overview'",
      prompt: 'It has 212 words; its benchmark asks for 280-400. Expand it to how many words? (213-5000)',
      value: '340',
    });
  });

  test('no prefill when the target is missing or not above the current words', () => {
    const noRange = targetWordsInput(section({ minWords: null, maxWords: null, expandTarget: null }));
    assert.ok(!('error' in noRange));
    assert.equal(noRange.value, '');
    assert.match(noRange.prompt, /its benchmark sets no word range/);
    const long = targetWordsInput(section({ words: 390, expandTarget: 340 }));
    assert.ok(!('error' in long));
    assert.equal(long.value, '');
    const minOnly = targetWordsInput(section({ maxWords: null }));
    assert.ok(!('error' in minOnly));
    assert.match(minOnly.prompt, /asks for at least 280/);
  });

  test('a section of 5000 words or more cannot grow', () => {
    assert.deepEqual(targetWordsInput(section({ words: 5000 })), { error: "'Client Overview' has 5000 words; Expand writes at most 5000." });
  });
});
