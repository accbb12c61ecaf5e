/**
 * The contract between the client harness and a client under test (README, "Certifying a client").
 *
 * The harness starts the client command with these environment variables:
 *   AUTH_TOKEN_URL        token endpoint (POST, RFC 6749 §4.4); the harness plays the IdP
 *   AUTH_API_URL          API base URL; each call is `GET ${AUTH_API_URL}/items` with the bearer token
 *   AUTH_CLIENT_ID        client id      (seed 002 names these two variables)
 *   AUTH_CLIENT_SECRET    client secret  (random per run)
 *   AUTH_CTK_CALLS        how many calls to make, then exit 0; 0 = keep calling until SIGTERM
 *   AUTH_CTK_INTERVAL_MS  pause between the end of one call and the start of the next
 * and expects, on stdout, one JSON line per finished call:
 *   {"call": 1, "source": "api", "status": 200}   the API answered (any status the application saw)
 *   {"call": 2, "source": "cache"}                served from the client's own cache (seed 002)
 *   {"call": 3, "source": "error"}                not served at all
 * Other stdout lines are ignored (kept, redacted, as evidence). On SIGTERM the client exits within the grace
 * period (3 s), or its whole process group is killed.
 */

export const CLIENT_ENV = {
  tokenUrl: 'AUTH_TOKEN_URL',
  apiUrl: 'AUTH_API_URL',
  clientId: 'AUTH_CLIENT_ID',
  clientSecret: 'AUTH_CLIENT_SECRET',
  calls: 'AUTH_CTK_CALLS',
  intervalMs: 'AUTH_CTK_INTERVAL_MS',
} as const;

/** Where the kit's CLI hands the client command to the cucumber steps: a JSON array of strings. */
export const CLIENT_COMMAND_ENV = 'AUTH_CTK_CLIENT_COMMAND';

/** The path every call requests under AUTH_API_URL. */
export const ITEMS_PATH = '/items';

export type ResultSource = 'api' | 'cache' | 'error';

export interface ResultLine {
  readonly call: number;
  readonly source: ResultSource;
  /** HTTP status the application saw, when source is "api". */
  readonly status?: number;
}

/** Parses one stdout line; undefined when it is not a result line (the harness ignores it). */
export function parseResultLine(line: string): ResultLine | undefined {
  const text = line.trim();
  if (!text.startsWith('{')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.call !== 'number' || !Number.isInteger(v.call) || v.call < 1) return undefined;
  if (v.source !== 'api' && v.source !== 'cache' && v.source !== 'error') return undefined;
  if (v.status !== undefined && (typeof v.status !== 'number' || !Number.isInteger(v.status))) return undefined;
  return { call: v.call, source: v.source, ...(typeof v.status === 'number' ? { status: v.status } : {}) };
}

export class ClientCommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClientCommandError';
  }
}

/** Reads AUTH_CTK_CLIENT_COMMAND: undefined when unset; throws ClientCommandError when malformed. */
export function clientCommandFromEnv(env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  const raw = env[CLIENT_COMMAND_ENV];
  if (raw === undefined || raw.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ClientCommandError(`${CLIENT_COMMAND_ENV} is not JSON: give the command as a JSON array of strings, e.g. ["node","client/cli.ts"]`);
  }
  if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((p) => typeof p === 'string' && p.length > 0)) {
    throw new ClientCommandError(`${CLIENT_COMMAND_ENV} must be a non-empty JSON array of strings, e.g. ["node","client/cli.ts"]`);
  }
  return parsed as string[];
}
