// When the language server starts: as the window opens on a folder of reports, so that the first
// report shows its checks at once (starting Python and the server takes 1-2 s), or only when the
// first Markdown/MDX document opens. A code repository whose only Markdown is its README must not
// get a Python process for it. Pure: no `vscode` import, so node:test covers it
// (test/earlyStart.test.ts); extension.ts gathers the facts and acts on the decision.

export const START_EARLY_SETTING = 'aicmo.server.startEarly';

/** What extension.ts asks `workspace.findFiles` for: Markdown and MDX files, and the project's settings file. */
export const MARKDOWN_GLOB = '**/*.{md,mdx,markdown}';
export const SETTINGS_FILE_GLOB = '**/aicmo.toml';
/** Dependencies and hidden folders (`.git`, `.venv`, `.github`, ...) hold no reports; mayBeReport says so too. */
export const SEARCH_EXCLUDE = '{**/node_modules/**,**/.*/**}';
/** Enough to see past a repository's usual documents; a search that stops early stays cheap in a big repository. */
export const SEARCH_LIMIT = 50;

const MARKDOWN_EXTENSIONS = ['.md', '.mdx', '.markdown'];
/** The documents most repositories have, whatever they hold (compared in lower case, without the extension). */
const USUAL_DOCUMENTS = new Set([
  'readme',
  'changelog',
  'changes',
  'history',
  'contributing',
  'license',
  'licence',
  'code_of_conduct',
  'security',
  'support',
  'authors',
  'notice',
  'pull_request_template',
  'issue_template',
]);

/** The parts of a path written with `/` or `\`. */
function segments(path: string): string[] {
  return path.split(/[\\/]/).filter((part) => part !== '');
}

/** Whether a file name ends in `.md`, `.mdx` or `.markdown`, in any case. */
export function isMarkdownPath(path: string): boolean {
  const lower = path.toLowerCase();
  return MARKDOWN_EXTENSIONS.some((extension) => lower.endsWith(extension));
}

/** Whether an open document is Markdown or MDX in a file or unsaved, i.e. one the server may check. */
export function isMarkdownDocument(document: { languageId: string; scheme: string; path: string }): boolean {
  const markdown = document.languageId === 'markdown' || document.languageId === 'mdx' || isMarkdownPath(document.path);
  return markdown && (document.scheme === 'file' || document.scheme === 'untitled');
}

/**
 * Whether a Markdown file (a path relative to its workspace folder) may be a report: not one of a
 * repository's usual documents (README.md, CHANGELOG.mdx, ...), and not inside `node_modules` or a
 * hidden folder.
 */
export function mayBeReport(relativePath: string): boolean {
  const parts = segments(relativePath);
  const name = parts.pop();
  if (name === undefined || !isMarkdownPath(name)) {
    return false;
  }
  if (parts.some((folder) => folder === 'node_modules' || folder.startsWith('.'))) {
    return false;
  }
  const stem = name.slice(0, name.lastIndexOf('.')).toLowerCase();
  return !USUAL_DOCUMENTS.has(stem);
}

/** What the workspace search found, as paths relative to their workspace folder. */
export interface WorkspaceFiles {
  settingsFiles: readonly string[];
  markdownFiles: readonly string[];
}

export interface StartFacts {
  /** The Markdown/MDX document already open in the window (its name), if any. */
  openReport: string | undefined;
  /** `aicmo.server.startEarly`. */
  startEarly: boolean;
  /** `aicmo.enable`: a folder where aicmo is off gets no server before a report asks for one. */
  checksEnabled: boolean;
  /** Undefined when the search has not run: it runs only when needsWorkspaceSearch says so. */
  found?: WorkspaceFiles;
}

export type StartDecision =
  /** `reason` completes "started ...": the server's log line says why and when it started. */
  | { start: true; reason: string }
  /** `reason` says why the server waits for the first report. */
  | { start: false; reason: string };

/** Whether the decision depends on the workspace's files (the search costs a walk of the folder). */
export function needsWorkspaceSearch(facts: StartFacts): boolean {
  return facts.openReport === undefined && facts.startEarly && facts.checksEnabled;
}

/** Start now, or wait for the first Markdown/MDX document to open. */
export function decideStart(facts: StartFacts): StartDecision {
  if (facts.openReport !== undefined) {
    return { start: true, reason: `for ${facts.openReport}` };
  }
  if (!facts.startEarly) {
    return { start: false, reason: `${START_EARLY_SETTING} is off` };
  }
  if (!facts.checksEnabled) {
    return { start: false, reason: 'aicmo.enable is off' };
  }
  const settingsFile = facts.found?.settingsFiles[0];
  if (settingsFile !== undefined) {
    return { start: true, reason: `as the folder opened (it has ${settingsFile})` };
  }
  const report = facts.found?.markdownFiles.find(mayBeReport);
  if (report !== undefined) {
    return { start: true, reason: `as the folder opened (it holds ${report})` };
  }
  return { start: false, reason: 'the folder holds no aicmo.toml and no Markdown or MDX file but the usual README, CHANGELOG and the like' };
}
