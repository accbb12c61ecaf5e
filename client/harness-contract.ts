/**
 * The client side of the auth-ctk client harness contract (README, "Certifying a client"): read the
 * environment the harness sets, make the calls at the pace it asks for, print one JSON result line per call,
 * stop on SIGTERM. An integration's own test wrapper does the same around its real API client.
 */

export interface ContractConfig {
  readonly tokenUrl: string;
  /** Base URL of the API; calls go to `${apiUrl}/items`. */
  readonly apiUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Calls to make before exiting; 0 = until SIGTERM. */
  readonly calls: number;
  /** Pause between the end of one call and the start of the next. */
  readonly intervalMs: number;
  /** Reference client only: AUTH_SCOPE, AUTH_CLIENT_AUTH_METHOD (basic | body). */
  readonly scope?: string;
  readonly authMethod?: 'basic' | 'body';
}

export class ContractConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContractConfigError';
  }
}

export function contractConfig(env: NodeJS.ProcessEnv = process.env): ContractConfig {
  const need = (name: string) => {
    const value = env[name];
    if (!value) throw new ContractConfigError(`${name} is not set (the auth-ctk client harness sets it; see README "Certifying a client")`);
    return value;
  };
  const whole = (name: string, fallback: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw new ContractConfigError(`${name} must be a whole number >= 0, got "${raw}"`);
    return n;
  };
  const authMethod = env.AUTH_CLIENT_AUTH_METHOD;
  if (authMethod !== undefined && authMethod !== 'basic' && authMethod !== 'body') {
    throw new ContractConfigError(`AUTH_CLIENT_AUTH_METHOD must be "basic" or "body", got "${authMethod}"`);
  }
  return {
    tokenUrl: need('AUTH_TOKEN_URL'),
    apiUrl: need('AUTH_API_URL').replace(/\/+$/, ''),
    clientId: need('AUTH_CLIENT_ID'),
    clientSecret: need('AUTH_CLIENT_SECRET'),
    calls: whole('AUTH_CTK_CALLS', 0),
    intervalMs: whole('AUTH_CTK_INTERVAL_MS', 1_000),
    ...(env.AUTH_SCOPE ? { scope: env.AUTH_SCOPE } : {}),
    ...(authMethod ? { authMethod } : {}),
  };
}

export interface CallOutcome {
  readonly source: 'api' | 'cache' | 'error';
  /** HTTP status the application saw, when the API answered. */
  readonly status?: number;
}

/**
 * Calls `call` AUTH_CTK_CALLS times (or until SIGTERM), AUTH_CTK_INTERVAL_MS apart, printing
 * {"call":n,"source":...,"status":...} per call. A call still running at SIGTERM gets `stopGraceMs` to finish.
 */
export async function runCalls(
  config: ContractConfig,
  call: (n: number) => Promise<CallOutcome>,
  options: { print?: (line: string) => void; stopGraceMs?: number } = {},
): Promise<void> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  let stopping = false;
  let wake: (() => void) | undefined;
  const onSignal = () => {
    stopping = true;
    wake?.();
    // A call stuck waiting (Retry-After, a slow API) must not keep the process past the harness's grace.
    setTimeout(() => process.exit(0), options.stopGraceMs ?? 1_000).unref();
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  try {
    for (let n = 1; !stopping && (config.calls === 0 || n <= config.calls); n += 1) {
      let outcome: CallOutcome;
      try {
        outcome = await call(n);
      } catch {
        outcome = { source: 'error' };
      }
      print(JSON.stringify({ call: n, ...outcome }));
      if (stopping || (config.calls !== 0 && n >= config.calls)) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, config.intervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}
