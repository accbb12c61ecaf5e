/**
 * The reference stack's test control plane (reference/idp/admin.ts): audit log, secret rotation, signing-key
 * rotation, the test-token signer. No real IdP has it: `target.admin` is absent for external targets, and every
 * scenario that needs it is then "not testable" with what the profile would need.
 *
 * Its failures are the kit's set-up failures, not verdicts on the target: they throw ControlPlaneError.
 */
import type { CtkWorld } from '../world.ts';
import { describeOutcome, jsonOf, type Exchange } from '../http/exchange.ts';
import { registerSecrets } from '../http/redact.ts';

export class ControlPlaneError extends Error {
  constructor(operation: string, outcome: string) {
    super(`the target's control plane could not ${operation}: ${outcome}`);
    this.name = 'ControlPlaneError';
  }
}

export class ControlPlane {
  private readonly world: CtkWorld;
  private readonly baseUrl: string;
  private readonly token: string;

  constructor(world: CtkWorld, admin: { baseUrl: string; token: string }) {
    this.world = world;
    this.baseUrl = admin.baseUrl.replace(/\/$/, '');
    this.token = admin.token;
  }

  private async call(method: 'GET' | 'POST', path: string, operation: string, body?: unknown): Promise<{ exchange: Exchange; json: unknown }> {
    const exchange = await this.world.send(
      {
        method,
        url: `${this.baseUrl}${path}`,
        headers: {
          authorization: `Bearer ${this.token}`,
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      },
      { keepAsLast: false },
    );
    if (exchange.response?.status !== 200) throw new ControlPlaneError(operation, describeOutcome(exchange));
    let json: unknown;
    try {
      json = JSON.parse(exchange.response.body);
    } catch {
      throw new ControlPlaneError(operation, 'the answer is not JSON');
    }
    return { exchange, json };
  }

  /** GET /admin/audit: the raw entries and the raw text (for the secrets search). */
  async auditLog(): Promise<{ entries: unknown[]; text: string; exchange: Exchange }> {
    const { exchange, json } = await this.call('GET', '/admin/audit', 'read the audit log');
    if (!Array.isArray(json)) throw new ControlPlaneError('read the audit log', 'the answer is not a JSON array');
    return { entries: json, text: exchange.response!.body, exchange };
  }

  /** Seed 002: a new secret for the client (or the given one, to put a known secret back). */
  async rotateSecret(clientId: string, secret?: string): Promise<string> {
    if (secret) registerSecrets([secret]);
    const { exchange } = await this.call('POST', `/admin/clients/${encodeURIComponent(clientId)}/rotate-secret`, `rotate the secret of ${clientId}`, secret ? { client_secret: secret } : {});
    const next = jsonOf(exchange)?.client_secret;
    if (typeof next !== 'string' || next.length === 0) throw new ControlPlaneError(`rotate the secret of ${clientId}`, 'no client_secret in the answer');
    registerSecrets([next]);
    return next;
  }

  /** A new current signing key; returns its kid. */
  async rotateSigningKey(): Promise<string> {
    const { exchange } = await this.call('POST', '/admin/keys/rotate', 'rotate the signing key', {});
    const kid = jsonOf(exchange)?.kid;
    if (typeof kid !== 'string') throw new ControlPlaneError('rotate the signing key', 'no kid in the answer');
    return kid;
  }

  /** The test-token signer: exactly these claims, signed with the issuer's current key (header overrides allowed). */
  async sign(claims: Record<string, unknown>, header?: Record<string, unknown>): Promise<string> {
    const { exchange } = await this.call('POST', '/admin/sign', 'sign a test token', { claims, ...(header ? { header } : {}) });
    const token = jsonOf(exchange)?.token;
    if (typeof token !== 'string') throw new ControlPlaneError('sign a test token', 'no token in the answer');
    return token;
  }
}

/** The control plane of the target, or undefined when it has none (every real IdP). */
export function controlPlaneOf(world: CtkWorld): ControlPlane | undefined {
  return world.target.admin ? new ControlPlane(world, world.target.admin) : undefined;
}

export const NO_CONTROL_PLANE_REMEDY =
  'run against the reference stack (embedded or containers), whose control plane can do this; a real deployment is checked here by hand';
