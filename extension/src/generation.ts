// What the writer sees around a generation, in VS Code: the progress notification with its Cancel
// button, Regenerate All's confirmation and summary, and each conflict's actions (a diff of the
// section against the generated text, "Replace anyway"). What is said, and when, is decided in the
// pure modules generationResults.ts and generationProgress.ts; this file only shows it.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { WorkDoneProgressCancelNotification, type LanguageClient } from 'vscode-languageclient/node';
import { ServerCommand, regenerateAllArgs } from './commandArgs';
import type { ProgressHost, ProgressLocationName, ProgressView } from './generationProgress';
import {
  APPLY_SECTION_COMMAND,
  GENERATED_SCHEME,
  NOTHING_FAILS,
  REGENERATE,
  REPLACE_ANYWAY,
  SHOW_DETAILS,
  SHOW_GENERATED,
  applySectionArgs,
  applySectionMessage,
  detailsDocument,
  diffTitle,
  generatedId,
  generatedPath,
  notices,
  parseGenerationResult,
  regenerateAllPlan,
  regenerateAllQuestion,
  type GenerationResult,
  type Message,
  type Notice,
  type SectionOutcome,
} from './generationResults';

/** The diff's title-bar button, and the details document's code lens. */
export const REPLACE_WITH_GENERATED_COMMAND = 'aicmo.replaceWithGenerated';
/** The details document's code lens. */
const SHOW_GENERATED_COMMAND = 'aicmo.showGeneratedText';

/** Read-only documents kept for diffs and details; older ones are forgotten. */
const KEPT = 50;

/** What the presenter needs of the server manager (client.ts). */
export interface CommandRunner {
  executeCommand(command: string, argument: unknown): Promise<unknown>;
}

/** VS Code's side of the progress router: `window.withProgress`, and the cancel notification. */
export function progressHost(client: () => LanguageClient | undefined): ProgressHost {
  return {
    open: openProgress,
    schedule(ms, run) {
      const timer = setTimeout(run, ms);
      return { dispose: () => clearTimeout(timer) };
    },
    cancel(token) {
      void client()?.sendNotification(WorkDoneProgressCancelNotification.type, { token });
    },
  };
}

function openProgress(location: ProgressLocationName, title: string, cancellable: boolean, onCancel: () => void): ProgressView {
  type Update = { message?: string; increment?: number };
  let progress: vscode.Progress<Update> | undefined;
  const pending: Update[] = [];
  let finish: (() => void) | undefined;
  let closed = false;
  const options = {
    location: location === 'notification' ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window,
    title,
    cancellable,
  };
  void vscode.window.withProgress(options, (shown, token) => {
    if (closed) {
      return Promise.resolve();
    }
    progress = shown;
    const subscription = token.onCancellationRequested(onCancel);
    for (const update of pending.splice(0)) {
      shown.report(update);
    }
    return new Promise<void>((resolve) => {
      finish = () => {
        subscription.dispose();
        resolve();
      };
    });
  });
  return {
    report(update) {
      if (progress === undefined) {
        pending.push(update);
      } else {
        progress.report(update);
      }
    },
    close() {
      closed = true;
      finish?.();
      finish = undefined;
    },
  };
}

interface Conflict {
  id: string;
  documentUri: vscode.Uri;
  outcome: SectionOutcome;
}

function show(message: Message): Thenable<string | undefined> {
  return message.level === 'warning'
    ? vscode.window.showWarningMessage(message.text, ...message.actions)
    : vscode.window.showInformationMessage(message.text, ...message.actions);
}

export class GenerationPresenter implements vscode.Disposable, vscode.TextDocumentContentProvider, vscode.CodeLensProvider {
  private readonly contents = new Map<string, string>();
  private readonly conflicts = new Map<string, Conflict>();
  /** Details documents (by URI): the conflicts their lenses act on, by line. */
  private readonly lenses = new Map<string, { line: number; conflict: Conflict }[]>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private counter = 0;

  constructor(private readonly server: CommandRunner) {
    this.subscriptions.push(
      vscode.workspace.registerTextDocumentContentProvider(GENERATED_SCHEME, this),
      vscode.languages.registerCodeLensProvider({ scheme: GENERATED_SCHEME }, this),
      vscode.commands.registerCommand(REPLACE_WITH_GENERATED_COMMAND, (target?: unknown) => this.replaceCommand(target)),
      vscode.commands.registerCommand(SHOW_GENERATED_COMMAND, (id?: unknown) => {
        const conflict = typeof id === 'string' ? this.conflicts.get(id) : undefined;
        return conflict && this.showGenerated(conflict);
      }),
    );
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? 'aicmo: this text is no longer kept; run the generation again.\n';
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    return (this.lenses.get(document.uri.toString()) ?? []).flatMap(({ line, conflict }) => {
      const range = new vscode.Range(line, 0, line, 0);
      return [
        new vscode.CodeLens(range, { title: SHOW_GENERATED, command: SHOW_GENERATED_COMMAND, arguments: [conflict.id] }),
        new vscode.CodeLens(range, { title: REPLACE_ANYWAY, command: REPLACE_WITH_GENERATED_COMMAND, arguments: [conflict.id] }),
      ];
    });
  }

  /** Tells the outcome of a generation: `mode` regenerate, scratch, expand or fix for one section, `all` for Regenerate All. */
  present(documentUri: vscode.Uri, raw: unknown, mode: string): void {
    const result = parseGenerationResult(raw);
    if (result !== undefined) {
      for (const notice of notices(result, mode)) {
        void this.notify(documentUri, result, notice);
      }
    }
  }

  /** Regenerate All Failing Sections: asks first, runs, then one summary (and each conflict's warning). */
  async regenerateAll(documentUri: vscode.Uri, status: { pack: string | null; failing: readonly unknown[] } | undefined): Promise<void> {
    const plan = regenerateAllPlan(status);
    if (plan === 'nothing fails') {
      void vscode.window.showInformationMessage(NOTHING_FAILS);
      return;
    }
    if (plan === 'ask') {
      const question = regenerateAllQuestion(status?.failing.length);
      const choice = await vscode.window.showWarningMessage(question.message, { modal: true, detail: question.detail }, REGENERATE);
      if (choice !== REGENERATE) {
        return;
      }
    }
    const raw = await this.server.executeCommand(ServerCommand.regenerateAllFailing, regenerateAllArgs(documentUri.toString()));
    this.present(documentUri, raw, 'all');
  }

  private async notify(documentUri: vscode.Uri, result: GenerationResult, notice: Notice): Promise<void> {
    const conflict = notice.conflict && this.keepConflict(documentUri, notice.conflict);
    const choice = await show(notice.message);
    if (choice === SHOW_DETAILS && notice.details) {
      await this.showDetails(documentUri, result);
    } else if (choice === SHOW_GENERATED && conflict) {
      await this.showGenerated(conflict);
    } else if (choice === REPLACE_ANYWAY && conflict) {
      await this.replace(conflict);
    }
  }

  private nextId(): string {
    this.counter += 1;
    return `g${this.counter}`;
  }

  private keep(uri: vscode.Uri, content: string): vscode.Uri {
    this.contents.set(uri.toString(), content);
    while (this.contents.size > KEPT) {
      const oldest = this.contents.keys().next().value as string;
      this.contents.delete(oldest);
      this.lenses.delete(oldest);
    }
    return uri;
  }

  private keepConflict(documentUri: vscode.Uri, outcome: SectionOutcome): Conflict {
    const existing = [...this.conflicts.values()].find(
      (c) => c.outcome === outcome || (c.documentUri.toString() === documentUri.toString() && c.outcome.section === outcome.section && c.outcome.text === outcome.text),
    );
    if (existing) {
      return existing;
    }
    const conflict = { id: this.nextId(), documentUri, outcome };
    this.conflicts.set(conflict.id, conflict);
    while (this.conflicts.size > KEPT) {
      this.conflicts.delete(this.conflicts.keys().next().value as string);
    }
    return conflict;
  }

  private generatedUri(id: string, part: 'yours' | 'generated' | 'details', name: string): vscode.Uri {
    return vscode.Uri.from({ scheme: GENERATED_SCHEME, path: generatedPath(id, part, name) });
  }

  /** A diff: the section as it is (left) and the generated text (right), both read-only. */
  private async showGenerated(conflict: Conflict): Promise<void> {
    const { outcome } = conflict;
    const left = this.keep(this.generatedUri(conflict.id, 'yours', outcome.label), outcome.current ?? '');
    const right = this.keep(this.generatedUri(conflict.id, 'generated', outcome.label), outcome.text ?? '');
    await vscode.commands.executeCommand('vscode.diff', left, right, diffTitle(outcome.label), { preview: true });
    const choice = await vscode.window.showInformationMessage(
      `aicmo: the generated text of '${outcome.label}' is on the right; nothing was applied.`,
      REPLACE_ANYWAY,
    );
    if (choice === REPLACE_ANYWAY) {
      await this.replace(conflict);
    }
  }

  /** The title-bar button of the diff (a URI of it), a code lens (a conflict id), or the palette (the active editor). */
  private async replaceCommand(target: unknown): Promise<void> {
    const uri = target instanceof vscode.Uri ? target : vscode.window.activeTextEditor?.document.uri;
    const id = typeof target === 'string' ? target : uri?.scheme === GENERATED_SCHEME ? generatedId(uri.path) : undefined;
    const conflict = id === undefined ? undefined : this.conflicts.get(id);
    if (conflict === undefined) {
      void vscode.window.showInformationMessage("aicmo: open a section's generated text first (Show generated text).");
      return;
    }
    await this.replace(conflict);
  }

  /** "Replace anyway": the section's body becomes the generated text, whatever it is now. */
  private async replace(conflict: Conflict): Promise<void> {
    const { outcome } = conflict;
    if (outcome.text === null) {
      void vscode.window.showWarningMessage(`aicmo: the server sent no generated text for '${outcome.label}'.`);
      return;
    }
    const answer = await this.server.executeCommand(APPLY_SECTION_COMMAND, applySectionArgs(conflict.documentUri.toString(), outcome.section, outcome.text));
    if (answer === undefined) {
      return; // the server manager already said why
    }
    void show(applySectionMessage(outcome.label, answer));
  }

  private async showDetails(documentUri: vscode.Uri, result: GenerationResult): Promise<void> {
    const id = this.nextId();
    const name = path.posix.basename(documentUri.path) || documentUri.toString();
    const details = detailsDocument(result, name);
    const uri = this.keep(this.generatedUri(id, 'details', `Regenerate All - ${path.posix.parse(name).name}`), details.text);
    const lenses = details.conflicts.flatMap(({ line, section }) => {
      const outcome = result.sections.find((s) => s.section === section && s.status === 'conflict');
      return outcome ? [{ line, conflict: this.keepConflict(documentUri, outcome) }] : [];
    });
    this.lenses.set(uri.toString(), lenses);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, { preview: true });
  }

  dispose(): void {
    for (const subscription of this.subscriptions) {
      subscription.dispose();
    }
  }
}
