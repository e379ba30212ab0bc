// A slow OpenAI-compatible model on 127.0.0.1 for the real VS Code test: `POST /v1/chat/completions`
// answers after `delayMs` with the section it was given, grown by a paragraph, so a writer can type (or press Cancel)
// while aicmo waits for it. It records how many requests arrived and when, so the test can wait
// until the generation is really waiting on the model before it types.
'use strict';

const http = require('http');

// What the model adds to the section it is given: about 75 words, so the Client Overview (64 words,
// 120-260 wanted) passes. The writer's own text is kept (aicmo refuses an answer that drops the
// writer's facts), without the pack's forbidden opener.
const ADDED = [
  'This quarter the aim is to turn that Instagram attention into refill orders, which cost less to fulfil than a',
  'new candle and bring customers back to the shop. The workshop pours every candle by hand, so the plan paces',
  'posts to what the founders can make and pack without hiring anyone. Each post points to one product page, and',
  'every promotion ends on a fixed date so that followers learn to act when a post appears in their feed.',
].join(' '); // no figures: aicmo refuses an answer that states numbers found nowhere in the brief or report

// The section's current text from the prompt (between <current_text> tags), as the model's base.
function answerFor(request) {
  const messages = Array.isArray(request.messages) ? request.messages : [];
  const prompt = messages.map((m) => (typeof m.content === 'string' ? m.content : '')).join('\n');
  const current = /<current_text>\n?([\s\S]*?)\n?<\/current_text>/.exec(prompt);
  const base = current ? current[1].replace(/In today's digital age, a/i, 'A').trim() : '';
  return base ? `${base}\n\n${ADDED}` : ADDED;
}

function completion(model, content) {
  return {
    id: 'chatcmpl-e2e',
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
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
      let request = {};
      try {
        request = JSON.parse(raw);
      } catch {
        /* answer anyway */
      }
      const model = request.model || 'gpt-e2e';
      state.requests.push({ at: Date.now() });
      const timer = setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(completion(model, answerFor(request))));
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

module.exports = { startFakeModel, FAKE_MODEL_ADDED: ADDED };
