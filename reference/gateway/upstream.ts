/**
 * Passing an admitted request on to the component: same method, path and body; the caller's credentials
 * and any identity header it tried to set removed; the gateway's identity header added (seed 000).
 */
import { request, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { GATEWAY_PROOF_HEADER, IDENTITY_HEADER } from './identity.ts';
import { sendJson } from './challenge.ts';

/** RFC 9110 §7.6.1: connection-specific headers are not forwarded by a proxy. */
const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer',
  'transfer-encoding', 'upgrade', 'host', 'content-length',
]);

export interface ForwardOptions {
  readonly upstream: string;
  /** base64url identity for IDENTITY_HEADER, or undefined to send none (fault forward-no-identity). */
  readonly identityHeader?: string;
  /** Keep the caller's Authorization header (config forwardToken, or fault forward-raw-token). */
  readonly keepAuthorization: boolean;
  /** Keep an X-Auth-Identity the caller sent instead of the gateway's (fault accept-spoofed-identity). */
  readonly keepCallerIdentity: boolean;
  /**
   * Fault identity-header-duplicate-passes: a caller's identity header sent more than once (two copies, any letter
   * case) is not stripped; its copies go on before the gateway's own, and the component reads the first.
   */
  readonly keepDuplicatedCallerIdentity?: boolean;
  /** The gateway's secret for the component (x-auth-gateway), when the stack has one. */
  readonly componentSecret?: string;
  readonly timeoutMs: number;
}

/** The forwarded path: the caller's, minus any access_token query parameter (a token never reaches the component). */
export function upstreamPath(url: URL): string {
  const query = new URLSearchParams(url.search);
  query.delete('access_token');
  const search = query.toString();
  return `${url.pathname}${search ? `?${search}` : ''}`;
}

function forwardedHeaders(req: IncomingMessage, body: Buffer, options: ForwardOptions): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (!values || HOP_BY_HOP.has(name)) continue;
    if (name === 'authorization' && !options.keepAuthorization) continue;
    // Spoofing guard: only the gateway speaks for the caller's identity.
    if (name === IDENTITY_HEADER && !options.keepCallerIdentity) continue;
    // Only the gateway vouches for a request to the component (REQ-CANVAS-01): a caller's copy never goes on.
    if (name === GATEWAY_PROOF_HEADER) continue;
    headers[name] = values.length === 1 ? values[0] : values;
  }
  const callerCopies = req.headersDistinct[IDENTITY_HEADER] ?? [];
  const callerIdentity = options.keepCallerIdentity ? callerCopies[0] : undefined;
  if (callerIdentity) headers[IDENTITY_HEADER] = callerIdentity;
  else if (options.identityHeader) {
    headers[IDENTITY_HEADER] = options.keepDuplicatedCallerIdentity && callerCopies.length > 1 ? [...callerCopies, options.identityHeader] : options.identityHeader;
  }
  if (options.componentSecret) headers[GATEWAY_PROOF_HEADER] = options.componentSecret;
  headers['content-length'] = String(body.length);
  const forwardedFor = req.socket.remoteAddress;
  if (forwardedFor) headers['x-forwarded-for'] = forwardedFor;
  if (req.headers.host) headers['x-forwarded-host'] = req.headers.host;
  headers['x-forwarded-proto'] = 'http';
  return headers;
}

export function forward(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer, options: ForwardOptions): void {
  const target = new URL(upstreamPath(url), options.upstream);
  const upstreamReq = request(target, {
    method: req.method,
    headers: forwardedHeaders(req, body, options),
    timeout: options.timeoutMs,
  });
  upstreamReq.on('response', (upstreamRes) => {
    const headers: OutgoingHttpHeaders = {};
    for (const [name, values] of Object.entries(upstreamRes.headersDistinct)) {
      if (values && (!HOP_BY_HOP.has(name) || name === 'content-length')) headers[name] = values.length === 1 ? values[0] : values;
    }
    res.writeHead(upstreamRes.statusCode ?? 502, headers);
    upstreamRes.pipe(res);
  });
  upstreamReq.on('timeout', () => upstreamReq.destroy(new Error('upstream timeout')));
  upstreamReq.on('error', (error) => {
    if (res.headersSent) return void res.destroy();
    const timedOut = error.message === 'upstream timeout';
    sendJson(res, timedOut ? 504 : 502, { message: timedOut ? 'the component did not answer in time' : 'the component is unreachable' });
  });
  upstreamReq.end(body);
}
