/**
 * The target's control plane: where the kit reads the audit log and rotates a client's secret (and, on the
 * reference stack only, rotates the signing key and signs test tokens). Three dialects, chosen by the profile's
 * admin.preset, each call overridable by the profile (method, path, where the answer holds what the kit needs):
 *   - reference: the reference stack's test control plane (reference/idp/admin.ts);
 *   - keycloak: the Keycloak Admin REST API of one realm (baseUrl .../admin/realms/<realm>): GET /events, the
 *     client's secret via POST /clients/<id>/client-secret (the internal id looked up by clientId), put back with
 *     PUT /clients/<id> {secret};
 *   - auth0: the Auth0 Management API (baseUrl https://<tenant>): GET /api/v2/logs, POST
 *     /api/v2/clients/<client_id>/rotate-secret, put back with PATCH /api/v2/clients/<client_id> {client_secret}.
 * A real IdP has no control plane unless the profile describes one: `target.admin` is absent, and every scenario
 * that needs it is then "not testable" with what the profile would need. A control plane that cannot put a secret
 * back offers no rotation at all: the kit never leaves a client with a secret the profile does not know.
 *
 * Its failures are the kit's set-up failures, not verdicts on the target: they throw ControlPlaneError.
 */
import type { CtkWorld } from '../world.ts';
import { describeOutcome, type Exchange } from '../http/exchange.ts';
import { registerSecrets } from '../http/redact.ts';
import type { AdminCall, AdminDescription } from '../target/target.ts';
import { pointer } from '../identity/echo.ts';
import { secretChange, signingKeyRotated } from '../oauth/signing-key-rotations.ts';

export class ControlPlaneError extends Error {
  constructor(operation: string, outcome: string) {
    super(`the target's control plane could not ${operation}: ${outcome}`);
    this.name = 'ControlPlaneError';
  }
}

export type ControlPlaneOperation = 'auditLog' | 'rotateSecret' | 'rotateSigningKey' | 'sign';

/** Each dialect's calls. `{clientId}` is the client id, `{id}` the IdP's internal id (Keycloak). */
interface Dialect {
  readonly auditLog?: AdminCall;
  /** A new secret: the call and where the answer holds it. */
  readonly rotateSecret?: AdminCall & { readonly secret: string };
  /** Setting a given secret (to put the profile's back): the call and the body member that carries it. */
  readonly setSecret?: AdminCall & { readonly field: string };
  /** Keycloak: the internal id of a client, found by its clientId. */
  readonly lookupId?: AdminCall & { readonly id: string };
  readonly reference?: true;
}

export const PRESETS: Readonly<Record<'reference' | 'keycloak' | 'auth0', Dialect>> = {
  reference: {
    auditLog: { method: 'GET', path: '/admin/audit', entries: '' },
    rotateSecret: { method: 'POST', path: '/admin/clients/{clientId}/rotate-secret', secret: '/client_secret' },
    setSecret: { method: 'POST', path: '/admin/clients/{clientId}/rotate-secret', field: 'client_secret' },
    reference: true,
  },
  keycloak: {
    auditLog: { method: 'GET', path: '/events?max=1000', entries: '' },
    lookupId: { method: 'GET', path: '/clients?clientId={clientId}', id: '/0/id' },
    rotateSecret: { method: 'POST', path: '/clients/{id}/client-secret', secret: '/value' },
    setSecret: { method: 'PUT', path: '/clients/{id}', field: 'secret' },
  },
  auth0: {
    auditLog: { method: 'GET', path: '/api/v2/logs?per_page=100&sort=date:-1', entries: '' },
    rotateSecret: { method: 'POST', path: '/api/v2/clients/{clientId}/rotate-secret', secret: '/client_secret' },
    setSecret: { method: 'PATCH', path: '/api/v2/clients/{clientId}', field: 'client_secret' },
  },
};

export class ControlPlane {
  private readonly world: CtkWorld;
  private readonly baseUrl: string;
  private readonly admin: AdminDescription;
  private readonly dialect: Dialect;

  constructor(world: CtkWorld, admin: AdminDescription) {
    this.world = world;
    this.admin = admin;
    this.baseUrl = admin.baseUrl.replace(/\/$/, '');
    const preset: Dialect = PRESETS[admin.preset ?? 'reference'];
    this.dialect = {
      ...preset,
      ...(admin.auditLog ? { auditLog: admin.auditLog } : {}),
      ...(admin.rotateSecret ? { rotateSecret: admin.rotateSecret, setSecret: admin.rotateSecret.putBack, lookupId: undefined } : {}),
    } as Dialect;
  }

  /** Whether this control plane can do `operation` (else the scenario is not testable). */
  offers(operation: ControlPlaneOperation): boolean {
    if (operation === 'auditLog') return this.dialect.auditLog !== undefined;
    if (operation === 'rotateSecret') return this.dialect.rotateSecret !== undefined && this.dialect.setSecret !== undefined;
    // Key rotation and the signer are the reference's own calls: a control plane described call by call is another one.
    const described = this.admin.auditLog !== undefined || this.admin.rotateSecret !== undefined || this.admin.authHeader !== undefined;
    return this.dialect.reference === true && !described;
  }

  private async call(call: AdminCall, operation: string, vars: Record<string, string> = {}, body?: unknown): Promise<{ exchange: Exchange; json: unknown }> {
    const path = call.path.replace(/\{(clientId|id)\}/g, (_: string, name: string) => encodeURIComponent(vars[name] ?? ''));
    const header = this.admin.authHeader ?? { name: 'authorization', prefix: 'Bearer ' };
    const exchange = await this.world.send(
      {
        method: call.method,
        url: `${this.baseUrl}${path}`,
        headers: {
          [header.name.toLowerCase()]: `${header.prefix ?? ''}${this.admin.token}`,
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      },
      { keepAsLast: false },
    );
    const status = exchange.response?.status;
    if (status === undefined || status < 200 || status > 299) throw new ControlPlaneError(operation, describeOutcome(exchange));
    if (status === 204 || exchange.response!.body.trim() === '') return { exchange, json: undefined };
    try {
      return { exchange, json: JSON.parse(exchange.response!.body) };
    } catch {
      throw new ControlPlaneError(operation, 'the answer is not JSON');
    }
  }

  private need<K extends keyof Dialect>(key: K, operation: string): NonNullable<Dialect[K]> {
    const found = this.dialect[key];
    if (!found) throw new ControlPlaneError(operation, `the profile describes no call for it (admin.${String(key)})`);
    return found as NonNullable<Dialect[K]>;
  }

  /** The audit log: the entries (found where the profile says, e.g. {entries:[...]}) and the raw text (for the secrets search). */
  async auditLog(): Promise<{ entries: unknown[]; text: string; exchange: Exchange }> {
    const call = this.need('auditLog', 'read the audit log');
    const { exchange, json } = await this.call(call, 'read the audit log');
    const entries = pointer(json, call.entries ?? '');
    if (!Array.isArray(entries)) throw new ControlPlaneError('read the audit log', `no JSON array at ${JSON.stringify(call.entries ?? '')} of the answer (admin.auditLog.entries)`);
    return { entries, text: exchange.response!.body, exchange };
  }

  /**
   * Seed 002: a new secret for the client, or the given one (to put the profile's secret back). A change that takes
   * a published signing key along counts as a key rotation (secretChange says why).
   */
  async rotateSecret(clientId: string, secret?: string): Promise<string> {
    return secretChange(this.world, () => this.changeSecret(clientId, secret));
  }

  private async changeSecret(clientId: string, secret?: string): Promise<string> {
    const operation = `${secret ? 'set' : 'rotate'} the secret of ${clientId}`;
    const vars: Record<string, string> = { clientId };
    if (this.dialect.lookupId) {
      const { json } = await this.call(this.dialect.lookupId, `find the internal id of ${clientId}`, vars);
      const id = pointer(json, this.dialect.lookupId.id);
      if (typeof id !== 'string') throw new ControlPlaneError(operation, `no client ${clientId} in the answer (${this.dialect.lookupId.id})`);
      vars.id = id;
    }
    if (secret) {
      registerSecrets([secret]);
      const set = this.need('setSecret', operation);
      await this.call(set, operation, vars, { [set.field]: secret });
      return secret;
    }
    const rotate = this.need('rotateSecret', operation);
    const { json } = await this.call(rotate, operation, vars, {});
    const next = pointer(json, rotate.secret);
    if (typeof next !== 'string' || next.length === 0) throw new ControlPlaneError(operation, `no secret at ${rotate.secret} in the answer`);
    registerSecrets([next]);
    return next;
  }

  /** A new current signing key; returns its kid (the reference's control plane only). */
  async rotateSigningKey(): Promise<string> {
    const { json } = await this.call({ method: 'POST', path: '/admin/keys/rotate' }, 'rotate the signing key', {}, {});
    const kid = (json as { kid?: unknown } | undefined)?.kid;
    // Counted even where the answer is unreadable: the key may have rotated all the same.
    signingKeyRotated();
    if (typeof kid !== 'string') throw new ControlPlaneError('rotate the signing key', 'no kid in the answer');
    return kid;
  }

  /** The test-token signer: exactly these claims, signed with the issuer's current key (the reference's only). */
  async sign(claims: Record<string, unknown>, header?: Record<string, unknown>): Promise<string> {
    const { json } = await this.call({ method: 'POST', path: '/admin/sign' }, 'sign a test token', {}, { claims, ...(header ? { header } : {}) });
    const token = (json as { token?: unknown } | undefined)?.token;
    if (typeof token !== 'string') throw new ControlPlaneError('sign a test token', 'no token in the answer');
    return token;
  }
}

/** The control plane of the target, when it has one that can do `operation` (default: any). */
export function controlPlaneOf(world: CtkWorld, operation?: ControlPlaneOperation): ControlPlane | undefined {
  if (!world.target.admin) return undefined;
  const plane = new ControlPlane(world, world.target.admin);
  return operation === undefined || plane.offers(operation) ? plane : undefined;
}

export const NO_CONTROL_PLANE_REMEDY =
  'describe the control plane in the target profile (admin: baseUrl, token, preset keycloak or auth0, or its calls), or run against the reference stack';
