// Keeps the API key out of the output channel. With `aicmo.trace.server: verbose`,
// vscode-languageclient logs every notification's params, `aicmo/setSecrets` included, so the
// channel it writes to masks every secret the extension has handed over. Pure, tested by node:test.

export const REDACTED = '«redacted»';

/** `text` with each secret (as written, and as JSON escapes it) replaced; secrets shorter than 4 are kept. */
export function redactSecrets(text: string, secrets: Iterable<string>): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length < 4) {
      continue; // too short to be a key; masking it would garble ordinary text
    }
    const forms = new Set([secret, JSON.stringify(secret).slice(1, -1)]);
    for (const form of forms) {
      result = result.split(form).join(REDACTED);
    }
  }
  return result;
}
