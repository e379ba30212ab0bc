// A slow OpenAI-compatible model on 127.0.0.1 for the real VS Code test: `POST /v1/chat/completions`
// answers after `delayMs` with a plausible section body, so a writer can type (or press Cancel)
// while aicmo waits for it. It records how many requests arrived and when, so the test can wait
// until the generation is really waiting on the model before it types.
'use strict';

const http = require('http');

const BODY = [
  'Saltmarsh Candle Co. makes hand-poured soy candles in a Whitstable workshop and sells them online and',
  'at two coastal markets. This quarter the goal is to grow Instagram followers from 4,100 to 6,000 and',
  'to turn that attention into 300 refill orders, which cost less to fulfil than a new candle.',
  '',
  '### At a Glance',
  '',
  '- **Brand:** Saltmarsh Candle Co., two founders and a part-time packer.',
  '- **Goal:** 6,000 Instagram followers and 300 refill orders by the end of December.',
  '- **Audience:** women aged 28-45 in the South East who buy gifts online.',
].join('\n');

function completion(model) {
  return {
    id: 'chatcmpl-e2e',
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: BODY }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 900, completion_tokens: 160, total_tokens: 1060 },
  };
}

/** Starts the model; resolves to { baseUrl, requests: [{at}], delayMs (settable), close() }. */
function startFakeModel(delayMs) {
  const state = { requests: [], delayMs, baseUrl: '', close: () => undefined };
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url.endsWith('/chat/completions')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}` } }));
        return;
      }
      let model = 'gpt-e2e';
      try {
        model = JSON.parse(raw).model || model;
      } catch {
        /* answer anyway */
      }
      state.requests.push({ at: Date.now() });
      const timer = setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(completion(model)));
      }, state.delayMs);
      res.on('close', () => clearTimeout(timer)); // the client gave up (Cancel): answer nothing
    });
  });
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      state.baseUrl = `http://127.0.0.1:${server.address().port}/v1`;
      state.close = () => new Promise((done) => {
        server.close(() => done());
        server.closeAllConnections(); // keep-alive connections of the SDK would hold close() open
      });
      server.unref();
      resolve(state);
    });
  });
}

module.exports = { startFakeModel, FAKE_MODEL_BODY: BODY };
