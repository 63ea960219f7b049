/**
 * Starting a stdio server's process, for the checker's supervised sessions and the gateway's
 * session children alike: spawned with pipes, its stderr split into lines, its end described
 * (an exit code, a signal, a command that could not start), and killed if the monitor exits
 * without stopping it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describeExit, describeSpawnError, type ProcessGoneError } from './session/describe-error.js';
import { LineSplitter } from './session/log-ring.js';

export interface ServerCommand {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string | undefined;
}

export interface SpawnedServer {
  child: ChildProcess;
  /** Why the process ended (or could not start); stderr's last partial line is out first. */
  ended: Promise<ProcessGoneError>;
}

/** Children still running, killed if the monitor exits without closing what started them. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function track(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const c of live) signal(c, 'SIGKILL');
  });
}

export function signal(child: ChildProcess, name: NodeJS.Signals): void {
  try {
    child.kill(name);
  } catch {
    // Already gone.
  }
}

export function spawnServer(cmd: ServerCommand, onStderrLine: (line: string) => void): SpawnedServer {
  const child = spawn(cmd.command, cmd.args, {
    cwd: cmd.cwd,
    env: cmd.env,
    stdio: ['pipe', 'pipe', 'pipe'],
    windowsHide: true,
  });
  track(child);
  const stderr = new LineSplitter(onStderrLine);
  child.stderr?.on('data', (chunk: Buffer) => stderr.write(chunk));
  child.stderr?.on('error', () => undefined);
  child.stdout?.on('error', () => undefined);
  child.stdin?.on('error', () => undefined);
  const ended = new Promise<ProcessGoneError>((resolve) => {
    child.once('error', (error) => {
      if (child.pid === undefined)
        resolve(describeSpawnError(error, cmd.command, cmd.cwd !== undefined && !existsSync(cmd.cwd)));
    });
    child.once('exit', (code, sig) => {
      stderr.flush();
      resolve(describeExit(code, sig));
    });
  });
  return { child, ended };
}
