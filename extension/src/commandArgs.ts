// Arguments for the server's commands and the quick pick entries built from their answers.
// Pure: no `vscode` import, so node:test covers it. The server's side is
// server/aicmo_lsp/features/commands.py, and its command IDs (serverProtocol.ts, generated from
// server/aicmo_lsp/protocol.py) are registered as VS Code commands by
// vscode-languageclient, so the extension's own command IDs must differ from these.

export { ServerCommand } from './serverProtocol';

export type GenerationMode = 'regenerate' | 'expand' | 'fix';

export function generateSectionArgs(uri: string, line: number, mode: GenerationMode): { uri: string; line: number; mode: GenerationMode } {
  return { uri, line: Math.max(0, Math.trunc(line)), mode };
}

export function regenerateAllArgs(uri: string): { uri: string } {
  return { uri };
}

export function listPacksArgs(uri: string | undefined): { uri?: string } {
  return uri ? { uri } : {};
}

export function setPackArgs(uri: string, pack: string): { uri: string; pack: string } {
  return { uri, pack };
}

/** The brief's questions for a new report, asked in this order. */
export const BRIEF_QUESTIONS: readonly { key: string; prompt: string; placeholder: string }[] = [
  { key: 'brand', prompt: 'Brand (the client)', placeholder: 'e.g. Glow Botanicals' },
  { key: 'industry', prompt: 'Industry', placeholder: 'e.g. clean skincare' },
  { key: 'audience', prompt: 'Audience', placeholder: 'e.g. women 25-40 who buy online' },
  { key: 'goal', prompt: 'Goal', placeholder: 'e.g. grow online sales 30% in two quarters' },
  { key: 'voice', prompt: 'Voice', placeholder: 'e.g. warm, expert, no hype' },
];

/** The brief from the answers: trimmed, empty answers left out. */
export function briefFromAnswers(answers: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const brief: Record<string, string> = {};
  for (const { key } of BRIEF_QUESTIONS) {
    const answer = answers[key]?.trim();
    if (answer) {
      brief[key] = answer;
    }
  }
  return brief;
}

export function newReportArgs(
  pack: string,
  brief: Readonly<Record<string, string>>,
  uri: string | undefined,
): { pack: string; brief: Record<string, string>; uri?: string } {
  return uri ? { pack, brief: { ...brief }, uri } : { pack, brief: { ...brief } };
}

export interface PackInfo {
  key: string;
  label: string;
  sections: { id: string; label: string }[];
}

export interface RuleInfo {
  code: string;
  name: string;
  severity: string;
  summary: string;
  doc: string;
}

/** What a quick pick shows (the `vscode.QuickPickItem` fields used), plus the value picked. */
export interface PickEntry<T> {
  label: string;
  description?: string;
  detail?: string;
  value: T;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `aicmo.listPacks`'s answer, keeping only well-formed entries. */
export function parsePacks(raw: unknown): PackInfo[] {
  if (!Array.isArray(raw)) {
    return [];
  }
  return raw.flatMap((item): PackInfo[] => {
    if (!isRecord(item) || typeof item.key !== 'string') {
      return [];
    }
    const sections = Array.isArray(item.sections)
      ? item.sections.flatMap((s): { id: string; label: string }[] =>
          isRecord(s) && typeof s.id === 'string' ? [{ id: s.id, label: typeof s.label === 'string' ? s.label : s.id }] : [],
        )
      : [];
    return [{ key: item.key, label: typeof item.label === 'string' ? item.label : item.key, sections }];
  });
}

/** `aicmo.listRules`'s answer, keeping only well-formed entries. */
export function parseRules(raw: unknown): RuleInfo[] {
  if (!Array.isArray(raw)) {
    return [];
  }
  return raw.flatMap((item): RuleInfo[] => {
    if (!isRecord(item) || typeof item.code !== 'string') {
      return [];
    }
    const field = (key: string): string => (typeof item[key] === 'string' ? (item[key] as string) : '');
    return [{ code: item.code, name: field('name'), severity: field('severity'), summary: field('summary'), doc: field('doc') }];
  });
}

const MAX_SECTIONS_LISTED = 6;

/** Quick pick entries of the packs; a suggested pack (the one the headings look like) comes first. */
export function packPickEntries(
  packs: readonly PackInfo[],
  currentPack?: string | null,
  suggestion?: { pack: string; found: number; total: number } | null,
): PickEntry<PackInfo>[] {
  const ordered = suggestion ? [...packs].sort((a, b) => Number(b.key === suggestion.pack) - Number(a.key === suggestion.pack)) : packs;
  return ordered.map((pack) => {
    const names = pack.sections.slice(0, MAX_SECTIONS_LISTED).map((s) => s.label);
    const more = pack.sections.length > MAX_SECTIONS_LISTED ? `, +${pack.sections.length - MAX_SECTIONS_LISTED} more` : '';
    const suggested = suggestion && pack.key === suggestion.pack ? ` (suggested: ${suggestion.found} of ${suggestion.total} sections found)` : '';
    const current = pack.key === currentPack ? ' (current)' : suggested;
    return {
      label: pack.label,
      description: `${pack.key}${current}`,
      detail: `${pack.sections.length} sections: ${names.join(', ')}${more}`,
      value: pack,
    };
  });
}

export function rulePickEntries(rules: readonly RuleInfo[]): PickEntry<RuleInfo>[] {
  return rules.map((rule) => ({
    label: `${rule.code} ${rule.name}`,
    description: rule.severity,
    detail: rule.summary,
    value: rule,
  }));
}

/** A rule's documentation as a Markdown document. */
export function ruleMarkdown(rule: RuleInfo): string {
  const doc = rule.doc.trim() || rule.summary;
  const severity = rule.severity ? `\n\nDefault severity: ${rule.severity}` : '';
  return `# ${rule.code} ${rule.name}${severity}\n\n${doc}\n`;
}

export interface FailingEntry {
  section: string;
  label: string;
  line: number;
  errors: number;
}

export function failingPickEntries(failing: readonly FailingEntry[]): PickEntry<FailingEntry>[] {
  return failing.map((entry) => ({
    label: `$(error) ${entry.label}`,
    description: `line ${entry.line + 1}`,
    detail: `${entry.errors} ${entry.errors === 1 ? 'error' : 'errors'} (${entry.section})`,
    value: entry,
  }));
}
