// Read-only documents for text the writer reads and never saves ("Explain Rule", "Show Generation
// Stats"): a content provider of the `aicmo-doc` scheme, so closing the tab asks nothing and no
// Untitled editor is left behind. Showing a document again refreshes an open one.

import * as vscode from 'vscode';
import { READONLY_SCHEME, readonlyDocPath } from './readonlyDocPath';

export class ReadonlyDocs implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly changes = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changes.event;
  private readonly registration: vscode.Disposable;

  constructor() {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(READONLY_SCHEME, this);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  /** Opens (or refreshes) the read-only document `name` in a preview tab: Markdown for `md`, plain text for `txt`. */
  async show(name: string, content: string, extension: 'md' | 'txt'): Promise<void> {
    const uri = vscode.Uri.from({ scheme: READONLY_SCHEME, path: readonlyDocPath(name, extension) });
    const known = this.contents.has(uri.toString());
    this.contents.set(uri.toString(), content);
    if (known) {
      this.changes.fire(uri);
    }
    let document = await vscode.workspace.openTextDocument(uri);
    const language = extension === 'md' ? 'markdown' : 'plaintext';
    if (document.languageId !== language) {
      document = await vscode.languages.setTextDocumentLanguage(document, language);
    }
    await vscode.window.showTextDocument(document, { preview: true });
  }

  dispose(): void {
    this.registration.dispose();
    this.changes.dispose();
  }
}
