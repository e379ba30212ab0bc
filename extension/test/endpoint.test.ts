import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { endpointNotice, endpointOf, keyIsSent, noticeDueOnGeneration } from '../src/endpoint';

describe('where the API key is sent', () => {
  test('OpenAI’s own host when the setting is empty', () => {
    assert.deepEqual(endpointOf(''), { host: 'api.openai.com', valid: true, unencrypted: false });
    assert.deepEqual(endpointOf('   '), { host: 'api.openai.com', valid: true, unencrypted: false });
    assert.deepEqual(endpointOf(undefined), { host: 'api.openai.com', valid: true, unencrypted: false });
    assert.deepEqual(endpointOf(null), { host: 'api.openai.com', valid: true, unencrypted: false });
  });

  test('the host (and port) of the base URL', () => {
    assert.deepEqual(endpointOf('https://llm.example.com/v1'), { host: 'llm.example.com', valid: true, unencrypted: false });
    assert.deepEqual(endpointOf('http://127.0.0.1:8080/v1'), { host: '127.0.0.1:8080', valid: true, unencrypted: false });
    assert.deepEqual(endpointOf('http://localhost:11434/v1'), { host: 'localhost:11434', valid: true, unencrypted: false });
    assert.deepEqual(endpointOf('http://gpu-box.lan/v1'), { host: 'gpu-box.lan', valid: true, unencrypted: true });
  });

  test('a value that is not an http(s) URL is named as written', () => {
    assert.deepEqual(endpointOf('llm.example.com/v1'), { host: 'llm.example.com/v1', valid: false, unencrypted: false });
    assert.deepEqual(endpointOf('ftp://x.example/v1'), { host: 'ftp://x.example/v1', valid: false, unencrypted: false });
  });

  test('the notice', () => {
    assert.equal(endpointNotice(''), 'aicmo: the key will be sent to api.openai.com (setting aicmo.generator.baseUrl)');
    assert.equal(endpointNotice('https://llm.example.com/v1'), 'aicmo: the key will be sent to llm.example.com (setting aicmo.generator.baseUrl)');
    assert.equal(endpointNotice('http://gpu-box.lan/v1'), 'aicmo: the key will be sent to gpu-box.lan, unencrypted (http) (setting aicmo.generator.baseUrl)');
    assert.equal(
      endpointNotice('llm.example.com'),
      'aicmo: the key will be sent to "llm.example.com", which is not an http(s) URL (setting aicmo.generator.baseUrl)',
    );
  });
});

describe('the notice before a generation', () => {
  test('only when a key is stored and the chain uses the openai generator', () => {
    assert.equal(keyIsSent([], true), true);
    assert.equal(keyIsSent(null, true), true);
    assert.equal(keyIsSent(['openai', 'template'], true), true);
    assert.equal(keyIsSent(['template'], true), false);
    assert.equal(keyIsSent([], false), false);
  });

  test('when never shown, or shown for another host', () => {
    assert.equal(noticeDueOnGeneration([], true, '', undefined), true);
    assert.equal(noticeDueOnGeneration([], true, '', 'api.openai.com'), false);
    assert.equal(noticeDueOnGeneration([], true, 'https://llm.example.com/v1', 'api.openai.com'), true);
    assert.equal(noticeDueOnGeneration(['template'], true, '', undefined), false);
    assert.equal(noticeDueOnGeneration([], false, '', undefined), false);
  });
});
