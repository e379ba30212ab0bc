import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { READONLY_SCHEME, readonlyDocPath } from '../src/readonlyDocPath';

describe('read-only documents', () => {
  test('their own scheme, and a file name the tab shows', () => {
    assert.equal(READONLY_SCHEME, 'aicmo-doc');
    assert.equal(readonlyDocPath('AIC101 min_words', 'md'), '/AIC101 min_words.md');
    assert.equal(readonlyDocPath('Generation Stats', 'txt'), '/Generation Stats.txt');
  });

  test('slashes and other punctuation never make folders or odd names', () => {
    assert.equal(readonlyDocPath('a/b\\c?*: d', 'md'), '/a b c d.md');
    assert.equal(readonlyDocPath('../..', 'md'), '/document.md');
    assert.equal(readonlyDocPath('', 'txt'), '/document.txt');
    assert.equal(readonlyDocPath('Räumung', 'md'), '/Räumung.md');
  });
});
