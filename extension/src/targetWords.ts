// The length the palette's "Expand Section" asks for: its input box's text and validation.
// Pure: no `vscode` import, so node:test covers it (test/targetWords.test.ts).

import type { ScorecardSection } from './scorecardData';

/** The most words Expand writes for a section (the server's `targetWords` bound). */
export const MAX_TARGET_WORDS = 5000;

/** The whole numbers Expand accepts for a section of `words` words: more than it has, at most 5000. */
export function targetWordsRange(words: number): { min: number; max: number } {
  return { min: Math.max(1, Math.floor(words) + 1), max: MAX_TARGET_WORDS };
}

/** The input box's message for `input` (the input box's `validateInput`), or undefined when it is valid. */
export function validateTargetWords(input: string, words: number): string | undefined {
  const { min, max } = targetWordsRange(words);
  const trimmed = input.trim();
  if (!/^\d+$/.test(trimmed)) {
    return `A whole number of words, from ${min} to ${max}.`;
  }
  const value = Number(trimmed);
  if (value < min) {
    return `The section has ${words} words already: expand it to at least ${min}.`;
  }
  if (value > max) {
    return `At most ${max} words.`;
  }
  return undefined;
}

/** The number of a valid input, else undefined. */
export function parseTargetWords(input: string, words: number): number | undefined {
  return validateTargetWords(input, words) === undefined ? Number(input.trim()) : undefined;
}

function wordRange(section: ScorecardSection): string | undefined {
  const { minWords, maxWords } = section;
  if (minWords !== null && maxWords !== null) {
    return `${minWords}-${maxWords}`;
  }
  if (minWords !== null) {
    return `at least ${minWords}`;
  }
  return maxWords !== null ? `at most ${maxWords}` : undefined;
}

export interface TargetWordsInput {
  title: string;
  prompt: string;
  /** The prefilled value: the section's `expandTarget` when it is a valid target, else empty. */
  value: string;
}

/** The input box for a section, or a message when it cannot grow (it has 5000 words or more). */
export function targetWordsInput(section: ScorecardSection): TargetWordsInput | { error: string } {
  const { min, max } = targetWordsRange(section.words);
  if (min > max) {
    return { error: `'${section.label}' has ${section.words} words; Expand writes at most ${max}.` };
  }
  const target = section.expandTarget;
  const range = wordRange(section);
  const benchmark = range === undefined ? 'its benchmark sets no word range' : `its benchmark asks for ${range}`;
  return {
    title: `aicmo: Expand '${section.label}'`,
    prompt: `It has ${section.words} words; ${benchmark}. Expand it to how many words? (${min}-${max})`,
    value: target !== null && Number.isInteger(target) && target >= min && target <= max ? String(target) : '',
  };
}
