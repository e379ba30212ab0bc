// Where the OpenAI API key goes: the host of `aicmo.generator.baseUrl`, or OpenAI's own, and the
// notice that names it. Pure: no `vscode` import, so node:test covers it (test/endpoint.test.ts).

export const OPENAI_HOST = 'api.openai.com';
export const BASE_URL_SETTING = 'aicmo.generator.baseUrl';
/** globalState key: the host the notice was last shown for. */
export const NOTICE_SHOWN_FOR_KEY = 'aicmo.endpointNoticeShownFor';

export interface Endpoint {
  /** The host (with its port) the key is sent to, or the setting as written when it is not a URL. */
  host: string;
  /** Whether the setting is an http(s) URL (true for the default). */
  valid: boolean;
  /** An http:// URL to a host other than this machine: the key travels unencrypted. */
  unencrypted: boolean;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The endpoint of a `aicmo.generator.baseUrl` value ('' or unset: OpenAI's own). */
export function endpointOf(baseUrl: string | null | undefined): Endpoint {
  const trimmed = (baseUrl ?? '').trim();
  if (trimmed === '') {
    return { host: OPENAI_HOST, valid: true, unencrypted: false };
  }
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return { host: trimmed, valid: false, unencrypted: false };
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.host === '') {
    return { host: trimmed, valid: false, unencrypted: false };
  }
  return { host: url.host, valid: true, unencrypted: url.protocol === 'http:' && !LOOPBACK.has(url.hostname) };
}

/** The notice: `aicmo: the key will be sent to api.openai.com (setting aicmo.generator.baseUrl)`. */
export function endpointNotice(baseUrl: string | null | undefined): string {
  const endpoint = endpointOf(baseUrl);
  if (!endpoint.valid) {
    return `aicmo: the key will be sent to ${JSON.stringify(endpoint.host)}, which is not an http(s) URL (setting ${BASE_URL_SETTING})`;
  }
  const unencrypted = endpoint.unencrypted ? ', unencrypted (http)' : '';
  return `aicmo: the key will be sent to ${endpoint.host}${unencrypted} (setting ${BASE_URL_SETTING})`;
}

/**
 * Whether a generation sends the key anywhere: a key is stored and the chain uses the `openai`
 * generator (an empty chain does when a key is stored: `openai` then `template`).
 */
export function keyIsSent(chain: readonly string[] | null | undefined, hasKey: boolean): boolean {
  return hasKey && (chain === null || chain === undefined || chain.length === 0 || chain.includes('openai'));
}

/**
 * Whether the first generation of a session shows the notice: the key is sent, and the notice was
 * never shown (`shownFor` undefined) or was shown for another host.
 */
export function noticeDueOnGeneration(
  chain: readonly string[] | null | undefined,
  hasKey: boolean,
  baseUrl: string | null | undefined,
  shownFor: string | undefined,
): boolean {
  return keyIsSent(chain, hasKey) && shownFor !== endpointOf(baseUrl).host;
}
