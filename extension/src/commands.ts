// The extension's own commands. Each one gathers what the writer picks and calls a server command;
// the server does the work (generation, edits, packs, rules, stats).

import * as path from 'node:path';
import * as vscode from 'vscode';
import { API_KEY_SECRET, type ServerManager } from './client';
import {
  BRIEF_QUESTIONS,
  ServerCommand,
  briefFromAnswers,
  failingPickEntries,
  generateSectionArgs,
  listPacksArgs,
  newReportArgs,
  packPickEntries,
  parsePacks,
  parseRules,
  ruleMarkdown,
  rulePickEntries,
  setPackArgs,
  type GenerationMode,
  type PackInfo,
  type PickEntry,
} from './commandArgs';
import { EndpointNotice } from './endpointNotice';
import { askTargetWords } from './expandTarget';
import { ReadonlyDocs } from './readonlyDocs';
import { SHOW_SCORECARD_COMMAND, ScorecardPanel, isReportDocument } from './scorecard';
import { SELECT_PACK_COMMAND, SHOW_FAILING_COMMAND, type StatusBar } from './statusBar';
import type { PackSuggestion } from './statusText';

export const Command = {
  restartServer: 'aicmo.restartServer',
  showOutput: 'aicmo.showOutput',
  setOpenAiApiKey: 'aicmo.setOpenAiApiKey',
  regenerateSectionAtCursor: 'aicmo.regenerateSectionAtCursor',
  expandSectionAtCursor: 'aicmo.expandSectionAtCursor',
  regenerateAllFailingSections: 'aicmo.regenerateAllFailingSections',
  selectPackForFile: SELECT_PACK_COMMAND,
  newReportFromPack: 'aicmo.newReportFromPack',
  explainRule: 'aicmo.explainRule',
  showGenerationStats: 'aicmo.showGenerationStats',
  showFailingSections: SHOW_FAILING_COMMAND,
  openExampleReport: 'aicmo.openExampleReport',
  showScorecard: SHOW_SCORECARD_COMMAND,
} as const;

function isReportEditor(editor: vscode.TextEditor | undefined): editor is vscode.TextEditor {
  return editor !== undefined && isReportDocument(editor.document);
}

/** The active Markdown/MDX editor, or undefined after telling the writer to open one. */
function reportEditor(): vscode.TextEditor | undefined {
  const editor = vscode.window.activeTextEditor;
  if (isReportEditor(editor)) {
    return editor;
  }
  void vscode.window.showInformationMessage('aicmo: open a Markdown or MDX report first.');
  return undefined;
}

async function pick<T>(entries: PickEntry<T>[], placeHolder: string): Promise<T | undefined> {
  const chosen = await vscode.window.showQuickPick(entries, { placeHolder, matchOnDescription: true, matchOnDetail: true });
  return chosen?.value;
}

async function openUntitled(content: string, language: string): Promise<void> {
  const document = await vscode.workspace.openTextDocument({ language, content });
  await vscode.window.showTextDocument(document, { preview: false });
}

/** A file URI in the workspace folder of the active document (or the first folder), for per-folder settings. */
function settingsUri(): string | undefined {
  const active = vscode.window.activeTextEditor?.document.uri;
  const folder = (active && vscode.workspace.getWorkspaceFolder(active)) ?? vscode.workspace.workspaceFolders?.[0];
  if (folder === undefined) {
    return undefined;
  }
  const directory = active?.scheme === 'file' && vscode.workspace.getWorkspaceFolder(active) ? path.dirname(active.fsPath) : folder.uri.fsPath;
  return vscode.Uri.file(path.join(directory, 'report.md')).toString();
}

export function registerCommands(context: vscode.ExtensionContext, server: ServerManager, statusBar: StatusBar): void {
  const register = (id: string, handler: () => unknown): void => {
    context.subscriptions.push(vscode.commands.registerCommand(id, handler));
  };
  const generation = server.generation; // what the writer is told after a generation
  const readonlyDocs = new ReadonlyDocs(); // Explain Rule, Show Generation Stats
  const scorecard = new ScorecardPanel(server, statusBar);
  const endpointNotice = new EndpointNotice(context); // where the API key goes
  context.subscriptions.push(readonlyDocs, scorecard, endpointNotice);
  server.beforeGeneration = (uri) => endpointNotice.beforeGeneration(uri); // code actions and lenses too

  register(Command.restartServer, () => server.restart());
  register(Command.showOutput, () => server.output.show(true));

  register(Command.setOpenAiApiKey, async () => {
    const key = await vscode.window.showInputBox({
      title: 'aicmo: Set OpenAI API Key',
      prompt: "Kept in VS Code's secret storage, never in settings. Leave empty to remove the stored key.",
      placeHolder: 'sk-...',
      password: true,
      ignoreFocusOut: true,
    });
    if (key === undefined) {
      return; // Escape
    }
    const trimmed = key.trim();
    if (trimmed === '') {
      await context.secrets.delete(API_KEY_SECRET);
    } else {
      await context.secrets.store(API_KEY_SECRET, trimmed);
    }
    await server.sendSecrets();
    if (trimmed === '') {
      void vscode.window.showInformationMessage('aicmo: the OpenAI API key was removed.');
    } else {
      endpointNotice.afterKeyStored(); // "aicmo: the key will be sent to api.openai.com (setting aicmo.generator.baseUrl)"
    }
  });

  const generateAtCursor = async (mode: GenerationMode): Promise<void> => {
    const editor = reportEditor();
    if (editor === undefined) {
      return;
    }
    const uri = editor.document.uri.toString();
    const extra = mode === 'expand' ? await askTargetWords(server, editor.document, editor.selection.active.line) : {}; // {targetWords}
    if (extra === undefined) {
      return;
    }
    await endpointNotice.beforeGeneration(editor.document.uri);
    const result = await server.executeCommand(ServerCommand.generateSection, { ...generateSectionArgs(uri, editor.selection.active.line, mode), ...extra });
    generation.present(editor.document.uri, result, mode);
  };
  register(Command.regenerateSectionAtCursor, () => generateAtCursor('regenerate'));
  register(Command.expandSectionAtCursor, () => generateAtCursor('expand'));

  register(Command.regenerateAllFailingSections, async () => {
    const editor = reportEditor();
    if (editor === undefined) {
      return;
    }
    await endpointNotice.beforeGeneration(editor.document.uri);
    await generation.regenerateAll(editor.document.uri, statusBar.statusOf(editor.document.uri));
  });

  const choosePack = async (
    uri: string | undefined,
    placeHolder: string,
    current?: string | null,
    suggestion?: PackSuggestion | null,
  ): Promise<PackInfo | undefined> => {
    const answer = await server.executeCommand(ServerCommand.listPacks, listPacksArgs(uri));
    if (answer === undefined) {
      return undefined;
    }
    const packs = parsePacks(answer);
    if (packs.length === 0) {
      void vscode.window.showWarningMessage('aicmo: no benchmark packs were found.');
      return undefined;
    }
    return pick(packPickEntries(packs, current, suggestion), placeHolder);
  };

  register(Command.selectPackForFile, async () => {
    const editor = reportEditor();
    if (editor === undefined) {
      return;
    }
    const uri = editor.document.uri.toString();
    const status = statusBar.statusOf(editor.document.uri);
    const pack = await choosePack(uri, 'The pack (report type) this file is measured against', status?.pack, status?.suggestion);
    if (pack === undefined) {
      return;
    }
    const result = await server.executeCommand(ServerCommand.setPack, setPackArgs(uri, pack.key));
    if (result !== undefined && (result as { applied?: unknown }).applied !== true) {
      void vscode.window.showWarningMessage(`aicmo: could not set the pack to ${pack.key}.`);
    }
  });

  register(Command.newReportFromPack, async () => {
    const uri = settingsUri();
    const pack = await choosePack(uri, 'The pack (report type) of the new report');
    if (pack === undefined) {
      return;
    }
    const answers: Record<string, string> = {};
    for (const [index, question] of BRIEF_QUESTIONS.entries()) {
      const answer = await vscode.window.showInputBox({
        title: `aicmo: New ${pack.label} report (${index + 1}/${BRIEF_QUESTIONS.length})`,
        prompt: `${question.prompt} (optional: leave empty to skip)`,
        placeHolder: question.placeholder,
        ignoreFocusOut: true,
      });
      if (answer === undefined) {
        return; // Escape cancels the whole command
      }
      answers[question.key] = answer;
    }
    await endpointNotice.beforeGeneration(uri === undefined ? undefined : vscode.Uri.parse(uri));
    const result = await server.executeCommand(ServerCommand.newReport, newReportArgs(pack.key, briefFromAnswers(answers), uri));
    if (result === undefined) {
      return;
    }
    const { text, passed, reason } = result as { text?: unknown; passed?: unknown; reason?: unknown };
    if (typeof text !== 'string') {
      if (reason !== 'cancelled') {
        void vscode.window.showWarningMessage(`aicmo: no report was written${typeof reason === 'string' ? `: ${reason}` : ''}.`);
      }
      return;
    }
    await openUntitled(text, 'markdown');
    if (passed === false) {
      void vscode.window.showInformationMessage('aicmo: some sections did not pass their benchmark yet; they are marked provisional.');
    }
  });

  register(Command.explainRule, async () => {
    const answer = await server.executeCommand(ServerCommand.listRules, {});
    if (answer === undefined) {
      return;
    }
    const rule = await pick(rulePickEntries(parseRules(answer)), 'The rule to explain');
    if (rule !== undefined) {
      await readonlyDocs.show(`${rule.code} ${rule.name}`, ruleMarkdown(rule), 'md');
    }
  });

  register(Command.showGenerationStats, async () => {
    const answer = await server.executeCommand(ServerCommand.stats, {});
    if (answer === undefined) {
      return;
    }
    const text = (answer as { text?: unknown }).text;
    await readonlyDocs.show('Generation Stats', typeof text === 'string' ? text : 'No statistics.', 'txt');
  });

  register(Command.openExampleReport, async () => {
    // The walkthrough's example (a copy of examples/failing/quick_social_basic.md), opened unsaved so
    // that regenerating its sections never writes into the extension's folder.
    const file = vscode.Uri.joinPath(context.extensionUri, 'generated', 'example-report.md');
    try {
      const bytes = await vscode.workspace.fs.readFile(file);
      await openUntitled(new TextDecoder().decode(bytes), 'markdown');
    } catch {
      void vscode.window.showErrorMessage(`aicmo: the example report is missing (${file.fsPath}).`);
    }
  });

  register(Command.showScorecard, () => scorecard.show());

  register(Command.showFailingSections, async () => {
    const editor = vscode.window.activeTextEditor;
    const payload = editor ? statusBar.statusOf(editor.document.uri) : undefined;
    if (editor === undefined || payload === undefined || payload.pack === null) {
      void vscode.window.showInformationMessage('aicmo: the active document is not a report (it names no pack).');
      return;
    }
    if (payload.failing.length === 0) {
      const missing = payload.sections.missing;
      void vscode.window.showInformationMessage(
        missing > 0 ? `aicmo: no section fails; ${missing} ${missing === 1 ? 'section is' : 'sections are'} missing.` : 'aicmo: no section fails.',
      );
      return;
    }
    const entry = await pick(failingPickEntries(payload.failing), 'Failing sections: pick one to go to its heading');
    if (entry === undefined) {
      return;
    }
    const document = editor.document;
    const line = Math.min(Math.max(entry.line, 0), document.lineCount - 1);
    const range = document.lineAt(line).range;
    await vscode.window.showTextDocument(document, { viewColumn: editor.viewColumn, selection: new vscode.Selection(range.start, range.end) });
    vscode.window.activeTextEditor?.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  });
}
