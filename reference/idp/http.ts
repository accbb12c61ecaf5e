/** Small HTTP helpers for the parts of the IdP that answer before (or beside) oidc-provider. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Token endpoint bodies larger than this are refused with 413 (REQ-TOK-14: a 4xx, never a 5xx or a hang). */
export const MAX_TOKEN_BODY_BYTES = 64 * 1024;
/** Past this the rest of an oversized body is not drained any more: the connection is closed. */
const MAX_DRAIN_BYTES = 8 * 1024 * 1024;

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    pragma: 'no-cache',
    ...headers,
  });
  res.end(text);
}

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
  });
  res.end(html);
}

export type BodyResult = { readonly ok: true; readonly body: Buffer } | { readonly ok: false; readonly tooLarge: true };

/**
 * Reads a request body up to `limit` bytes. An oversized body is drained (up to a cap) before the caller answers,
 * so the client reliably reads the 413 instead of a reset connection.
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  const chunks: Buffer[] = [];
  let received = 0;
  let tooLarge = Number.isFinite(declared) && declared > limit;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    received += chunk.length;
    if (received > limit) tooLarge = true;
    if (tooLarge) {
      if (received > MAX_DRAIN_BYTES) {
        req.socket.destroy();
        break;
      }
      continue;
    }
    chunks.push(chunk);
  }
  return tooLarge ? { ok: false, tooLarge: true } : { ok: true, body: Buffer.concat(chunks) };
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function bearerToken(req: IncomingMessage): string | undefined {
  const match = /^bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}
