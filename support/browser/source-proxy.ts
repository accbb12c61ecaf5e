/**
 * A forward proxy on loopback that opens every upstream connection FROM a chosen source address (127.0.0.x).
 *
 * Why: seed 001 blocks an IP after repeated failed logins. Chromium has no flag to bind its sockets to a source
 * address, so without this every browser login would come from 127.0.0.1 — the address every other scenario
 * uses — and a failed-login scenario could block the rest of the run. Routed through this proxy, a browser
 * context's traffic reaches the IdP from its own address, exactly like a second user's machine.
 *
 * It forwards plain HTTP (absolute-form request targets) and tunnels HTTPS (CONNECT). It adds no
 * X-Forwarded-For or Via header: the target must see the source address, not a claim about it.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';

const HOP_BY_HOP = new Set(['proxy-connection', 'proxy-authorization', 'connection', 'keep-alive', 'te', 'trailer', 'upgrade']);

export class SourceAddressProxy {
  readonly sourceAddress: string;
  readonly url: string;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  private constructor(server: Server, sourceAddress: string, url: string) {
    this.server = server;
    this.sourceAddress = sourceAddress;
    this.url = url;
  }

  static async start(sourceAddress: string): Promise<SourceAddressProxy> {
    const server = createServer((req, res) => forward(req, res, sourceAddress));
    server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => tunnel(req, client, head, sourceAddress));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('proxy is not listening on TCP');
    const proxy = new SourceAddressProxy(server, sourceAddress, `http://127.0.0.1:${address.port}`);
    server.on('connection', (socket: Socket) => {
      proxy.sockets.add(socket);
      socket.once('close', () => proxy.sockets.delete(socket));
    });
    return proxy;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function forward(req: IncomingMessage, res: ServerResponse, localAddress: string): void {
  let target: URL;
  try {
    target = new URL(req.url ?? '');
  } catch {
    res.writeHead(400).end('absolute-form request target expected');
    return;
  }
  if (target.protocol !== 'http:') {
    res.writeHead(400).end('only http:// is forwarded; https goes through CONNECT');
    return;
  }
  const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase())));
  const upstream = httpRequest(
    { host: target.hostname, port: target.port || 80, path: `${target.pathname}${target.search}`, method: req.method, headers, localAddress },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
      answer.pipe(res);
    },
  );
  upstream.on('error', (error: NodeJS.ErrnoException) => {
    // What the browser sees when the target drops the connection (seed 001: a blocked IP sees connection errors).
    if (!res.headersSent) res.writeHead(502, { 'x-auth-ctk-proxy-error': error.code ?? 'ERROR' });
    res.end();
  });
  req.pipe(upstream);
}

function tunnel(req: IncomingMessage, client: Socket, head: Buffer, localAddress: string): void {
  const [host, port] = (req.url ?? '').split(':');
  const upstream = connect({ host: host!, port: Number(port || 443), localAddress }, () => {
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length) upstream.write(head);
    upstream.pipe(client);
    client.pipe(upstream);
  });
  upstream.on('error', () => client.destroy());
  client.on('error', () => upstream.destroy());
}
