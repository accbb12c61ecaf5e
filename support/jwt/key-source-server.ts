/**
 * The kit's own key source: a small HTTP server on the loopback that serves, at a fresh path per forged token, the
 * JWK Set a `jku` header names or the certificate an `x5u` header names (RFC 7515 §4.1.2, §4.1.5), and counts who
 * fetched it. A gateway must verify with the keys its authorization server provides (RFC 9068 §4), never with keys
 * a token points to; fetching such a URL at all is the server-side request forgery RFC 8725 §3.10 warns of. The count
 * goes into the diagnosis: "refused, but it fetched the URL" and "accepted after fetching it" read differently.
 *
 * Bound to 127.0.0.1: a gateway in a container or on another host cannot reach it, so "not fetched" says nothing
 * about such a gateway (it still refuses a token whose key it cannot get, which is all the check asks).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Served {
  readonly body: string;
  readonly contentType: string;
  fetches: number;
}

export interface ServedKeySource {
  /** Where the document is served: http://127.0.0.1:<port>/ctk-key-source/<random>/<file>. */
  readonly url: string;
  /** How many requests asked for it so far. */
  fetches(): number;
}

const documents = new Map<string, Served>();
let listening: Promise<string> | undefined;

function start(): Promise<string> {
  listening ??= new Promise<string>((resolve, reject) => {
    const server: Server = createServer((req, res) => {
      const served = documents.get((req.url ?? '').split('?')[0]!);
      if (!served) {
        res.writeHead(404).end();
        return;
      }
      served.fetches++;
      res.writeHead(200, { 'content-type': served.contentType, 'cache-control': 'no-store' }).end(served.body);
    });
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      // Never the reason a run stays alive.
      server.unref();
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    });
  });
  return listening;
}

/** Serves `body` at a path nobody else knows, for one forged token. */
export async function serveKeySource(file: string, body: string, contentType: string): Promise<ServedKeySource> {
  const base = await start();
  const path = `/ctk-key-source/${randomBytes(8).toString('hex')}/${file}`;
  const served: Served = { body, contentType, fetches: 0 };
  documents.set(path, served);
  return { url: `${base}${path}`, fetches: () => served.fetches };
}
