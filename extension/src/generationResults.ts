// What the writer is told about a generation: the server's answer to `aicmo.generateSection` and
// `aicmo.regenerateAllFailing` (docs/lsp.md, "Generation results") turned into messages, the
// summary of a Regenerate All, its details document and the arguments of "Replace anyway".
// Pure: no `vscode` import, so node:test covers it (test/generationResults.test.ts); the VS Code
// side is generation.ts.

import { ServerCommand } from './serverProtocol';

/** Sent as `initializationOptions`: the extension presents generation results itself, so the server
 * sends no per-section messages for them. */
export const CLIENT_FEATURES = ['generationResults'] as const;

export function initializationOptions(): { clientFeatures: string[] } {
  return { clientFeatures: [...CLIENT_FEATURES] };
}

/** The server command behind "Replace anyway". */
export const APPLY_SECTION_COMMAND = ServerCommand.applySection;

/** The scheme of the read-only documents this module's texts are shown in (diffs and details). */
export const GENERATED_SCHEME = 'aicmo-generated';

export const SHOW_GENERATED = 'Show generated text';
export const REPLACE_ANYWAY = 'Replace anyway';
export const SHOW_DETAILS = 'Show Details';
export const REGENERATE = 'Regenerate';

export type SectionStatus = 'applied' | 'conflict' | 'declined' | 'missing' | 'unchanged';

export interface SectionOutcome {
  section: string;
  label: string;
  /** 0-based line of the section's heading, when known. */
  line: number | null;
  status: SectionStatus;
  generator: string | null;
  quality: string | null;
  explanation: string;
  /** The generated body (conflict and declined). */
  text: string | null;
  /** The section's body when the generated text was ready (conflict). */
  current: string | null;
}

export type GenerationResult =
  | { applied: true; endpoint: string | null; sections: SectionOutcome[] }
  | { applied: false; reason: string; endpoint: string | null; sections: SectionOutcome[] };

const STATUSES: readonly string[] = ['applied', 'conflict', 'declined', 'missing', 'unchanged'];
const PASSED = ['passed_first_attempt', 'passed_after_retry', 'fallback_used'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function parseSection(raw: unknown): SectionOutcome | undefined {
  if (!isRecord(raw) || typeof raw.section !== 'string') {
    return undefined;
  }
  // A server older than the `status` field said only whether each section was applied.
  const status = STATUSES.includes(raw.status as string) ? (raw.status as SectionStatus) : raw.applied === true ? 'applied' : 'unchanged';
  return {
    section: raw.section,
    label: str(raw.label) ?? raw.section,
    line: typeof raw.line === 'number' && Number.isInteger(raw.line) && raw.line >= 0 ? raw.line : null,
    status,
    generator: str(raw.generator),
    quality: str(raw.quality),
    explanation: str(raw.explanation) ?? '',
    text: str(raw.text),
    current: str(raw.current),
  };
}

/** The answer of a generation command; undefined when it is no such answer (the server failed, and said so). */
export function parseGenerationResult(raw: unknown): GenerationResult | undefined {
  if (!isRecord(raw) || typeof raw.applied !== 'boolean') {
    return undefined;
  }
  const sections = Array.isArray(raw.sections) ? raw.sections.flatMap((s) => parseSection(s) ?? []) : [];
  const endpoint = str(raw.endpoint);
  if (raw.applied) {
    return { applied: true, endpoint, sections };
  }
  return { applied: false, reason: str(raw.reason) ?? '', endpoint, sections };
}

export type Level = 'info' | 'warning';

export interface Message {
  level: Level;
  text: string;
  /** The buttons, in order. */
  actions: string[];
}

const info = (text: string, actions: string[] = []): Message => ({ level: 'info', text, actions });
const warning = (text: string, actions: string[] = []): Message => ({ level: 'warning', text, actions });

/** `Regenerate 15 failing sections?` and its promise, for a modal confirmation. */
export function regenerateAllQuestion(failing: number | undefined): { message: string; detail: string } {
  const what = failing === undefined ? 'every failing section' : `${failing} failing ${failing === 1 ? 'section' : 'sections'}`;
  return { message: `Regenerate ${what}?`, detail: 'Text you wrote is kept where the benchmark allows.' };
}

export function conflictMessage(label: string): Message {
  return warning(`aicmo: '${label}' changed while aicmo was writing it, so nothing was applied there.`, [SHOW_GENERATED, REPLACE_ANYWAY]);
}

export function diffTitle(label: string): string {
  return `${label}: yours ↔ generated`;
}

export function applySectionArgs(uri: string, section: string, text: string): { uri: string; section: string; text: string } {
  return { uri, section, text };
}

/** What to tell after "Replace anyway" (the writer may be looking at the diff, not the report). */
export function applySectionMessage(label: string, answer: unknown): Message {
  if (isRecord(answer) && answer.applied === true) {
    return info(`aicmo: '${label}' now holds the generated text.`);
  }
  const reason = isRecord(answer) && typeof answer.reason === 'string' && answer.reason !== '' ? `: ${answer.reason}` : '';
  return warning(`aicmo: could not replace '${label}'${reason}.`);
}

/** "the model" for the openai generator, "the template" for the template generator. */
export function generatorName(generator: string | null): string {
  if (generator === 'openai') {
    return 'the model';
  }
  if (generator === 'template') {
    return 'the template';
  }
  return generator ? `the ${generator} generator` : 'no generator';
}

function sentence(text: string): string {
  const trimmed = text.trim();
  return trimmed === '' || /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

const VERBS: Readonly<Record<string, string>> = { regenerate: 'rewritten', scratch: 'rewritten from the brief', expand: 'expanded', fix: 'fixed' };

/** The message for one section of a single-section generation; undefined for nothing to say. */
export function sectionMessage(outcome: SectionOutcome, mode = 'regenerate'): Message | undefined {
  const { label } = outcome;
  const why = outcome.explanation.trim() ? ` Why: ${sentence(outcome.explanation)}` : '';
  switch (outcome.status) {
    case 'conflict':
      return conflictMessage(label);
    case 'declined':
      return undefined; // the writer discarded the preview: they know
    case 'missing':
      return warning(`aicmo: '${label}' is no longer in the document, so nothing was applied.`);
    case 'unchanged':
      return warning(`aicmo: '${label}' was left as is${outcome.explanation.trim() ? `: ${sentence(outcome.explanation)}` : '.'}`);
    case 'applied':
      break;
  }
  const by = generatorName(outcome.generator);
  if (outcome.quality === 'provisional') {
    return warning(`aicmo: '${label}' was ${VERBS[mode] ?? 'rewritten'} by ${by} but is marked provisional: it does not pass its benchmark yet.${why}`);
  }
  if (outcome.quality === 'fallback_used') {
    return warning(`aicmo: '${label}' was written by ${by} as a fallback.${why}`);
  }
  return info(`aicmo: '${label}' was ${VERBS[mode] ?? 'rewritten'} by ${by} and passes its benchmark.`);
}

/** The message of an answer that generated nothing; undefined when the server already said why. */
export function stoppedMessage(reason: string): Message | undefined {
  switch (reason) {
    case 'cancelled':
      return info('aicmo: cancelled; nothing was changed.');
    case 'not a report':
      return info("aicmo: this document is not a report: it names no pack (use 'aicmo: Select Pack for This File').");
    case 'document not open':
      return info('aicmo: the document is not open in the language server yet; try again in a moment.');
    default:
      return undefined; // busy, no section, nothing fails, unknown generator, error: the server said so
  }
}

function plural(count: number, one: string, many: string = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

function isProvisional(outcome: SectionOutcome): boolean {
  return outcome.status === 'applied' && outcome.quality !== null && !PASSED.includes(outcome.quality);
}

const GENERATOR_ORDER = ['openai', 'template'];

/** `15 sections: 9 written by the model, 4 by the template, 2 left as is` (no prefix, no period). */
export function summaryCounts(sections: readonly SectionOutcome[]): string {
  const applied = sections.filter((s) => s.status === 'applied');
  const generators = [...new Set(applied.map((s) => s.generator ?? ''))].sort((a, b) => {
    const rank = (g: string): number => (GENERATOR_ORDER.includes(g) ? GENERATOR_ORDER.indexOf(g) : GENERATOR_ORDER.length);
    return rank(a) - rank(b) || a.localeCompare(b);
  });
  const parts = generators.map((generator, index) => {
    const written = applied.filter((s) => (s.generator ?? '') === generator);
    const provisional = written.filter(isProvisional).length;
    const note = provisional > 0 ? ` (${provisional} provisional)` : '';
    return `${written.length} ${index === 0 ? 'written ' : ''}by ${generatorName(generator || null)}${note}`;
  });
  const count = (status: SectionStatus): number => sections.filter((s) => s.status === status).length;
  const others: [number, string][] = [
    [count('unchanged'), 'left as is'],
    [count('conflict'), 'changed while aicmo was writing (not applied)'],
    [count('declined'), 'discarded in the preview'],
    [count('missing'), 'no longer in the document'],
  ];
  for (const [n, phrase] of others) {
    if (n > 0) {
      parts.push(`${n} ${phrase}`);
    }
  }
  return `${plural(sections.length, 'section')}: ${parts.join(', ')}`;
}

/** The one notification after Regenerate All: its counts, with Show Details. */
export function summaryMessage(result: GenerationResult): Message {
  const { sections } = result;
  if (sections.length > 0 && sections.every((s) => s.status === 'declined')) {
    return info('aicmo: the preview was discarded; nothing was changed.', [SHOW_DETAILS]);
  }
  const trouble = sections.some((s) => ['conflict', 'missing', 'unchanged'].includes(s.status) || isProvisional(s));
  const text = `aicmo: ${summaryCounts(sections)}.`;
  return trouble ? warning(text, [SHOW_DETAILS]) : info(text, [SHOW_DETAILS]);
}

/** One notification: its message, and what its buttons act on. */
export interface Notice {
  message: Message;
  /** The section whose conflict the buttons resolve (Show generated text, Replace anyway). */
  conflict?: SectionOutcome;
  /** Whether Show Details opens the details document. */
  details?: boolean;
}

/**
 * What the writer is told after a generation: for Regenerate All (`mode` `all`), one summary then one
 * warning per conflict; for a single section, one message per outcome. An answer that stopped before
 * generating gets at most its reason.
 */
export function notices(result: GenerationResult, mode: string): Notice[] {
  if (result.sections.length === 0) {
    const stopped = result.applied ? undefined : stoppedMessage(result.reason);
    return stopped ? [{ message: stopped }] : [];
  }
  if (mode === 'all') {
    const conflicts = result.sections.filter((s) => s.status === 'conflict').map((s) => ({ message: conflictMessage(s.label), conflict: s }));
    return [{ message: summaryMessage(result), details: true }, ...conflicts];
  }
  return result.sections.flatMap((outcome): Notice[] => {
    if (outcome.status === 'conflict') {
      return [{ message: conflictMessage(outcome.label), conflict: outcome }];
    }
    const message = sectionMessage(outcome, mode);
    return message ? [{ message }] : [];
  });
}

/**
 * A generation that VS Code ran through the server's own command (a code action, a code lens): the
 * document and the mode its result is told with (`all` for Regenerate All); undefined for any other command.
 */
export function generationCommand(command: string, args: readonly unknown[]): { uri: string; mode: string } | undefined {
  const options = args[0];
  if (!isRecord(options) || typeof options.uri !== 'string') {
    return undefined;
  }
  if (command === ServerCommand.regenerateAllFailing) {
    return { uri: options.uri, mode: 'all' };
  }
  if (command === ServerCommand.generateSection) {
    return { uri: options.uri, mode: typeof options.mode === 'string' ? options.mode : 'regenerate' };
  }
  return undefined;
}

/** Before Regenerate All: ask (with the count when the status bar knows it), say nothing fails, or just run
 * (a document that names no pack: the server says it is not a report). */
export function regenerateAllPlan(status: { pack: string | null; failing: readonly unknown[] } | undefined): 'ask' | 'nothing fails' | 'run' {
  if (status === undefined) {
    return 'ask';
  }
  if (status.pack === null || status.pack === '') {
    return 'run';
  }
  return status.failing.length === 0 ? 'nothing fails' : 'ask';
}

export const NOTHING_FAILS = 'aicmo: no section fails.';

/** The path of a read-only document of the `aicmo-generated` scheme: `/<id>/<part>/<name>.md`. */
export function generatedPath(id: string, part: 'yours' | 'generated' | 'details', name: string): string {
  const safe = name.replace(/[\\/:*?"<>|#%\u0000-\u001f]+/g, ' ').replace(/\s+/g, ' ').trim() || 'section';
  return `/${id}/${part}/${safe}.md`;
}

/** The id in such a path; undefined for another path. */
export function generatedId(path: string): string | undefined {
  return /^\/([A-Za-z0-9_-]+)\/(?:yours|generated|details)\//.exec(path)?.[1];
}

const STATUS_TEXT: Readonly<Record<SectionStatus, string>> = {
  applied: 'applied',
  conflict: 'not applied: the section changed while aicmo was writing it',
  declined: 'not applied: discarded in the preview',
  missing: 'not applied: the section is no longer in the document',
  unchanged: 'left as is',
};

function statusText(outcome: SectionOutcome): string {
  if (isProvisional(outcome)) {
    return 'applied, marked provisional: it does not pass its benchmark yet';
  }
  if (outcome.status === 'applied' && outcome.quality === 'fallback_used') {
    return 'applied, written by a fallback generator';
  }
  return STATUS_TEXT[outcome.status];
}

export interface Details {
  /** The Markdown text. */
  text: string;
  /** The 0-based line of each conflict's heading in `text`, where its actions are offered. */
  conflicts: { line: number; section: string }[];
}

/** The read-only Markdown document behind Show Details: each section's status, generator and why. */
export function detailsDocument(result: GenerationResult, documentName: string): Details {
  const lines = ['# aicmo: Regenerate All Failing Sections', '', `${documentName}: ${summaryCounts(result.sections)}.`];
  if (result.endpoint) {
    lines.push('', `Model endpoint: ${result.endpoint}`);
  }
  const conflicts: Details['conflicts'] = [];
  for (const outcome of result.sections) {
    lines.push('');
    if (outcome.status === 'conflict') {
      conflicts.push({ line: lines.length, section: outcome.section });
    }
    lines.push(`## ${outcome.label}${outcome.line === null ? '' : ` (line ${outcome.line + 1})`}`, '');
    lines.push(`- status: ${statusText(outcome)}`);
    lines.push(`- generator: ${outcome.generator ? `${outcome.generator} (${generatorName(outcome.generator)})` : 'none'}`);
    if (outcome.quality) {
      lines.push(`- quality: ${outcome.quality}`);
    }
    if (outcome.explanation.trim()) {
      lines.push(`- why: ${outcome.explanation.trim()}`);
    }
    if (outcome.status === 'conflict') {
      lines.push(`- what you can do: **${SHOW_GENERATED}** (compare it with yours) or **${REPLACE_ANYWAY}** (the links above this heading)`);
    }
  }
  return { text: `${lines.join('\n')}\n`, conflicts };
}
