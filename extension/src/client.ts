// The language client's life: find the server, start it, restart it, hand it the API key.

import * as vscode from 'vscode';
import {
  ExecuteCommandRequest,
  LanguageClient,
  State,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { DiagnosticsPuller } from './diagnosticsPull';
import { GenerationPresenter, progressHost } from './generation';
import { ProgressRouter } from './generationProgress';
import { generationCommand, initializationOptions } from './generationResults';
import { onPythonInterpreterChange } from './pythonExtension';
import { redactSecrets } from './redact';
import { findServer } from './serverLaunch';
import { ServerNotification } from './serverProtocol';
import { StatusBar } from './statusBar';

/** Also the prefix of the trace setting vscode-languageclient reads: `aicmo.trace.server`. */
export const CLIENT_ID = 'aicmo';
export const API_KEY_SECRET = 'aicmo.openaiApiKey';

/** Markdown in files, MDX whether or not another extension contributes the `mdx` language, unsaved Markdown. */
export const DOCUMENT_SELECTOR = [
  { scheme: 'file', language: 'markdown' },
  { scheme: 'file', language: 'mdx' },
  { scheme: 'file', pattern: '**/*.mdx' },
  { scheme: 'untitled', language: 'markdown' },
];

/** Settings whose change means a different server process. */
const LAUNCH_SETTINGS = ['aicmo.server.path', 'aicmo.python.path'];

/**
 * An output channel that masks the API key: vscode-languageclient writes the server's stderr and,
 * with `aicmo.trace.server`, every message (`aicmo/setSecrets` included) to it.
 */
function redactingChannel(channel: vscode.OutputChannel, secrets: () => Iterable<string>): vscode.OutputChannel {
  return {
    get name() {
      return channel.name;
    },
    append: (value: string) => channel.append(redactSecrets(value, secrets())),
    appendLine: (value: string) => channel.appendLine(redactSecrets(value, secrets())),
    replace: (value: string) => channel.replace(redactSecrets(value, secrets())),
    clear: () => channel.clear(),
    show: (...args: unknown[]) => (channel.show as (...rest: unknown[]) => void)(...args),
    hide: () => channel.hide(),
    dispose: () => undefined, // the extension owns the channel; a stopped client must not close it
  };
}

export class ServerManager implements vscode.Disposable {
  readonly output: vscode.OutputChannel;
  private readonly channel: vscode.OutputChannel;
  private client: LanguageClient | undefined;
  /** Whether `aicmo.server.path` or `aicmo.python.path` chose the server (or its failure). */
  private chosenBySetting = false;
  /** Every key handed to a server in this session, masked in the output channel. */
  private readonly knownSecrets = new Set<string>();
  /** The key the running server has ('' for none), so a change is sent once. */
  private sentKey: string | undefined;
  private queue: Promise<void> = Promise.resolve();
  private secretsQueue: Promise<void> = Promise.resolve();
  private readonly puller: DiagnosticsPuller;
  /** Where the server's progress shows: a generation that takes a while as a cancellable notification. */
  private readonly progress = new ProgressRouter(progressHost(() => this.client));
  /** What the writer is told after a generation, whether a command, a code action or a lens ran it. */
  readonly generation: GenerationPresenter;
  private readonly subscriptions: vscode.Disposable[] = [];
  private notFoundShown = false;
  /** Why the server was first asked for ("as the folder opened (...)", "for plan.md"); undefined until then. */
  private firstStartReason: string | undefined;
  /** The running server's start (Date.now()): asked for, and ready (undefined while starting or stopped). */
  private askedAt = 0;
  private readyAt: number | undefined;
  private starting = false;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly statusBar: StatusBar,
  ) {
    this.output = vscode.window.createOutputChannel('aicmo');
    this.channel = redactingChannel(this.output, () => this.knownSecrets);
    this.puller = new DiagnosticsPuller(() => this.client);
    this.generation = new GenerationPresenter(this);
    this.subscriptions.push(
      this.output,
      this.puller,
      this.generation,
      context.secrets.onDidChange((event) => {
        if (event.key === API_KEY_SECRET) {
          void this.sendSecrets();
        }
      }),
      vscode.workspace.onDidChangeConfiguration((event) => {
        // A server not started yet will read the new settings when it starts.
        if (this.firstStartReason !== undefined && LAUNCH_SETTINGS.some((setting) => event.affectsConfiguration(setting))) {
          this.log('The server settings changed; restarting the server.');
          void this.restart('as the server settings changed');
        }
      }),
    );
    void onPythonInterpreterChange(() => {
      // Not before the first start: the Python extension may pick an interpreter as the window opens,
      // and a folder that waits for its first report must not get a server from that.
      if (this.firstStartReason !== undefined && !this.chosenBySetting) {
        this.log("The Python extension's interpreter changed; restarting the server.");
        void this.restart("as the Python extension's interpreter changed");
      }
    }).then((subscription) => subscription && this.subscriptions.push(subscription));
  }

  /** Runs before a code action or lens starts a generation (commands.ts: the endpoint notice). */
  beforeGeneration: (uri: vscode.Uri) => Promise<void> = async () => undefined;

  log(line: string): void {
    this.output.appendLine(`[aicmo] ${line}`);
  }

  /** Whether the server was asked to start in this window (it may have failed, or be starting still). */
  get asked(): boolean {
    return this.firstStartReason !== undefined;
  }

  /**
   * Starts the server unless it was asked for already (extension.ts: as the folder opens, or for the
   * first report). `reason` completes the log's "started ...".
   */
  startOnce(reason: string): Promise<void> {
    if (this.firstStartReason !== undefined) {
      return this.queue;
    }
    this.firstStartReason = reason;
    return this.enqueue(() => this.startNow(reason));
  }

  restart(reason = 'by a restart'): Promise<void> {
    this.firstStartReason ??= reason;
    return this.enqueue(async () => {
      await this.stopNow();
      this.notFoundShown = false;
      await this.startNow(reason);
    });
  }

  /**
   * The first report the writer opens in this window: starts a waiting server for it, or says in the
   * log whether the early start had the server ready in time (the end-to-end test reads this line).
   */
  firstReportOpened(name: string): void {
    if (this.firstStartReason === undefined) {
      void this.startOnce(`for ${name}`);
      return;
    }
    const now = Date.now();
    const state =
      this.readyAt !== undefined && this.client?.state === State.Running
        ? `already running (ready ${now - this.readyAt} ms before)`
        : this.starting
          ? `still starting (asked for ${now - this.askedAt} ms before)`
          : 'not running';
    this.log(`First report opened (${name}): the server was ${state}; it started ${this.firstStartReason}.`);
  }

  stop(): Promise<void> {
    return this.enqueue(() => this.stopNow());
  }

  /** Runs a command of the server; undefined (after telling the writer) when it is not running or fails. */
  async executeCommand(command: string, argument: unknown): Promise<unknown> {
    // A command run before any report opened (Explain Rule, New Report from Pack) needs the server now.
    await this.startOnce(`for the command ${command}`);
    await this.queue; // a restart in progress finishes first
    const client = this.client;
    if (client === undefined || client.state !== State.Running) {
      const choice = await vscode.window.showErrorMessage(
        'aicmo: the language server is not running.',
        'Restart Server',
        'Show Output',
      );
      if (choice === 'Restart Server') {
        await this.restart();
      } else if (choice === 'Show Output') {
        this.output.show(true);
      }
      return undefined;
    }
    try {
      return await client.sendRequest(ExecuteCommandRequest.type, { command, arguments: [argument] });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.log(`${command} failed: ${message}`);
      void vscode.window.showErrorMessage(`aicmo: ${command} failed: ${message}`);
      return undefined;
    }
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    const next = this.queue.then(step, step);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async startNow(reason: string): Promise<void> {
    this.starting = true;
    try {
      await this.launch(reason);
    } finally {
      this.starting = false;
    }
  }

  /** startNow's work; `starting` is true while it runs, for firstReportOpened's account. */
  private async launch(reason: string): Promise<void> {
    const asked = Date.now();
    this.askedAt = asked;
    this.readyAt = undefined;
    const found = await findServer(this.context, (line) => this.log(line));
    const foundMs = Date.now() - asked;
    if (!('executable' in found)) {
      this.chosenBySetting = found.fromSetting;
      this.log(found.message);
      if (!this.notFoundShown) {
        this.notFoundShown = true;
        void vscode.window.showErrorMessage(found.message, 'Open Settings').then((choice) => {
          if (choice === 'Open Settings') {
            void vscode.commands.executeCommand('workbench.action.openSettings', found.setting);
          }
        });
      }
      return;
    }
    this.chosenBySetting = found.origin === 'server-path' || found.origin === 'setting';
    this.log(`Starting the server ${reason}: ${found.description}`);
    const serverOptions: ServerOptions = found.executable;
    const clientOptions: LanguageClientOptions = {
      documentSelector: DOCUMENT_SELECTOR,
      synchronize: { configurationSection: 'aicmo' },
      outputChannel: this.channel,
      traceOutputChannel: this.channel,
      // The extension presents generation results (conflicts, summaries) itself: generation.ts.
      initializationOptions: initializationOptions(),
      middleware: {
        ...this.puller.middleware(),
        handleWorkDoneProgress: (token, params, next) => this.progress.handle(token, params, () => next(token, params)),
        // A code action or lens that runs a generation: its result is told like the commands' (the
        // extension's own commands send their requests directly, not through this).
        executeCommand: async (command, args, next) => {
          const generation = generationCommand(command, args);
          if (generation !== undefined) {
            await this.beforeGeneration(vscode.Uri.parse(generation.uri));
          }
          const result: unknown = await next(command, args);
          if (generation !== undefined) {
            this.generation.present(vscode.Uri.parse(generation.uri), result, generation.mode);
          }
          return result;
        },
      },
    };
    const client = new LanguageClient(CLIENT_ID, 'aicmo', serverOptions, clientOptions);
    client.onDidChangeState((event) => {
      if (event.newState === State.Stopped) {
        this.progress.clear(); // no `end` will come
      }
    });
    client.onNotification(ServerNotification.status, (params: unknown) => this.statusBar.update(params));
    this.client = client;
    this.sentKey = undefined;
    // When it was spawned, for the server's own account of its start (aicmo_lsp/clock.py).
    found.executable.options = { ...found.executable.options, env: { ...found.executable.options?.env, AICMO_SPAWNED_AT: String(Date.now()) } };
    try {
      await client.start();
    } catch (error) {
      this.log(`The server did not start: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    // What a slow start is made of; the extension host's age says how long VS Code took to get here.
    // Why it started, and the wall-clock time, let the end-to-end test relate it to the window opening.
    this.readyAt = Date.now();
    const readyMs = this.readyAt - asked;
    this.log(
      `Server ready in ${readyMs} ms: finding Python ${foundMs} ms, starting the server and its initialize ${readyMs - foundMs} ms ` +
        `(extension host up ${Math.round(process.uptime() * 1000)} ms); started ${reason}, ready at ${new Date(this.readyAt).toISOString()}`,
    );
    await this.sendSecrets();
  }

  private async stopNow(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.readyAt = undefined;
    this.sentKey = undefined;
    this.statusBar.clear();
    this.progress.clear();
    if (client === undefined) {
      return;
    }
    try {
      if (client.state !== State.Stopped) {
        await client.stop(5000);
      }
    } catch (error) {
      this.log(`Stopping the server: ${error instanceof Error ? error.message : String(error)}`);
    }
    try {
      await client.dispose(1000);
    } catch {
      // already stopped
    }
  }

  /** Hands the stored API key to the running server when it differs from what the server has. */
  sendSecrets(): Promise<void> {
    // One at a time: storing a key both fires `secrets.onDidChange` and calls this directly.
    this.secretsQueue = this.secretsQueue.then(
      () => this.sendSecretsNow(),
      () => this.sendSecretsNow(),
    );
    return this.secretsQueue;
  }

  private async sendSecretsNow(): Promise<void> {
    const client = this.client;
    if (client === undefined || client.state !== State.Running) {
      return;
    }
    const key = (await this.context.secrets.get(API_KEY_SECRET)) ?? '';
    if (key === this.sentKey || (key === '' && this.sentKey === undefined)) {
      this.sentKey = key;
      return;
    }
    if (key !== '') {
      this.knownSecrets.add(key);
    }
    await client.sendNotification(ServerNotification.setSecrets, { openaiApiKey: key });
    this.sentKey = key;
  }

  async dispose(): Promise<void> {
    await this.stop();
    for (const subscription of this.subscriptions) {
      subscription.dispose();
    }
  }
}
