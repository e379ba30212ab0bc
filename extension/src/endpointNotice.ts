// Tells the writer where the OpenAI API key goes (endpoint.ts builds the words): when a key is
// stored, when `aicmo.generator.baseUrl` changes while a key is stored, and before the first
// generation of a session that sends the key if the notice was never shown for that host (a key
// stored before this notice existed, or another machine's settings).

import * as vscode from 'vscode';
import { API_KEY_SECRET } from './client';
import { BASE_URL_SETTING, NOTICE_SHOWN_FOR_KEY, endpointNotice, endpointOf, keyIsSent, noticeDueOnGeneration } from './endpoint';

const OPEN_SETTING = 'Open Setting';

export class EndpointNotice implements vscode.Disposable {
  /** Whether this session's first generation that sends the key was seen. */
  private checked = false;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly context: vscode.ExtensionContext) {
    this.subscription = vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(BASE_URL_SETTING)) {
        void this.hasKey().then((hasKey) => hasKey && this.show());
      }
    });
  }

  /** After the writer stored a key. */
  afterKeyStored(): void {
    this.show();
  }

  /** Before a generation for the document `uri` (its folder's chain) runs. */
  async beforeGeneration(uri: vscode.Uri | undefined): Promise<void> {
    if (this.checked) {
      return;
    }
    const chain = vscode.workspace.getConfiguration('aicmo', uri).get<string[] | null>('generator.chain', []);
    const hasKey = await this.hasKey();
    if (!keyIsSent(chain, hasKey)) {
      return;
    }
    this.checked = true;
    if (noticeDueOnGeneration(chain, hasKey, this.baseUrl(), this.context.globalState.get<string>(NOTICE_SHOWN_FOR_KEY))) {
      this.show();
    }
  }

  private baseUrl(): string {
    return vscode.workspace.getConfiguration('aicmo').get<string | null>('generator.baseUrl', '') ?? '';
  }

  private async hasKey(): Promise<boolean> {
    return ((await this.context.secrets.get(API_KEY_SECRET)) ?? '') !== '';
  }

  private show(): void {
    const baseUrl = this.baseUrl();
    void this.context.globalState.update(NOTICE_SHOWN_FOR_KEY, endpointOf(baseUrl).host);
    void vscode.window.showInformationMessage(endpointNotice(baseUrl), OPEN_SETTING).then((choice) => {
      if (choice === OPEN_SETTING) {
        void vscode.commands.executeCommand('workbench.action.openSettings', BASE_URL_SETTING);
      }
    });
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
