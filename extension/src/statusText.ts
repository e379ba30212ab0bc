// The status bar's text and tooltip from the server's `aicmo/status` notification.
// Pure: no `vscode` import, so node:test covers it (test/statusText.test.ts).
// The payload is documented in server/aicmo_lsp/features/status.py and docs/lsp.md.

export interface SectionCounts {
  total: number;
  passed: number;
  warned: number;
  failed: number;
  missing: number;
  unknown: number;
}

export interface FailingSection {
  section: string;
  label: string;
  /** 0-based line of the section's heading. */
  line: number;
  errors: number;
}

/** The pack a document that names none looks like: its sections found among the headings, of all. */
export interface PackSuggestion {
  pack: string;
  label: string;
  found: number;
  total: number;
}

export interface StatusPayload {
  uri: string;
  version: number | null;
  pack: string | null;
  packLabel: string | null;
  /** PASS, PASS_WITH_WARNINGS, FAIL, SKIPPED or CLOSED. */
  status: string;
  sections: SectionCounts;
  errors: number;
  warnings: number;
  failing: FailingSection[];
  suggestion: PackSuggestion | null;
}

const COUNT_KEYS: readonly (keyof SectionCounts)[] = ['total', 'passed', 'warned', 'failed', 'missing', 'unknown'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** The notification's params as a payload, tolerant of missing counts; undefined when it has no uri or status. */
export function parseStatusPayload(raw: unknown): StatusPayload | undefined {
  if (!isRecord(raw) || typeof raw.uri !== 'string' || typeof raw.status !== 'string') {
    return undefined;
  }
  const rawSections = isRecord(raw.sections) ? raw.sections : {};
  const sections = Object.fromEntries(COUNT_KEYS.map((key) => [key, count(rawSections[key])])) as unknown as SectionCounts;
  const failing: FailingSection[] = [];
  if (Array.isArray(raw.failing)) {
    for (const item of raw.failing) {
      if (isRecord(item) && typeof item.line === 'number') {
        failing.push({
          section: text(item.section) ?? '',
          label: text(item.label) ?? text(item.section) ?? '',
          line: item.line,
          errors: count(item.errors),
        });
      }
    }
  }
  const rawSuggestion = isRecord(raw.suggestion) ? raw.suggestion : undefined;
  const suggestion =
    rawSuggestion !== undefined && typeof rawSuggestion.pack === 'string'
      ? {
          pack: rawSuggestion.pack,
          label: text(rawSuggestion.label) ?? rawSuggestion.pack,
          found: count(rawSuggestion.found),
          total: count(rawSuggestion.total),
        }
      : null;
  return {
    uri: raw.uri,
    version: typeof raw.version === 'number' ? raw.version : null,
    pack: text(raw.pack),
    packLabel: text(raw.packLabel),
    status: raw.status,
    sections,
    errors: count(raw.errors),
    warnings: count(raw.warnings),
    failing,
    suggestion,
  };
}

/** Whether the status bar item shows at all: only for reports, i.e. documents with a known pack. */
export function isShown(payload: StatusPayload | undefined): payload is StatusPayload & { pack: string } {
  return (
    payload !== undefined &&
    payload.status !== 'SKIPPED' &&
    payload.status !== 'CLOSED' &&
    typeof payload.pack === 'string' &&
    payload.pack !== ''
  );
}

/** Whether the document is Markdown that names no pack (`SKIPPED` with `pack: null`): not checked. */
export function isNoPack(payload: StatusPayload | undefined): payload is StatusPayload {
  return payload !== undefined && payload.status === 'SKIPPED' && (payload.pack === null || payload.pack === '');
}

/**
 * The status bar text, or undefined when the item is hidden.
 *
 * - FAIL with failing sections: `$(error) {pack}: {failed} failing`
 * - FAIL otherwise:             `$(error) {pack}: {missing} missing`
 * - anything else:              `$(check) {pack}: {passed+warned}/{total} sections pass`
 * - Markdown naming no pack:    `$(circle-slash) aicmo: no pack`, or with the pack its headings
 *                               suggest: `$(circle-slash) aicmo: no pack (looks like {label})`
 */
export function statusText(payload: StatusPayload | undefined): string | undefined {
  if (!isShown(payload)) {
    if (!isNoPack(payload)) {
      return undefined;
    }
    const suggestion = suggestionOf(payload);
    return suggestion ? `$(circle-slash) aicmo: no pack (looks like ${suggestion.label})` : '$(circle-slash) aicmo: no pack';
  }
  const { pack, sections } = payload;
  if (payload.status === 'FAIL') {
    return sections.failed > 0 ? `$(error) ${pack}: ${sections.failed} failing` : `$(error) ${pack}: ${sections.missing} missing`;
  }
  return `$(check) ${pack}: ${sections.passed + sections.warned}/${sections.total} sections pass`;
}

/** The pack hint of a document that is not (yet) a report, if the server made one. */
export function suggestionOf(payload: StatusPayload | undefined): PackSuggestion | undefined {
  if (payload === undefined || isShown(payload) || payload.status === 'CLOSED') {
    return undefined;
  }
  return payload.suggestion ?? undefined;
}

/** What clicking the item does: list the failing sections of a report, or choose a pack for a file that names none. */
export function statusCommand(payload: StatusPayload | undefined): 'failing' | 'choosePack' {
  return isNoPack(payload) ? 'choosePack' : 'failing';
}

/** Backslash-escapes Markdown punctuation, so a pack label is shown as written. */
export function escapeMarkdown(value: string): string {
  return value.replace(/[\\`*_{}[\]()#+\-.!|<>~&]/g, (character) => `\\${character}`);
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

const STATUS_WORDS: Record<string, string> = {
  PASS: 'passes',
  PASS_WITH_WARNINGS: 'passes with warnings',
  FAIL: 'fails',
};

/** The tooltip: a short Markdown summary of the report, or undefined when the item is hidden. */
export function statusTooltip(payload: StatusPayload | undefined): string | undefined {
  if (!isShown(payload)) {
    if (!isNoPack(payload)) {
      return undefined;
    }
    const suggestion = suggestionOf(payload);
    const cover =
      suggestion === undefined
        ? []
        : [
            `Its headings cover ${suggestion.found} of the ${suggestion.total} sections of ${escapeMarkdown(suggestion.label)} (\`${suggestion.pack}\`).`,
          ];
    return ['**aicmo**: this file names no pack, so it is not checked.', ...cover, 'Click to choose its pack'].join('\n\n');
  }
  const { sections } = payload;
  const label = payload.packLabel ? `${escapeMarkdown(payload.packLabel)} (\`${payload.pack}\`)` : `\`${payload.pack}\``;
  const verdict = STATUS_WORDS[payload.status] ?? escapeMarkdown(payload.status.toLowerCase());
  const counts = [
    `${sections.passed} passed`,
    `${sections.warned} with warnings`,
    `${sections.failed} failing`,
    `${sections.missing} missing`,
  ];
  if (sections.unknown > 0) {
    counts.push(plural(sections.unknown, 'unknown heading'));
  }
  return [
    `**aicmo**: ${label} ${verdict}`,
    `Sections (${sections.total} in the pack): ${counts.join(', ')}`,
    `${plural(payload.errors, 'error')}, ${plural(payload.warnings, 'warning')}`,
    'Click to list failing sections',
  ].join('\n\n');
}
