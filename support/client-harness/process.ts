/**
 * Runs the client under test as a child process in its own process group, so that stopping it stops
 * everything it started (a shell wrapper, npm, a worker): SIGTERM to the group, then SIGKILL to the group
 * after the grace period. A client may crash, hang, ignore SIGTERM or print garbage: the harness records it
 * and carries on. If the kit itself exits, every group still alive is killed (no orphans).
 *
 * Limit: a grandchild that leaves the group on purpose (setsid, double fork into a new session) escapes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { ClientExit } from './timeline.ts';

const liveGroups = new Set<number>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const pgid of liveGroups) killGroup(pgid, 'SIGKILL');
  });
}

function killGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // ESRCH: the group is gone
  }
}

export interface ClientProcessOptions {
  readonly command: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly onLine: (stream: 'stdout' | 'stderr', line: string) => void;
  readonly now: () => number;
}

/** Longest line kept; longer output is cut (a client printing megabytes without newlines cannot hurt). */
const MAX_LINE = 8 * 1024;

export class ClientProcess {
  private readonly child: ChildProcess;
  private readonly options: ClientProcessOptions;
  private exitInfo?: ClientExit;
  private killedByHarness = false;
  readonly exited: Promise<ClientExit>;

  constructor(options: ClientProcessOptions) {
    installExitHook();
    this.options = options;
    const [file, ...args] = options.command;
    this.child = spawn(file!, args, { env: options.env, cwd: options.cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const pid = this.child.pid;
    if (pid !== undefined) liveGroups.add(pid);
    this.lines(this.child.stdout!, 'stdout');
    this.lines(this.child.stderr!, 'stderr');
    this.exited = new Promise<ClientExit>((resolve) => {
      this.child.once('error', (error: NodeJS.ErrnoException) => {
        if (this.exitInfo) return;
        this.exitInfo = { at: options.now(), code: null, signal: null, killed: false, spawnError: `${error.code ?? 'ERROR'}: ${error.message}` };
        if (pid !== undefined) liveGroups.delete(pid);
        resolve(this.exitInfo);
      });
      this.child.once('exit', (code, signal) => {
        if (this.exitInfo) return;
        this.exitInfo = { at: options.now(), code, signal, killed: this.killedByHarness };
        if (pid !== undefined) {
          // The leader is gone; whatever it left behind in its group goes too.
          killGroup(pid, 'SIGKILL');
          liveGroups.delete(pid);
        }
        resolve(this.exitInfo);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get hasExited(): boolean {
    return this.exitInfo !== undefined;
  }

  /** SIGTERM to the group; SIGKILL after `graceMs` if it is still there. Resolves with how it ended. */
  async stop(graceMs: number): Promise<ClientExit> {
    const pid = this.child.pid;
    if (this.exitInfo || pid === undefined) return this.exited;
    killGroup(pid, 'SIGTERM');
    const timer = setTimeout(() => {
      if (this.exitInfo) return;
      this.killedByHarness = true;
      killGroup(pid, 'SIGKILL');
    }, graceMs);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }

  private lines(stream: NodeJS.ReadableStream, name: 'stdout' | 'stderr'): void {
    let buffer = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffer += chunk;
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        this.options.onLine(name, buffer.slice(0, newline).replace(/\r$/, '').slice(0, MAX_LINE));
        buffer = buffer.slice(newline + 1);
      }
      if (buffer.length > MAX_LINE) {
        this.options.onLine(name, buffer.slice(0, MAX_LINE));
        buffer = '';
      }
    });
    stream.on('end', () => {
      if (buffer) this.options.onLine(name, buffer.slice(0, MAX_LINE));
      buffer = '';
    });
    stream.on('error', () => undefined);
  }
}
