// The paths of the extension's read-only documents (readonlyDocs.ts): the tab shows the file name.
// Pure: no `vscode` import, so node:test covers it (test/readonlyDocPath.test.ts).

/** The URI scheme of the read-only documents ("Explain Rule", "Show Generation Stats"). */
export const READONLY_SCHEME = 'aicmo-doc';

/** `/<name>.<extension>`, the name reduced to letters, digits, spaces, `_`, `-` and `.`. */
export function readonlyDocPath(name: string, extension: 'md' | 'txt'): string {
  const safe = name
    .replace(/[^\p{L}\p{N} _.-]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .replace(/^[ .]+|[ .]+$/g, '');
  return `/${safe === '' ? 'document' : safe}.${extension}`;
}
