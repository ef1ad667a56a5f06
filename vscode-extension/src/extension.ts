// The Tenet extension for VS Code. Highlighting comes from the TextMate
// grammar in syntaxes/; everything else (diagnostics and lint, hover, go to
// definition, outline, completion, formatting) is served by the Tenet
// language server, `tenet lsp`, which this file starts over stdio.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from 'vscode-languageclient/node';

const CLIENT_ID = 'tenet';
const CLIENT_NAME = 'Tenet';

let client: LanguageClient | undefined;
let outputChannel: vscode.OutputChannel | undefined;
// Serializes starts and stops, so that a restart requested while the server
// is still starting does not run two servers.
let pending: Promise<void> = Promise.resolve();

export function activate(context: vscode.ExtensionContext): Promise<void> {
  outputChannel = vscode.window.createOutputChannel(CLIENT_NAME);
  context.subscriptions.push(outputChannel);

  context.subscriptions.push(
    vscode.commands.registerCommand('tenet.restartServer', () =>
      enqueue(async () => {
        await stopClient();
        await startClient();
      }),
    ),
    vscode.commands.registerCommand('tenet.showOutput', () => {
      outputChannel?.show(true);
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('tenet.path')) {
        void enqueue(async () => {
          await stopClient();
          await startClient();
        });
      }
    }),
  );

  return enqueue(startClient);
}

export function deactivate(): Promise<void> {
  return enqueue(stopClient);
}

function enqueue(task: () => Promise<void>): Promise<void> {
  pending = pending.then(task, task);
  return pending;
}

// The program named by `tenet.path`: `~/` expanded, and a relative path with
// a folder in it (`./bin/tenet`) taken from the first workspace folder. A bare
// name (`tenet`) is left for the operating system to find on PATH.
function configuredProgram(): string {
  const configured = vscode.workspace
    .getConfiguration('tenet')
    .get<string>('path', 'tenet')
    .trim();
  let program = configured === '' ? 'tenet' : configured;
  if (program === '~' || program.startsWith('~/') || program.startsWith('~\\')) {
    program = path.join(os.homedir(), program.slice(1));
  }
  const hasFolder = program.includes('/') || program.includes('\\');
  if (hasFolder && !path.isAbsolute(program)) {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (folder !== undefined && folder.uri.scheme === 'file') {
      program = path.join(folder.uri.fsPath, program);
    }
  }
  return program;
}

function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    if (process.platform !== 'win32') {
      fs.accessSync(file, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

// Whether `program` can be started, looking a bare name up on PATH the way
// the operating system will.
function findProgram(program: string): string | undefined {
  const extensions =
    process.platform === 'win32'
      ? ['', ...(process.env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';')]
      : [''];
  const candidates = (base: string) => extensions.map((ext) => base + ext);
  if (path.isAbsolute(program)) {
    return candidates(program).find(isExecutableFile);
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') {
      continue;
    }
    const found = candidates(path.join(dir, program)).find(isExecutableFile);
    if (found !== undefined) {
      return found;
    }
  }
  return undefined;
}

async function reportCannotStart(program: string, reason: string): Promise<void> {
  const openSettings = 'Open Settings';
  const showOutput = 'Show Output';
  outputChannel?.appendLine(`Cannot start the Tenet language server: ${reason}`);
  const choice = await vscode.window.showErrorMessage(
    `Tenet: cannot start the language server "${program} lsp": ${reason}. ` +
      'Install Tenet, or set "tenet.path" to the tenet program ' +
      '(for example /usr/local/bin/tenet), then run "Tenet: Restart Language Server".',
    openSettings,
    showOutput,
  );
  if (choice === openSettings) {
    await vscode.commands.executeCommand('workbench.action.openSettings', 'tenet.path');
  } else if (choice === showOutput) {
    outputChannel?.show(true);
  }
}

async function startClient(): Promise<void> {
  const program = configuredProgram();
  const resolved = findProgram(program);
  if (resolved === undefined) {
    const where = path.isAbsolute(program)
      ? 'the file does not exist or is not executable'
      : 'it was not found on PATH';
    void reportCannotStart(program, where);
    return;
  }

  const serverOptions: ServerOptions = {
    command: resolved,
    // TransportKind.stdio makes the client add `--stdio`: `tenet lsp --stdio`.
    args: ['lsp'],
    transport: TransportKind.stdio,
    options: {
      cwd: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    },
  };

  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'tenet' }],
    synchronize: {
      // Names resolve across files, so the server hears about .tenet files
      // created, changed or deleted outside the editor.
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.tenet'),
    },
    outputChannel,
  };

  // The client reads `tenet.trace.server` itself, from its id.
  const newClient = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
  outputChannel?.appendLine(`Starting ${resolved} lsp --stdio`);
  try {
    await newClient.start();
    client = newClient;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    try {
      await newClient.dispose();
    } catch {
      // The client never ran; nothing to clean up.
    }
    void reportCannotStart(
      program,
      `${message} (is ${resolved} a version of tenet that has the "lsp" command?)`,
    );
  }
}

async function stopClient(): Promise<void> {
  const running = client;
  client = undefined;
  if (running === undefined) {
    return;
  }
  try {
    await running.stop();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    outputChannel?.appendLine(`Stopping the Tenet language server failed: ${message}`);
  }
}
