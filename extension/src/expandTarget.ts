// The palette's "Expand Section" asks how long the section should become: an input box prefilled
// with the section's `expandTarget` from the server's scorecard (the length the Expand quick fix
// uses), validated by targetWords.ts, and sent as `targetWords` with `aicmo.generateSection`.

import * as vscode from 'vscode';
import type { ServerManager } from './client';
import { SCORECARD_SERVER_COMMAND, parseScorecard, sectionAtLine } from './scorecardData';
import { parseTargetWords, targetWordsInput, validateTargetWords } from './targetWords';

/**
 * The extra arguments of an Expand at `line`: `{targetWords}` as the writer confirmed it, `{}` when
 * there is nothing to ask about (no pack section there: the server answers for itself), or undefined
 * when the writer cancelled (Escape) or the server could not be asked (it already said why).
 */
export async function askTargetWords(server: ServerManager, document: vscode.TextDocument, line: number): Promise<{ targetWords?: number } | undefined> {
  const answer = await server.executeCommand(SCORECARD_SERVER_COMMAND, { uri: document.uri.toString() });
  if (answer === undefined) {
    return undefined;
  }
  const scorecard = parseScorecard(answer);
  const section = scorecard && sectionAtLine(scorecard, line);
  if (section === undefined) {
    return {};
  }
  const input = targetWordsInput(section);
  if ('error' in input) {
    void vscode.window.showInformationMessage(`aicmo: ${input.error}`);
    return undefined;
  }
  const value = await vscode.window.showInputBox({
    title: input.title,
    prompt: input.prompt,
    value: input.value,
    ignoreFocusOut: true,
    validateInput: (text) => validateTargetWords(text, section.words),
  });
  if (value === undefined) {
    return undefined; // Escape
  }
  const targetWords = parseTargetWords(value, section.words);
  return targetWords === undefined ? undefined : { targetWords };
}
