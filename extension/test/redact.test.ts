import assert from 'node:assert/strict';
import { test } from 'node:test';
import { REDACTED, redactSecrets } from '../src/redact';

test('masks a key as written and inside a JSON trace', () => {
  const key = 'sk-test-abc"123\\x';
  const trace = `Params: ${JSON.stringify({ openaiApiKey: key }, null, 4)}`;
  assert.ok(!redactSecrets(trace, [key]).includes('abc'));
  assert.equal(redactSecrets(`key=${key}; again ${key}`, [key]), `key=${REDACTED}; again ${REDACTED}`);
});

test('leaves text without secrets, and very short secrets, alone', () => {
  assert.equal(redactSecrets('nothing here', ['sk-long-key']), 'nothing here');
  assert.equal(redactSecrets('a b c', ['a']), 'a b c');
  assert.equal(redactSecrets('text', []), 'text');
});
