// When diagnostics are pulled again. VS Code pulls diagnostics (LSP 3.17), and then the server does
// not push them; two gaps follow, filled here:
// - The server answers `workspace/diagnostic` at once, and vscode-languageclient 9 asks again two
//   seconds after each answer, so every report in the workspace would be re-read and re-checked every
//   two seconds. The middleware below asks once at start, then only after a benchmark file, an
//   aicmo.toml or the `aicmo` settings changed, and, per the report's folder setting
//   `aicmo.workspaceDiagnostics`: on, after a report changed on disk; off, after a report's tab or
//   document closed. Off, the server's answer holds no findings but clears what the closed report
//   showed: with workspace diagnostics announced, vscode-languageclient keeps a closed document's
//   last pulled diagnostics and waits for the workspace pull to replace them.
// - The server re-checks open reports after a settings or benchmark change but sends no
//   `workspace/diagnostic/refresh`, so open documents would keep stale diagnostics until the next
//   keystroke; after such a change the open documents are pulled again.

import * as vscode from 'vscode';
import { DocumentDiagnosticRequest, type LanguageClient, type Middleware } from 'vscode-languageclient/node';
import { isMarkdownPath } from './earlyStart';

const SETTLE_MS = 750;

/** Whether `aicmo.workspaceDiagnostics` is on where `uri` is (the server reads it per workspace folder). */
function workspaceDiagnosticsOn(uri: vscode.Uri): boolean {
  return vscode.workspace.getConfiguration('aicmo', uri).get<boolean>('workspaceDiagnostics', false);
}

export class DiagnosticsPuller implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private workspaceTimer: NodeJS.Timeout | undefined;
  private documentsTimer: NodeJS.Timeout | undefined;

  constructor(private readonly client: () => LanguageClient | undefined) {
    const reports = vscode.workspace.createFileSystemWatcher('**/*.{md,mdx}');
    const configuration = vscode.workspace.createFileSystemWatcher('**/{aicmo.toml,*.yaml,*.yml,*.json}');
    const onReport = (uri: vscode.Uri): void => {
      if (workspaceDiagnosticsOn(uri)) {
        this.workspaceChanged();
      }
    };
    const onClose = (uri: vscode.Uri): void => {
      if (isMarkdownPath(uri.path) && !workspaceDiagnosticsOn(uri)) {
        this.workspaceChanged();
      }
    };
    const onConfiguration = (): void => {
      this.workspaceChanged();
      this.documentsChanged();
    };
    this.subscriptions.push(
      reports,
      configuration,
      reports.onDidCreate(onReport),
      reports.onDidChange(onReport),
      reports.onDidDelete(onReport),
      configuration.onDidCreate(onConfiguration),
      configuration.onDidChange(onConfiguration),
      configuration.onDidDelete(onConfiguration),
      vscode.workspace.onDidCloseTextDocument((document) => onClose(document.uri)),
      vscode.window.tabGroups.onDidChangeTabs((event) => {
        for (const tab of event.closed) {
          if (tab.input instanceof vscode.TabInputText) {
            onClose(tab.input.uri);
          }
        }
      }),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('aicmo')) {
          onConfiguration();
        }
      }),
      this.changed,
    );
  }

  /** Middleware for a new client: its first workspace pull runs at once, later ones wait for a change. */
  middleware(): Middleware {
    let first = true;
    return {
      provideWorkspaceDiagnostics: async (resultIds, token, resultReporter, next) => {
        if (!first) {
          await this.nextChange(token);
        }
        first = false;
        if (token.isCancellationRequested) {
          return { items: [] };
        }
        return next(resultIds, token, resultReporter);
      },
    };
  }

  private nextChange(token: vscode.CancellationToken): Promise<void> {
    if (token.isCancellationRequested) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const listeners: vscode.Disposable[] = [];
      const done = (): void => {
        for (const listener of listeners) {
          listener.dispose();
        }
        resolve();
      };
      listeners.push(this.changed.event(done), token.onCancellationRequested(done));
    });
  }

  private workspaceChanged(): void {
    clearTimeout(this.workspaceTimer);
    this.workspaceTimer = setTimeout(() => this.changed.fire(), SETTLE_MS);
  }

  private documentsChanged(): void {
    clearTimeout(this.documentsTimer);
    this.documentsTimer = setTimeout(() => this.pullOpenDocuments(), SETTLE_MS);
  }

  /** Pulls every open document's diagnostics again (one provider's event re-pulls them all). */
  private pullOpenDocuments(): void {
    const client = this.client();
    if (client === undefined || !client.isRunning()) {
      return;
    }
    const feature = client.getFeature(DocumentDiagnosticRequest.method);
    for (const document of vscode.workspace.textDocuments) {
      const provider = feature?.getProvider(document);
      if (provider !== undefined) {
        provider.onDidChangeDiagnosticsEmitter.fire();
        return;
      }
    }
  }

  dispose(): void {
    clearTimeout(this.workspaceTimer);
    clearTimeout(this.documentsTimer);
    for (const subscription of this.subscriptions) {
      subscription.dispose();
    }
  }
}
