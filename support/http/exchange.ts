/**
 * One HTTP exchange with the system under test, as evidence: what was sent and what came back, or which
 * transport error happened instead. The kit never throws on an HTTP status; transport errors are data too,
 * because "connection reset" is an observable behaviour (seed 001: a blocked IP sees connection errors).
 */
import { createHash } from 'node:crypto';
import { Agent, request as undiciRequest, errors as undiciErrors, type Dispatcher } from 'undici';
import { redactBody, redactHeaderValue, redact } from './redact.ts';

export interface HttpRequest {
  readonly method: string;
  readonly url: string;
  readonly headers?: Readonly<Record<string, string | string[]>>;
  readonly body?: string | Buffer;
  /** Loopback source address to send from (127.0.0.x), to act as a distinct client IP. */
  readonly sourceAddress?: string;
  readonly timeoutMs?: number;
}

export interface HttpResponse {
  readonly status: number;
  /** Header names lower-cased; repeated headers joined with ", " except set-cookie / www-authenticate kept as list. */
  readonly headers: Readonly<Record<string, string>>;
  readonly rawHeaders: readonly (readonly [string, string])[];
  readonly body: string;
}

export interface Exchange {
  readonly request: HttpRequest;
  readonly response?: HttpResponse;
  /** Set when no HTTP answer came: ECONNRESET, ECONNREFUSED, UND_ERR_HEADERS_TIMEOUT, ... */
  readonly transportError?: { readonly code: string; readonly message: string };
  readonly startedAt: number;
  readonly durationMs: number;
}

const agents = new Map<string, Agent>();

/** TLS material a connection presents or trusts: a client certificate (RFC 8705) and a private CA. */
export interface ConnectionTls {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
}

const fingerprint = (pem: string | undefined): string => (pem ? createHash('sha256').update(pem).digest('base64url').slice(0, 16) : '-');

/**
 * One connection pool per source address, timeout and TLS material: a request from another address, or presenting
 * another client certificate, never rides on a connection opened for the last one.
 */
export function pooledAgent(options: { readonly sourceAddress?: string; readonly timeoutMs: number; readonly tls?: ConnectionTls }): Agent {
  const { sourceAddress, timeoutMs, tls } = options;
  const key = `${sourceAddress ?? 'default'}|${timeoutMs}|${fingerprint(tls?.ca)}|${fingerprint(tls?.cert)}`;
  let agent = agents.get(key);
  if (!agent) {
    agent = new Agent({
      // undici takes the source address from the client option: a `connect.localAddress` is overridden by it.
      ...(sourceAddress ? { localAddress: sourceAddress } : {}),
      connect: { timeout: timeoutMs, ...(tls?.ca ? { ca: tls.ca } : {}), ...(tls?.cert && tls.key ? { cert: tls.cert, key: tls.key } : {}) },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      keepAliveTimeout: 1_000,
      pipelining: 1,
    });
    agents.set(key, agent);
  }
  return agent;
}

/** Closes pooled connections (end of run), so no socket keeps the process alive. */
export async function closeConnections(): Promise<void> {
  const all = [...agents.values()];
  agents.clear();
  await Promise.all(all.map((a) => a.destroy().catch(() => undefined)));
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** Bodies larger than this are cut in evidence (the full body is still read and returned). */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

/** `dispatcher`: a connection pool of the caller's own (mutual TLS: the client certificate, RFC 8705), else the kit's. */
export async function send(req: HttpRequest, dispatcher?: Dispatcher): Promise<Exchange> {
  const startedAt = Date.now();
  const timeoutMs = req.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  try {
    const res = await undiciRequest(req.url, {
      method: req.method as 'GET',
      headers: req.headers as Record<string, string>,
      body: req.body,
      dispatcher: dispatcher ?? pooledAgent({ sourceAddress: req.sourceAddress, timeoutMs }),
      signal: AbortSignal.timeout(timeoutMs + 1_000),
    });
    const rawHeaders: [string, string][] = [];
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(res.headers)) {
      const lower = name.toLowerCase();
      const values = Array.isArray(value) ? value : value === undefined ? [] : [String(value)];
      for (const v of values) rawHeaders.push([lower, v]);
      headers[lower] = values.join(', ');
    }
    const buf = Buffer.from(await res.body.arrayBuffer());
    return {
      request: req,
      response: { status: res.statusCode, headers, rawHeaders, body: buf.subarray(0, MAX_BODY_BYTES).toString('utf8') },
      startedAt,
      durationMs: Date.now() - startedAt,
    };
  } catch (error) {
    return { request: req, transportError: describeTransportError(error), startedAt, durationMs: Date.now() - startedAt };
  }
}

function describeTransportError(error: unknown): { code: string; message: string } {
  const err = error as { code?: string; name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError || err.name === 'TimeoutError') {
    return { code: 'TIMEOUT', message: 'no answer within the request timeout' };
  }
  const code = err.code ?? err.cause?.code ?? err.name ?? 'ERROR';
  return { code, message: err.message ?? err.cause?.message ?? String(error) };
}

/** Parses a JSON body, or returns undefined: real targets answer with HTML error pages and empty bodies. */
export function jsonOf(exchange: Exchange): Record<string, unknown> | undefined {
  const body = exchange.response?.body;
  if (!body) return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The form parameters a recorded request sent in its body (a token request's), or undefined without a body. */
export function formOf(request: HttpRequest): URLSearchParams | undefined {
  const body = request.body;
  return body === undefined ? undefined : new URLSearchParams(typeof body === 'string' ? body : body.toString('utf8'));
}

/** A recorded request's Authorization header (header names are matched case-insensitively), or undefined. */
export function authorizationOf(request: HttpRequest): string | undefined {
  const value = Object.entries(request.headers ?? {}).find(([name]) => name.toLowerCase() === 'authorization')?.[1];
  return typeof value === 'string' ? value : undefined;
}

/** A one-line, redacted summary of what came back: for assertion messages. */
export function describeOutcome(exchange: Exchange): string {
  if (exchange.transportError) return `no HTTP answer (${exchange.transportError.code}) after ${exchange.durationMs} ms`;
  const res = exchange.response!;
  const parts = [`HTTP ${res.status}`];
  const www = res.headers['www-authenticate'];
  if (www !== undefined) parts.push(`WWW-Authenticate: ${redact(www)}`);
  const json = jsonOf(exchange);
  if (json?.error !== undefined) parts.push(`error=${JSON.stringify(json.error)}`);
  else if (res.body && !json) parts.push(`body: ${JSON.stringify(redact(res.body.slice(0, 80)))}`);
  return parts.join(', ');
}

/** The evidence record of an exchange, fit for a report: redacted headers and bodies. */
export function evidenceOf(exchange: Exchange): Record<string, unknown> {
  const req = exchange.request;
  const reqHeaders = Object.fromEntries(
    Object.entries(req.headers ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v.map((x) => redactHeaderValue(k, x)) : redactHeaderValue(k, v)]),
  );
  const contentType = String(Object.entries(req.headers ?? {}).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '');
  return {
    request: {
      method: req.method,
      url: redact(redactUrl(req.url)),
      headers: reqHeaders,
      ...(req.body !== undefined ? { body: redactBody(req.body.toString().slice(0, 4096), contentType) } : {}),
      ...(req.sourceAddress ? { sourceAddress: req.sourceAddress } : {}),
    },
    ...(exchange.response
      ? {
          response: {
            status: exchange.response.status,
            headers: Object.fromEntries(exchange.response.rawHeaders.map(([k, v]) => [k, redactHeaderValue(k, v)])),
            body: redactBody(exchange.response.body.slice(0, 4096), exchange.response.headers['content-type']),
          },
        }
      : { transportError: exchange.transportError }),
    durationMs: exchange.durationMs,
  };
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    for (const key of [...u.searchParams.keys()]) {
      if (/token|secret|password|code/i.test(key)) u.searchParams.set(key, '[REDACTED]');
    }
    return u.toString();
  } catch {
    return url;
  }
}
