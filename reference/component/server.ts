/**
 * The reference component: a small product-catalog and orders API that trusts one thing, the gateway's
 * identity header (seed 000). It never sees or checks tokens; it decides what an identity may see
 * (seed 003: a system user sees every customer, a human only its own customer).
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { RouteSet, TestUser } from '../../support/target/target.ts';
import { decodeIdentity, GATEWAY_PROOF_HEADER, IDENTITY_HEADER, IdentityHeaderError, type ForwardedIdentity } from '../gateway/identity.ts';
import { ordersByCustomer, SEED_PRODUCTS, type StockedProduct } from './data.ts';

export interface ComponentOptions {
  readonly routes: RouteSet;
  readonly users: readonly TestUser[];
  readonly faults: ReadonlySet<string>;
  readonly log?: (line: string) => void;
  /**
   * The secret the gateway sends in x-auth-gateway: set, the component serves only requests that carry it, so a
   * caller who reaches its port directly is refused (REQ-CANVAS-01). Unset (unit tests), every request is served.
   */
  readonly gatewaySecret?: string;
}

/** Whether the request came through the gateway: it carries the gateway's secret (compared in constant time). */
function fromGateway(req: IncomingMessage, secret: string): boolean {
  const presented = req.headersDistinct[GATEWAY_PROOF_HEADER];
  if (presented?.length !== 1) return false;
  const a = Buffer.from(presented[0]!);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Products created through POST stay in memory; capped so a long kit run cannot grow the process without bound. */
const MAX_CREATED_PRODUCTS = 1_000;
const MAX_BODY_BYTES = 64 * 1024;

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), 'cache-control': 'no-store', ...headers });
  res.end(payload);
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) return reject(new SyntaxError('body too large'));
      try {
        resolve(size === 0 ? undefined : JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch (error) {
        reject(error);
      }
    });
    req.on('error', reject);
  });
}

function templatePattern(template: string): RegExp {
  const parts = template.split(/(\{[^}]+\})/).map((part) =>
    /^\{[^}]+\}$/.test(part) ? '([^/]+)' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
  );
  return new RegExp(`^${parts.join('')}$`);
}

export function createComponentServer(options: ComponentOptions): Server {
  const { routes, faults } = options;
  const orders = ordersByCustomer(options.users);
  const products: StockedProduct[] = [...SEED_PRODUCTS];
  const customerData = routes.customerData ? templatePattern(routes.customerData) : undefined;
  const customerWrite = routes.customerWrite ? { method: routes.customerWrite.method.toUpperCase(), pattern: templatePattern(routes.customerWrite.path) } : undefined;
  const customerDelete = routes.customerDelete ? templatePattern(routes.customerDelete.path.replace('{customerId}', '{c}').replace('{recordId}', '{r}')) : undefined;
  const customerFirst = routes.customerDelete ? routes.customerDelete.path.indexOf('{customerId}') < routes.customerDelete.path.indexOf('{recordId}') : true;
  /**
   * Issue 22: each customer's disposable records (seed 003 for deletes): the one the fixture names, per customer, so
   * REQ-ID-15 has something another customer must not delete. Deleted ones stay deleted for the process's life.
   */
  const disposable = new Map<string, Set<string>>(
    routes.customerDelete ? options.users.map((u) => [u.customerId, new Set([routes.customerDelete!.recordId])]) : [],
  );
  /** Notes written per customer: only counted, so a long run cannot grow the component's memory. */
  const notesWritten = new Map<string, number>();
  const log = options.log ?? (() => undefined);
  let created = 0;

  /** Customer data depends on who asks: without the gateway's identity there is no answer. */
  const noIdentity = (res: ServerResponse) =>
    sendJson(res, 403, { error: 'no_identity', message: `this component only serves requests that carry the gateway's ${IDENTITY_HEADER} header` });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://component.invalid');
    const path = url.pathname;
    const method = req.method ?? 'GET';

    // Seed 000: callers reach the component through the gateway, which vouches for the identity header; a request
    // that did not come through it is refused, whatever identity it claims. Fault component-trusts-direct-calls
    // serves it (the identity header is then whatever the caller wrote).
    if (options.gatewaySecret !== undefined && !faults.has('component-trusts-direct-calls') && !fromGateway(req, options.gatewaySecret)) {
      return sendJson(res, 403, { error: 'not_from_gateway', message: 'this component serves requests that come through the API gateway only' });
    }

    let identity: ForwardedIdentity | null = null;
    const header = req.headersDistinct[IDENTITY_HEADER];
    if (header) {
      try {
        identity = decodeIdentity(header[0]!);
      } catch (error) {
        if (!(error instanceof IdentityHeaderError)) throw error;
        return sendJson(res, 400, { error: 'invalid_identity', message: error.message });
      }
    }

    // Public catalog: anyone, anonymous included (seed 004: public resources stay reachable). It says who
    // it served, so an anonymous fallback can be observed.
    if (method === 'GET' && path === routes.public) {
      // Fault public-route-500 (REQ-ANON-01): the public catalog's backend is broken, whoever calls.
      if (faults.has('public-route-500')) return sendJson(res, 500, { error: 'internal', message: 'internal error' });
      const list = products.map(({ id, name, price, currency }) => ({ id, name, price, currency }));
      return sendJson(res, 200, { products: list, servedTo: identity });
    }

    // Identity echo: exactly what arrived, and whether a raw Authorization header came along (seed 000: the
    // gateway passes identity, not the caller's token).
    if (method === 'GET' && path === routes.identityEcho) {
      return sendJson(res, 200, { identity, authorizationHeaderReceived: req.headersDistinct.authorization !== undefined });
    }

    // Catalog with stock, and adding products: who may is the gateway's decision (route scope, RFC 6750
    // §3.1); the catalog does not depend on who asks, so it does not need the identity header.
    if (method === 'GET' && path === routes.protected) {
      return sendJson(res, 200, { products });
    }

    if (method === routes.scoped.method.toUpperCase() && path === routes.scoped.path) {
      let input: unknown;
      try {
        input = await readJson(req);
      } catch {
        return sendJson(res, 400, { error: 'invalid_body', message: 'the body must be a JSON object of at most 64 KiB' });
      }
      const candidate = (input ?? {}) as Record<string, unknown>;
      const name = typeof candidate.name === 'string' && candidate.name.trim() ? candidate.name.trim() : `product ${created + 1}`;
      const price = typeof candidate.price === 'number' && candidate.price >= 0 ? candidate.price : 0;
      const product: StockedProduct = { id: `prod-new-${++created}`, name, price, currency: 'EUR', stock: 0 };
      products.push(product);
      if (products.length > SEED_PRODUCTS.length + MAX_CREATED_PRODUCTS) products.splice(SEED_PRODUCTS.length, 1);
      return sendJson(res, 201, { product, createdBy: identity?.sub ?? null }, { location: `${routes.scoped.path}/${product.id}` });
    }

    const writeMatch = customerWrite && method === customerWrite.method ? customerWrite.pattern.exec(path) : null;
    if (writeMatch) {
      const customerId = decodeURIComponent(writeMatch[1]!);
      if (!identity) return noIdentity(res);
      if (identity.kind === 'anonymous') return sendJson(res, 403, { error: 'forbidden', message: 'anonymous callers may not write customer data' });
      // Seed 003: a human ("darf nur das, was der hinterlegte Kunde darf") writes only its own customer's data; the
      // system ("darf alles") any. Fault human-writes-any-customer lets a human write another customer's data.
      if (identity.kind === 'human' && identity.customer_id !== customerId && !faults.has('human-writes-any-customer')) {
        return sendJson(res, 403, { error: 'forbidden', message: 'a customer may write only its own data' });
      }
      if (!orders.has(customerId)) return sendJson(res, 404, { error: 'not_found', message: 'no such customer' });
      try {
        await readJson(req);
      } catch {
        return sendJson(res, 400, { error: 'invalid_body', message: 'the body must be a JSON object of at most 64 KiB' });
      }
      const count = (notesWritten.get(customerId) ?? 0) + 1;
      notesWritten.set(customerId, count);
      return sendJson(res, 201, { customerId, noteId: `note-${count}`, writtenBy: identity.sub ?? null });
    }

    // Issue 22: one disposable record of a customer, read (GET) and deleted (DELETE) on the same path.
    const recordMatch = customerDelete && (method === 'GET' || method === 'DELETE') ? customerDelete.exec(path) : null;
    if (recordMatch) {
      const [customerId, recordId] = (customerFirst ? [recordMatch[1]!, recordMatch[2]!] : [recordMatch[2]!, recordMatch[1]!]).map(decodeURIComponent) as [string, string];
      if (!identity) return noIdentity(res);
      if (identity.kind === 'anonymous') return sendJson(res, 403, { error: 'forbidden', message: 'anonymous callers may not touch customer data' });
      // Seed 003: a human deletes (and reads) only its own customer's records; the system ("darf alles") any. Fault
      // human-deletes-any-customer lets a human delete another customer's record (reads stay scoped).
      const ownCustomer = identity.kind !== 'human' || identity.customer_id === customerId;
      if (!ownCustomer && !(method === 'DELETE' && faults.has('human-deletes-any-customer'))) {
        return sendJson(res, 403, { error: 'forbidden', message: 'a customer may touch only its own data' });
      }
      const records = disposable.get(customerId);
      if (!records?.has(recordId)) return sendJson(res, 404, { error: 'not_found', message: 'no such record' });
      if (method === 'GET') return sendJson(res, 200, { customerId, recordId, disposable: true });
      records.delete(recordId);
      res.writeHead(204, { 'cache-control': 'no-store' });
      return void res.end();
    }

    const customerMatch = method === 'GET' && customerData ? customerData.exec(path) : null;
    if (customerMatch) {
      const customerId = decodeURIComponent(customerMatch[1]!);
      if (!identity) return noIdentity(res);
      // Seed 004: an anonymous-equivalent identity reaches public resources only.
      if (identity.kind === 'anonymous') {
        return sendJson(res, 403, { error: 'forbidden', message: 'anonymous callers may not read customer data' });
      }
      // Seed 003: a human token ("darf nur das, was der hinterlegte Kunde darf") sees only its own customer;
      // the check comes before the lookup so a human cannot probe which customers exist.
      // Fault no-client-id-reads-every-customer (a gateway fault the component shares): a human without client_id is read as
      // a back-office caller and sees every customer (REQ-ID-14).
      const unscoped = faults.has('no-client-id-reads-every-customer') && identity.client_id === null;
      if (identity.kind === 'human' && identity.customer_id !== customerId && !faults.has('human-sees-all-customers') && !unscoped) {
        return sendJson(res, 403, { error: 'forbidden', message: 'a customer may read only its own orders' });
      }
      // Fault customer-data-refused-to-humans: a human is refused even its own customer's orders, so a refusal of
      // another customer's proves nothing by itself (REQ-ID-04's positive control).
      if (identity.kind === 'human' && faults.has('customer-data-refused-to-humans')) {
        return sendJson(res, 403, { error: 'forbidden', message: 'a customer may read only its own orders' });
      }
      // Seed 003: a client-credentials token ("darf alles") sees every customer.
      if (identity.kind === 'system' && faults.has('system-denied-customer-data')) {
        return sendJson(res, 403, { error: 'forbidden', message: 'a customer may read only its own orders' });
      }
      const found = orders.get(customerId);
      if (!found) return sendJson(res, 404, { error: 'not_found', message: 'no such customer' });
      return sendJson(res, 200, { customerId, orders: found });
    }

    return sendJson(res, 404, { error: 'not_found', message: `no route ${method} ${path}` });
  }

  return createServer((req, res) => {
    handle(req, res).then(
      () => log(`component ${req.method} ${req.url?.split('?')[0]} -> ${res.statusCode}`),
      (error: unknown) => {
        console.error('component: unexpected error', error instanceof Error ? error.message : error);
        if (!res.headersSent) sendJson(res, 500, { error: 'internal', message: 'internal error' });
        else res.destroy();
      },
    );
  });
}
