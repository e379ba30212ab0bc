// aicmo for VS Code: wires the editor to the `aicmo-lsp` language server (launch, settings,
// commands, status bar). Every check and every generation happens in the server.

import * as vscode from 'vscode';
import { ServerManager } from './client';
import { registerCommands } from './commands';
import {
  MARKDOWN_GLOB,
  SEARCH_EXCLUDE,
  SEARCH_LIMIT,
  SETTINGS_FILE_GLOB,
  decideStart,
  isMarkdownDocument,
  needsWorkspaceSearch,
  type StartFacts,
  type WorkspaceFiles,
} from './earlyStart';
import { StatusBar } from './statusBar';

let server: ServerManager | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const statusBar = new StatusBar();
  server = new ServerManager(context, statusBar);
  context.subscriptions.push(statusBar);
  registerCommands(context, server, statusBar);
  void startWhenDue(context, server); // activation does not wait for the search, the interpreter probe and the server
}

export async function deactivate(): Promise<void> {
  const stopping = server;
  server = undefined;
  await stopping?.dispose();
}

/** A Markdown/MDX document's name for the log (its path in the workspace), undefined for any other document. */
function reportName(document: vscode.TextDocument): string | undefined {
  const { languageId, uri } = document;
  if (!isMarkdownDocument({ languageId, scheme: uri.scheme, path: uri.path })) {
    return undefined;
  }
  return uri.scheme === 'file' ? vscode.workspace.asRelativePath(uri, false) : uri.path;
}

/** The workspace's `aicmo.toml` and Markdown/MDX files, a few of each (earlyStart.ts); none when the search fails. */
async function searchWorkspace(log: (line: string) => void): Promise<WorkspaceFiles> {
  const relative = (uris: vscode.Uri[]): string[] => uris.map((uri) => vscode.workspace.asRelativePath(uri, false));
  try {
    const [settingsFiles, markdownFiles] = await Promise.all([
      vscode.workspace.findFiles(SETTINGS_FILE_GLOB, SEARCH_EXCLUDE, 1),
      vscode.workspace.findFiles(MARKDOWN_GLOB, SEARCH_EXCLUDE, SEARCH_LIMIT),
    ]);
    return { settingsFiles: relative(settingsFiles), markdownFiles: relative(markdownFiles) };
  } catch (error) {
    log(`Looking for reports in the folder failed: ${error instanceof Error ? error.message : String(error)}`);
    return { settingsFiles: [], markdownFiles: [] };
  }
}

/**
 * Starts the server now when a report is open or the folder holds reports (earlyStart.ts decides),
 * else when the first Markdown/MDX document opens. The extension also activates for a folder whose
 * only Markdown is a README, and such a folder gets no Python process until a document asks for it.
 */
async function startWhenDue(context: vscode.ExtensionContext, manager: ServerManager): Promise<void> {
  const documents = [...vscode.workspace.textDocuments, ...vscode.window.visibleTextEditors.map((editor) => editor.document)];
  const openReport = documents.map(reportName).find((name) => name !== undefined);
  if (openReport === undefined) {
    // The first report opened starts a waiting server, or its log line says whether the early start was in time.
    const firstReport = vscode.workspace.onDidOpenTextDocument((document) => {
      const name = reportName(document);
      if (name !== undefined) {
        firstReport.dispose();
        manager.firstReportOpened(name);
      }
    });
    context.subscriptions.push(firstReport);
  }
  const config = vscode.workspace.getConfiguration('aicmo');
  const facts: StartFacts = {
    openReport,
    startEarly: config.get<boolean>('server.startEarly', true),
    checksEnabled: config.get<boolean>('enable', true),
  };
  if (needsWorkspaceSearch(facts)) {
    const searched = Date.now();
    facts.found = await searchWorkspace((line) => manager.log(line));
    manager.log(`Looked for reports in the folder in ${Date.now() - searched} ms.`);
  }
  const decision = decideStart(facts);
  if (decision.start) {
    await manager.startOnce(decision.reason);
  } else if (!manager.asked) {
    manager.log(`The server starts when the first Markdown or MDX document opens: ${decision.reason}.`);
  }
}
