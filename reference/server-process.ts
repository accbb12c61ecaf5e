/**
 * What every reference server process shares: where to listen, how to tell the parent it is ready, and how
 * to stop. The same entry points run as child processes of the kit (embedded target) and as container
 * entrypoints (containers target), so configuration is by environment variables only.
 *
 * No orphans: a child started by the kit has an IPC channel; when the parent goes away for any reason
 * (exit, crash, SIGKILL) the channel closes and the child exits.
 */
import type { Server } from 'node:http';
import { Server as TlsServer } from 'node:tls';
import { withNeededVariations } from './faults.ts';

export interface ListenOptions {
  readonly host: string;
  readonly port: number;
}

export function listenOptions(prefix: string): ListenOptions {
  return {
    host: process.env[`${prefix}_HOST`] ?? '127.0.0.1',
    port: Number(process.env[`${prefix}_PORT`] ?? 0),
  };
}

/**
 * Active fault names (kit self-test): `AUTH_CTK_FAULTS=a,b`, with the variations those faults need (a fault of a
 * capability only a variation claims comes with it, reference/faults.ts `needs`), whoever started the server.
 */
export function activeFaults(): ReadonlySet<string> {
  return new Set(withNeededVariations((process.env.AUTH_CTK_FAULTS ?? '').split(',').map((f) => f.trim()).filter(Boolean)));
}

export function urlOf(server: Server, host: string): string {
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('server is not listening on TCP');
  const shownHost = host === '0.0.0.0' ? '127.0.0.1' : host;
  // An https main listener (reference/https.ts, variation https-reference) is a node:tls server.
  const scheme = (server as unknown) instanceof TlsServer ? 'https' : 'http';
  return `${scheme}://${shownHost}:${address.port}`;
}

export async function listen(server: Server, options: ListenOptions): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return urlOf(server, options.host);
}

/** Set by the kit for a child that starts before its configuration is known (reference/stack.ts). */
export const AWAIT_ENVIRONMENT_ENV = 'AUTH_CTK_AWAIT_ENVIRONMENT';

/**
 * A child started with AUTH_CTK_AWAIT_ENVIRONMENT=1 loads its modules while the servers it depends on start, then
 * waits here for the rest of its environment from the kit (an IPC message `{ type: 'environment', env }`): the
 * gateway needs the IdP's URL, which exists only once the IdP listens. Containers and plain starts never wait.
 */
export async function environmentFromParent(): Promise<void> {
  if (process.env[AWAIT_ENVIRONMENT_ENV] !== '1' || !process.send) return;
  const env = await new Promise<Record<string, string>>((resolve) => {
    process.on('disconnect', () => process.exit(0));
    const onMessage = (message: { type?: string; env?: Record<string, string> }) => {
      if (message?.type !== 'environment' || !message.env) return;
      process.off('message', onMessage);
      resolve(message.env);
    };
    process.on('message', onMessage);
  });
  Object.assign(process.env, env);
}

/**
 * Announces readiness (IPC to the kit, and a log line for containers and humans), then wires shutdown:
 * SIGTERM/SIGINT close the server; a lost IPC channel means the parent is gone.
 */
export function announceReady(name: string, server: Server, url: string, extra: Record<string, unknown> = {}): void {
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections?.();
    setTimeout(() => process.exit(0), 1_000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  if (process.send) {
    process.on('disconnect', () => process.exit(0));
    process.send({ type: 'ready', name, url, ...extra });
  }
  console.log(`${name} listening on ${url}`);
}
