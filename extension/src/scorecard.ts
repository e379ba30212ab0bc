// The Report Scorecard: a webview panel beside the editor with every section of the active report
// against its benchmark (scorecardView.ts renders it from the server's `aicmo.scorecard` answer).
// It follows the active Markdown/MDX editor and fetches the scorecard again on each `aicmo/status`
// notification of the shown document, i.e. after each check while the writer types. Clicking a row
// reveals that section's heading in the editor.

import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ServerManager } from './client';
import { SCORECARD_SERVER_COMMAND, parseScorecard, type Scorecard } from './scorecardData';
import { parseViewMessage, renderScorecard, renderScorecardBody, type RevealMessage, type ScorecardState } from './scorecardView';
import { SELECT_PACK_COMMAND, type StatusBar } from './statusBar';

export const SHOW_SCORECARD_COMMAND = 'aicmo.showScorecard';
const VIEW_TYPE = 'aicmo.scorecard';

/** Markdown or MDX, in a file or unsaved: the documents the server checks. */
export function isReportDocument(document: vscode.TextDocument): boolean {
  const markdownLike = document.languageId === 'markdown' || document.languageId === 'mdx' || document.uri.path.endsWith('.mdx');
  return markdownLike && (document.uri.scheme === 'file' || document.uri.scheme === 'untitled');
}

function documentName(uri: vscode.Uri): string {
  return path.posix.basename(uri.path) || uri.toString();
}

export class ScorecardPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  /** The document shown. */
  private uri: vscode.Uri | undefined;
  private state: ScorecardState = { kind: 'noDocument' };
  private fetching = false;
  private again = false;
  /** Whether the page's script listens (it said `ready`); until then the page shows what it was rendered with. */
  private ready = false;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly server: ServerManager,
    private readonly statusBar: StatusBar,
  ) {
    this.subscriptions.push(
      vscode.window.onDidChangeActiveTextEditor((editor) => this.follow(editor)),
      statusBar.onDidUpdate((uri) => {
        if (this.panel !== undefined && (uri === undefined || uri === this.uri?.toString())) {
          void this.refresh();
        }
      }),
    );
  }

  /** The command: opens the panel beside the editor (or reveals it) for the active report. */
  show(): void {
    if (this.panel === undefined) {
      this.panel = vscode.window.createWebviewPanel(
        VIEW_TYPE,
        'Report Scorecard',
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        { enableScripts: true, localResourceRoots: [], enableFindWidget: true },
      );
      this.panel.webview.onDidReceiveMessage((message: unknown) => void this.onMessage(message));
      let visible = true;
      this.panel.onDidChangeViewState((event) => {
        if (event.webviewPanel.visible && !visible) {
          this.renderPage(); // shown again: a hidden webview lost its page and the updates posted to it
        }
        visible = event.webviewPanel.visible;
      });
      this.panel.onDidDispose(() => {
        this.panel = undefined;
        this.ready = false;
        this.uri = undefined;
        this.state = { kind: 'noDocument' };
      });
      this.renderPage();
    } else {
      this.panel.reveal(undefined, true);
    }
    this.follow(vscode.window.activeTextEditor);
  }

  /** Shows the report of a newly active Markdown/MDX editor; other editors (and the panel itself) leave it as is. */
  private follow(editor: vscode.TextEditor | undefined): void {
    if (this.panel === undefined || editor === undefined || !isReportDocument(editor.document)) {
      return;
    }
    if (editor.document.uri.toString() === this.uri?.toString()) {
      if (this.state.kind === 'unavailable') {
        void this.refresh(); // e.g. reopened after it was closed
      }
      return;
    }
    this.uri = editor.document.uri;
    this.setState({ kind: 'loading', documentName: documentName(this.uri) });
    void this.refresh();
  }

  /** Fetches the scorecard of the shown document; a request while one runs fetches once more after it. */
  private async refresh(): Promise<void> {
    if (this.fetching) {
      this.again = true;
      return;
    }
    this.fetching = true;
    try {
      do {
        this.again = false;
        const uri = this.uri;
        if (uri === undefined || this.panel === undefined) {
          return;
        }
        const state = await this.fetch(uri);
        if (uri.toString() === this.uri?.toString()) {
          this.setState(state);
        }
      } while (this.again);
    } finally {
      this.fetching = false;
    }
  }

  private async fetch(uri: vscode.Uri): Promise<ScorecardState> {
    const name = documentName(uri);
    if (!vscode.workspace.textDocuments.some((document) => document.uri.toString() === uri.toString())) {
      return { kind: 'unavailable', documentName: name, reason: 'it was closed.' };
    }
    if (this.statusBar.statusOf(uri) === undefined) {
      // The server has not checked it (yet): its `aicmo/status` notification fetches again.
      return { kind: 'loading', documentName: name };
    }
    const answer = await this.server.executeCommand(SCORECARD_SERVER_COMMAND, { uri: uri.toString() });
    if (answer === undefined) {
      return { kind: 'unavailable', documentName: name, reason: 'the language server did not answer (see the aicmo output).' };
    }
    const scorecard = parseScorecard(answer);
    if (scorecard === undefined) {
      return { kind: 'unavailable', documentName: name, reason: 'the language server does not have it open.' };
    }
    return { kind: 'scorecard', documentName: name, scorecard };
  }

  private setState(state: ScorecardState): void {
    this.state = state;
    if (this.panel === undefined) {
      return;
    }
    this.panel.title = this.uri ? `Scorecard: ${documentName(this.uri)}` : 'Report Scorecard';
    this.post();
  }

  /** The current state to a listening page (an update keeps its scroll position). */
  private post(): void {
    if (this.panel !== undefined && this.ready) {
      void this.panel.webview.postMessage({ type: 'render', html: renderScorecardBody(this.state) });
    }
  }

  private renderPage(): void {
    if (this.panel !== undefined) {
      this.ready = false;
      this.panel.webview.html = renderScorecard(this.state, randomBytes(16).toString('base64'));
    }
  }

  private get scorecard(): Scorecard | undefined {
    return this.state.kind === 'scorecard' ? this.state.scorecard : undefined;
  }

  private async onMessage(raw: unknown): Promise<void> {
    const message = parseViewMessage(raw);
    const uri = this.uri;
    if (message?.type === 'ready') {
      this.ready = true;
      this.post(); // what changed since the page was rendered
      return;
    }
    if (message === undefined || uri === undefined) {
      return;
    }
    if (message.type === 'reveal') {
      await this.reveal(uri, message);
      return;
    }
    await this.reveal(uri, undefined);
    await vscode.commands.executeCommand(SELECT_PACK_COMMAND);
  }

  /** Shows the document in its editor (the column it is visible in), the cursor on the row's heading. */
  private async reveal(uri: vscode.Uri, message: RevealMessage | undefined): Promise<void> {
    const document = await vscode.workspace.openTextDocument(uri);
    const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
    const viewColumn = visible?.viewColumn ?? vscode.ViewColumn.One;
    if (message === undefined) {
      await vscode.window.showTextDocument(document, { viewColumn });
      return;
    }
    // The line of the newest scorecard for a section (the page may be a moment behind the text).
    const line = (message.section !== null ? this.scorecard?.sections.find((s) => s.section === message.section)?.line : undefined) ?? message.line;
    const range = document.lineAt(Math.min(Math.max(line, 0), document.lineCount - 1)).range;
    const editor = await vscode.window.showTextDocument(document, { viewColumn, selection: new vscode.Selection(range.start, range.start) });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  dispose(): void {
    this.panel?.dispose();
    for (const subscription of this.subscriptions) {
      subscription.dispose();
    }
  }
}
