// aicmo for VS Code: wires the editor to the `aicmo-lsp` language server (launch, settings,
// commands, status bar). Every check and every generation happens in the server.

import * as vscode from 'vscode';
import { ServerManager } from './client';
import { registerCommands } from './commands';
import { StatusBar } from './statusBar';

let server: ServerManager | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const statusBar = new StatusBar();
  server = new ServerManager(context, statusBar);
  context.subscriptions.push(statusBar);
  registerCommands(context, server, statusBar);
  void server.start(); // activation does not wait for the interpreter probe and the server
}

export async function deactivate(): Promise<void> {
  const stopping = server;
  server = undefined;
  await stopping?.dispose();
}
