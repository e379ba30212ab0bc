// The server's `aicmo.scorecard` answer (docs/lsp.md), read defensively into typed data.
// Pure: no `vscode` import, so node:test covers it (test/scorecard.test.ts).

import { ServerCommand } from './serverProtocol';

/** The server command that answers a document's scorecard: `{"uri"}` -> the shape below, or null. */
export const SCORECARD_SERVER_COMMAND = ServerCommand.scorecard;

/** A numeric benchmark bound of a section other than its word range (bullets, headings, ...). */
export interface ScorecardBound {
  name: string;
  label: string;
  value: number | null;
  min: number | null;
  max: number | null;
  ok: boolean;
  /** The value and the bound as the hover writes them (`0%`, `at most 30%`), when the server sends them. */
  now: string | null;
  bound: string | null;
}

export interface ScorecardSection {
  section: string;
  label: string;
  /** 0-based line of the section's heading. */
  line: number;
  /** PASS, PASS_WITH_WARNINGS or FAIL. */
  status: string;
  words: number;
  minWords: number | null;
  maxWords: number | null;
  /** The `targetWords` the Expand quick fix uses for this section; null without a word range. */
  expandTarget: number | null;
  errors: number;
  warnings: number;
  bounds: ScorecardBound[];
  findings: string[];
}

export interface Scorecard {
  uri: string;
  version: number | null;
  /** null: the document names no pack (status SKIPPED). */
  pack: string | null;
  packLabel: string | null;
  status: string;
  sections: ScorecardSection[];
  missing: { section: string; label: string }[];
  unknown: { label: string; line: number }[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function records(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

function parseBound(raw: Record<string, unknown>): ScorecardBound[] {
  const name = text(raw.name);
  if (name === null) {
    return [];
  }
  return [{ name, label: text(raw.label) ?? name, value: num(raw.value), min: num(raw.min), max: num(raw.max), ok: raw.ok !== false, now: text(raw.now), bound: text(raw.bound) }];
}

function parseSection(raw: Record<string, unknown>): ScorecardSection[] {
  const section = text(raw.section);
  const line = num(raw.line);
  if (section === null || line === null) {
    return [];
  }
  return [
    {
      section,
      label: text(raw.label) ?? section,
      line,
      status: text(raw.status) ?? 'FAIL',
      words: num(raw.words) ?? 0,
      minWords: num(raw.minWords),
      maxWords: num(raw.maxWords),
      expandTarget: num(raw.expandTarget),
      errors: num(raw.errors) ?? 0,
      warnings: num(raw.warnings) ?? 0,
      bounds: records(raw.bounds).flatMap(parseBound),
      findings: Array.isArray(raw.findings) ? raw.findings.filter((f): f is string => typeof f === 'string') : [],
    },
  ];
}

/** The answer of `aicmo.scorecard`, or undefined when it is not one (null: the document is not open). */
export function parseScorecard(raw: unknown): Scorecard | undefined {
  if (!isRecord(raw) || typeof raw.uri !== 'string' || typeof raw.status !== 'string') {
    return undefined;
  }
  return {
    uri: raw.uri,
    version: num(raw.version),
    pack: text(raw.pack) || null,
    packLabel: text(raw.packLabel),
    status: raw.status,
    sections: records(raw.sections).flatMap(parseSection),
    missing: records(raw.missing).flatMap((m) => {
      const section = text(m.section);
      const label = text(m.label) ?? section;
      return label === null ? [] : [{ section: section ?? label, label }];
    }),
    unknown: records(raw.unknown).flatMap((u) => {
      const line = num(u.line);
      return line === null ? [] : [{ label: text(u.label) ?? '', line }];
    }),
  };
}

/**
 * The pack section the 0-based `line` lies in: the last section or unknown heading at or above it.
 * Undefined above the first heading or under a heading that is not one of the pack's sections.
 */
export function sectionAtLine(scorecard: Scorecard, line: number): ScorecardSection | undefined {
  let best: { line: number; section: ScorecardSection | undefined } | undefined;
  const consider = (at: number, section: ScorecardSection | undefined): void => {
    if (at <= line && (best === undefined || at >= best.line)) {
      best = { line: at, section };
    }
  };
  for (const unknown of scorecard.unknown) {
    consider(unknown.line, undefined);
  }
  for (const section of scorecard.sections) {
    consider(section.line, section);
  }
  return best?.section;
}
