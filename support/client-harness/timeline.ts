/**
 * What the harness saw during one run of a client under test: every request the client made to the harness's
 * IdP, API and foreign host, every line it printed, and what the harness itself did (outage, signals, exit).
 * Times are milliseconds since the run started (monotonic clock). Judges read this; evidence is a redacted
 * rendering of it: issued tokens become labels (token#1), the secret becomes [REDACTED].
 */
import { redact } from '../http/redact.ts';
import type { ResultLine } from './contract.ts';

export type HarnessServer = 'idp' | 'api' | 'foreign';

export interface IssuedToken {
  /** token#1, token#2, ... in issue order: what evidence shows instead of the value. */
  readonly label: string;
  readonly value: string;
  /** When the harness sent the token response. */
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly ttlMs: number;
}

export interface RecordedResponse {
  readonly at: number;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** The token issued by this response (IdP, 200). */
  readonly issued?: IssuedToken;
  /** Why the harness answered this way: "scripted 429", "expired token", ... */
  readonly note?: string;
}

export interface RecordedRequest {
  readonly kind: 'request';
  readonly seq: number;
  readonly at: number;
  readonly server: HarnessServer;
  /** Per-server count, 1-based: API request #2. */
  readonly n: number;
  readonly method: string;
  /** Path and query as received. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** The bearer token the request carried (Authorization header or access_token parameter). */
  readonly bearer?: string;
  response?: RecordedResponse;
  /** The harness closed the connection without an answer (IdP outage). */
  dropped?: boolean;
}

export type TimelineEvent =
  | RecordedRequest
  | { readonly kind: 'result'; readonly seq: number; readonly at: number; readonly line: ResultLine }
  | { readonly kind: 'output'; readonly seq: number; readonly at: number; readonly stream: 'stdout' | 'stderr'; readonly text: string }
  | { readonly kind: 'harness'; readonly seq: number; readonly at: number; readonly text: string }
  /** A TCP connection the harness reset on accept (seed 001's IP block): an attempt that never became a request. */
  | RefusedConnection;

export interface RefusedConnection {
  readonly kind: 'connection';
  readonly seq: number;
  readonly at: number;
  readonly server: 'idp' | 'api';
}

export interface ClientExit {
  readonly at: number;
  readonly code: number | null;
  readonly signal: string | null;
  /** The harness had to SIGKILL the process group (the client outlived SIGTERM by the grace period). */
  readonly killed: boolean;
  /** The command could not be started at all (ENOENT, EACCES). */
  readonly spawnError?: string;
}

export class Timeline {
  readonly events: TimelineEvent[] = [];
  readonly tokens: IssuedToken[] = [];
  private readonly t0 = performance.now();
  private seq = 0;
  private readonly perServer: Record<HarnessServer, number> = { idp: 0, api: 0, foreign: 0 };
  private readonly listeners: (() => void)[] = [];
  /** Caps, so a client that floods stdout cannot exhaust memory. */
  static readonly MAX_OUTPUT_EVENTS = 500;
  private outputEvents = 0;

  now(): number {
    return Math.round((performance.now() - this.t0) * 10) / 10;
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  private push(event: TimelineEvent): void {
    this.events.push(event);
    for (const l of this.listeners) l();
  }

  request(server: HarnessServer, fields: Omit<RecordedRequest, 'kind' | 'seq' | 'at' | 'server' | 'n'>): RecordedRequest {
    this.perServer[server] += 1;
    const event: RecordedRequest = { kind: 'request', seq: ++this.seq, at: this.now(), server, n: this.perServer[server], ...fields };
    this.push(event);
    return event;
  }

  /** Marks a request answered; listeners run again (judges may wait for answers). */
  answered(request: RecordedRequest, response: Omit<RecordedResponse, 'at'>): void {
    request.response = { at: this.now(), ...response };
    if (response.issued) this.tokens.push(response.issued);
    for (const l of this.listeners) l();
  }

  dropped(request: RecordedRequest): void {
    request.dropped = true;
    for (const l of this.listeners) l();
  }

  result(line: ResultLine): void {
    this.push({ kind: 'result', seq: ++this.seq, at: this.now(), line });
  }

  output(stream: 'stdout' | 'stderr', text: string): void {
    if (++this.outputEvents > Timeline.MAX_OUTPUT_EVENTS) return;
    this.push({ kind: 'output', seq: ++this.seq, at: this.now(), stream, text: text.slice(0, 500) });
  }

  harness(text: string): void {
    this.push({ kind: 'harness', seq: ++this.seq, at: this.now(), text });
  }

  refusedConnection(server: 'idp' | 'api'): void {
    this.push({ kind: 'connection', seq: ++this.seq, at: this.now(), server });
  }

  /** Connections reset on accept, to one server or all. */
  refusedConnections(server?: 'idp' | 'api'): RefusedConnection[] {
    return this.events.filter((e): e is RefusedConnection => e.kind === 'connection' && (server === undefined || e.server === server));
  }

  requests(server?: HarnessServer): RecordedRequest[] {
    return this.events.filter((e): e is RecordedRequest => e.kind === 'request' && (server === undefined || e.server === server));
  }

  results(): { at: number; line: ResultLine }[] {
    return this.events.filter((e) => e.kind === 'result').map((e) => ({ at: e.at, line: (e as { line: ResultLine }).line }));
  }

  tokenByValue(value: string | undefined): IssuedToken | undefined {
    return value === undefined ? undefined : this.tokens.find((t) => t.value === value);
  }
}

/** Redacts one piece of recorded text: issued tokens become their labels, the secret [REDACTED]. */
export function redactorFor(timeline: Timeline, secret: string): (text: string) => string {
  return (text: string) => {
    let out = text;
    for (const t of timeline.tokens) out = out.split(t.value).join(t.label);
    for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join('[REDACTED]');
    return redact(out);
  };
}

const ms = (at: number) => `+${Math.round(at).toString().padStart(5)} ms`;

/** One readable, redacted line per event: the evidence a verdict carries. */
export function describeEvent(event: TimelineEvent, timeline: Timeline, secret: string): string {
  const clean = redactorFor(timeline, secret);
  switch (event.kind) {
    case 'request': {
      const auth = event.headers.authorization;
      const parts = [`${ms(event.at)} ${event.server.padEnd(7)} #${event.n} ${event.method} ${clean(event.url)}`];
      if (auth !== undefined) parts.push(`authorization: ${describeAuthorization(auth, timeline, secret)}`);
      else if (event.bearer) parts.push(`token: ${timeline.tokenByValue(event.bearer)?.label ?? 'unknown token'}`);
      if (event.body) parts.push(`body: ${clean(redactFormSecrets(event.body)).slice(0, 160)}`);
      if (event.dropped) parts.push(`-> connection closed by the harness (${event.server === 'idp' ? 'IdP' : 'API'} down)`);
      else if (event.response) {
        const r = event.response;
        const extra = r.issued ? ` ${r.issued.label} (expires_in ${r.issued.ttlMs / 1000} s)` : '';
        const www = r.headers['www-authenticate'] ? ` WWW-Authenticate: ${r.headers['www-authenticate']}` : '';
        const retry = r.headers['retry-after'] ? ` Retry-After: ${r.headers['retry-after']}` : '';
        const loc = r.headers.location ? ` Location: ${r.headers.location}` : '';
        parts.push(`-> ${r.status}${extra}${www}${retry}${loc}${r.note ? ` (${r.note})` : ''}`);
      } else parts.push('-> (no answer yet)');
      return parts.join('  ');
    }
    case 'result':
      return `${ms(event.at)} client  result ${JSON.stringify(event.line)}`;
    case 'output':
      return `${ms(event.at)} client  ${event.stream}: ${clean(event.text)}`;
    case 'harness':
      return `${ms(event.at)} harness ${event.text}`;
    case 'connection':
      return `${ms(event.at)} ${event.server.padEnd(7)} connection reset on accept (IP blocked)`;
  }
}

function redactFormSecrets(body: string): string {
  return body.replace(/(^|&)(client_secret|access_token)=([^&]*)/gi, (_all, sep: string, key: string) => `${sep}${key}=[REDACTED]`);
}

/** Authorization header for evidence: scheme, and for Basic the client id with the password masked. */
export function describeAuthorization(value: string, timeline: Timeline, secret: string): string {
  const [scheme = '', ...rest] = value.trim().split(/\s+/);
  const credentials = rest.join(' ');
  if (/^basic$/i.test(scheme)) {
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = colon >= 0 ? decoded.slice(0, colon) : decoded;
    const password = colon >= 0 ? decoded.slice(colon + 1) : '';
    const matches = password === secret || safeDecode(password) === secret;
    return `Basic ${redactorFor(timeline, secret)(user)}:${matches ? '[the client secret]' : '[another password]'}`;
  }
  if (/^bearer$/i.test(scheme)) return `Bearer ${timeline.tokenByValue(credentials)?.label ?? '[an unknown token]'}`;
  return `${scheme} [REDACTED]`;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** The whole run as redacted evidence lines. */
export function evidenceLines(timeline: Timeline, secret: string): string[] {
  return timeline.events.map((e) => describeEvent(e, timeline, secret));
}
