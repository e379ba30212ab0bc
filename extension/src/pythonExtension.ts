// The interpreter chosen in the Python extension (ms-python.python), when it is installed.
// Everything is guarded: the extension may be absent, inactive, slow to activate, or an old version
// without the `environments` API; in each case the answer is "no interpreter" and aicmo goes on.

import * as vscode from 'vscode';

const PYTHON_EXTENSION_ID = 'ms-python.python';
const ACTIVATION_TIMEOUT_MS = 10_000;

/** The subset of ms-python.python's exported API used here (its `@vscode/python-extension` types). */
interface EnvironmentPath {
  id: string;
  path: string;
}

interface ResolvedEnvironment {
  executable?: { uri?: vscode.Uri };
}

interface PythonEnvironmentsApi {
  getActiveEnvironmentPath(resource?: vscode.Uri): EnvironmentPath | undefined;
  resolveEnvironment(environment: EnvironmentPath | string): Promise<ResolvedEnvironment | undefined>;
  onDidChangeActiveEnvironmentPath?: vscode.Event<unknown>;
}

function withTimeout<T>(promise: Thenable<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    Promise.resolve(promise).then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(undefined);
      },
    );
  });
}

async function environmentsApi(): Promise<PythonEnvironmentsApi | undefined> {
  try {
    const extension = vscode.extensions.getExtension<unknown>(PYTHON_EXTENSION_ID);
    if (extension === undefined) {
      return undefined;
    }
    const exports: unknown = extension.isActive ? extension.exports : await withTimeout(extension.activate(), ACTIVATION_TIMEOUT_MS);
    const environments = (exports as { environments?: unknown } | undefined)?.environments as Partial<PythonEnvironmentsApi> | undefined;
    if (typeof environments?.getActiveEnvironmentPath !== 'function' || typeof environments.resolveEnvironment !== 'function') {
      return undefined;
    }
    return environments as PythonEnvironmentsApi;
  } catch {
    return undefined;
  }
}

/** The executable of the Python extension's active interpreter for `resource`, if there is one. */
export async function pythonExtensionInterpreter(resource: vscode.Uri | undefined, log: (line: string) => void): Promise<string | undefined> {
  const api = await environmentsApi();
  if (api === undefined) {
    return undefined;
  }
  try {
    const active = api.getActiveEnvironmentPath(resource);
    if (active === undefined) {
      return undefined;
    }
    const resolved = await withTimeout(api.resolveEnvironment(active), ACTIVATION_TIMEOUT_MS);
    return resolved?.executable?.uri?.fsPath ?? (active.path || undefined);
  } catch (error) {
    log(`The Python extension did not name an interpreter: ${String(error)}`);
    return undefined;
  }
}

/** Calls `listener` when the Python extension's interpreter changes (nothing when it is absent). */
export async function onPythonInterpreterChange(listener: () => void): Promise<vscode.Disposable | undefined> {
  const api = await environmentsApi();
  try {
    return api?.onDidChangeActiveEnvironmentPath?.(() => listener());
  } catch {
    return undefined;
  }
}
