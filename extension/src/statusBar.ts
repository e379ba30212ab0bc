// The status bar item: the last `aicmo/status` of the active editor's document.

import * as vscode from 'vscode';
import { parseStatusPayload, statusCommand, statusText, statusTooltip, type StatusPayload } from './statusText';

export const STATUS_BAR_ID = 'aicmo.status';
export const SHOW_FAILING_COMMAND = 'aicmo.showFailingSections';
export const SELECT_PACK_COMMAND = 'aicmo.selectPackForFile';

function normalizeUri(uri: string): string {
  try {
    return vscode.Uri.parse(uri).toString();
  } catch {
    return uri;
  }
}

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly byUri = new Map<string, StatusPayload>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly updates = new vscode.EventEmitter<string | undefined>();
  /** Fires with the (normalized) URI of each document the server sent a status for; undefined when all were forgotten. */
  readonly onDidUpdate = this.updates.event;

  constructor() {
    // With publisher `aicmo` and name `aicmo`, the item's DOM id is `aicmo.aicmo.aicmo.status`.
    this.item = vscode.window.createStatusBarItem(STATUS_BAR_ID, vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'aicmo';
    this.item.command = SHOW_FAILING_COMMAND;
    this.subscriptions.push(
      this.updates,
      vscode.window.onDidChangeActiveTextEditor(() => this.render()),
    );
  }

  /** The `aicmo/status` notification's handler. */
  update(params: unknown): void {
    const payload = parseStatusPayload(params);
    if (payload === undefined) {
      return;
    }
    const key = normalizeUri(payload.uri);
    if (payload.status === 'CLOSED') {
      this.byUri.delete(key);
    } else {
      this.byUri.set(key, payload);
    }
    this.render();
    this.updates.fire(key);
  }

  /** The last status of a document, if the server sent one. */
  statusOf(uri: vscode.Uri): StatusPayload | undefined {
    return this.byUri.get(uri.toString());
  }

  /** Forget every document (the server stopped). */
  clear(): void {
    this.byUri.clear();
    this.render();
    this.updates.fire(undefined);
  }

  private render(): void {
    const document = vscode.window.activeTextEditor?.document;
    const payload = document ? this.statusOf(document.uri) : undefined;
    const text = statusText(payload);
    if (text === undefined) {
      this.item.hide();
      return;
    }
    this.item.text = text;
    this.item.command = statusCommand(payload) === 'choosePack' ? SELECT_PACK_COMMAND : SHOW_FAILING_COMMAND;
    const tooltip = new vscode.MarkdownString(statusTooltip(payload) ?? '');
    tooltip.supportThemeIcons = false;
    this.item.tooltip = tooltip;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
    for (const subscription of this.subscriptions) {
      subscription.dispose();
    }
  }
}
