// Where the server's work-done progress shows. vscode-languageclient shows every `$/progress` in the
// status bar only (its ProgressPart uses ProgressLocation.Window, without a Cancel button), so a long
// generation could not be cancelled. This router, installed as the client's
// `middleware.handleWorkDoneProgress`, takes over the cancellable ones (the server's generations):
// the status bar at first, and after NOTIFICATION_DELAY_MS a notification with a Cancel button that
// sends `window/workDoneProgress/cancel` for the token. One progress shows in one place at a time.
// Progress that cannot be cancelled keeps the client's own handling.
// Pure: no `vscode` import (the host is generation.ts), so node:test covers it with a fake host.

export const NOTIFICATION_DELAY_MS = 1000;

export type ProgressToken = string | number;

export type WorkDoneProgressValue =
  | { kind: 'begin'; title: string; cancellable?: boolean; message?: string; percentage?: number }
  | { kind: 'report'; cancellable?: boolean; message?: string; percentage?: number }
  | { kind: 'end'; message?: string };

export type ProgressLocationName = 'window' | 'notification';

/** One shown progress: `increment` adds to the bar (0-100 in all), `message` replaces the text. */
export interface ProgressView {
  report(update: { message?: string; increment?: number }): void;
  close(): void;
}

export interface Disposable {
  dispose(): void;
}

export interface ProgressHost {
  open(location: ProgressLocationName, title: string, cancellable: boolean, onCancel: () => void): ProgressView;
  /** Runs `run` after `ms` unless disposed first. */
  schedule(ms: number, run: () => void): Disposable;
  /** Sends `window/workDoneProgress/cancel` for the token. */
  cancel(token: ProgressToken): void;
}

interface Shown {
  title: string;
  cancellable: boolean;
  message: string | undefined;
  /** Undefined for a progress without percentages. */
  percentage: number | undefined;
  location: ProgressLocationName;
  view: ProgressView;
  timer: Disposable | undefined;
  cancelled: boolean;
}

function clamp(percentage: number): number {
  return Math.max(0, Math.min(100, percentage));
}

/** Where a progress shows when it begins: ours (status bar, then a notification) or the client's own. */
export function progressPlan(begin: { cancellable?: boolean }): 'router' | 'client' {
  return begin.cancellable === true ? 'router' : 'client';
}

export class ProgressRouter {
  private readonly shown = new Map<ProgressToken, Shown>();

  constructor(
    private readonly host: ProgressHost,
    private readonly delayMs = NOTIFICATION_DELAY_MS,
  ) {}

  /** The `handleWorkDoneProgress` middleware: `next` is the client's own handling. */
  handle(token: ProgressToken, value: WorkDoneProgressValue, next: () => void): void {
    if (value.kind === 'begin') {
      this.close(token);
      if (progressPlan(value) === 'client') {
        next();
        return;
      }
      this.begin(token, value);
      return;
    }
    const shown = this.shown.get(token);
    if (shown === undefined) {
      next();
      return;
    }
    if (value.kind === 'report') {
      this.report(shown, value.message, value.percentage);
      return;
    }
    this.close(token);
    next(); // lets the client forget the token
  }

  /** Where each running progress shows (for tests and the log). */
  locations(): Map<ProgressToken, ProgressLocationName> {
    return new Map([...this.shown].map(([token, shown]) => [token, shown.location]));
  }

  /** Closes every progress (the server stopped: no `end` will come). */
  clear(): void {
    for (const token of [...this.shown.keys()]) {
      this.close(token);
    }
  }

  private begin(token: ProgressToken, value: Extract<WorkDoneProgressValue, { kind: 'begin' }>): void {
    const cancellable = value.cancellable === true;
    const shown: Shown = {
      title: value.title,
      cancellable,
      message: value.message,
      percentage: value.percentage === undefined ? undefined : 0,
      location: 'window',
      view: this.host.open('window', value.title, false, () => undefined),
      timer: undefined,
      cancelled: false,
    };
    this.shown.set(token, shown);
    this.report(shown, value.message, value.percentage);
    shown.timer = this.host.schedule(this.delayMs, () => this.promote(token, shown));
  }

  private report(shown: Shown, message: string | undefined, percentage: number | undefined): void {
    if (message !== undefined) {
      shown.message = message;
    }
    let increment: number | undefined;
    if (percentage !== undefined && shown.percentage !== undefined) {
      const next = Math.max(shown.percentage, clamp(percentage));
      increment = next - shown.percentage;
      shown.percentage = next;
    }
    if (message !== undefined || increment) {
      shown.view.report({ message: shown.message, ...(increment ? { increment } : {}) });
    }
  }

  /** The status bar's progress becomes a notification with a Cancel button. */
  private promote(token: ProgressToken, shown: Shown): void {
    shown.timer = undefined;
    if (this.shown.get(token) !== shown) {
      return; // ended meanwhile
    }
    shown.view.close();
    shown.location = 'notification';
    shown.view = this.host.open('notification', shown.title, shown.cancellable, () => {
      if (!shown.cancelled && this.shown.get(token) === shown) {
        shown.cancelled = true;
        this.host.cancel(token);
      }
    });
    const percentage = shown.percentage ?? 0;
    if (shown.message !== undefined || percentage > 0) {
      shown.view.report({ message: shown.message, ...(percentage > 0 ? { increment: percentage } : {}) });
    }
  }

  private close(token: ProgressToken): void {
    const shown = this.shown.get(token);
    if (shown === undefined) {
      return;
    }
    this.shown.delete(token);
    shown.timer?.dispose();
    shown.view.close();
  }
}
