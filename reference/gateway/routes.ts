/**
 * Which routes the gateway exposes and what each needs, built from the fixture's route set so the kit's
 * target description and the gateway can never disagree about a path.
 */
import type { RouteSet } from '../../support/target/target.ts';

export interface RoutePolicy {
  readonly method: string;
  /** Path template; `{name}` matches one path segment. */
  readonly template: string;
  /** No token needed; a request without one reaches the component as "anonymous" (seed 004). */
  readonly public: boolean;
  /** Scope the token must carry (RFC 6750 §3.1 insufficient_scope); undefined: any valid token. */
  readonly scope?: string;
}

export type RouteMatch =
  | { readonly kind: 'matched'; readonly policy: RoutePolicy }
  | { readonly kind: 'method-not-allowed'; readonly allow: readonly string[] }
  | { readonly kind: 'not-found' };

/**
 * The reference's routes. The fixture says which path plays which part; the scopes are the reference's own
 * choice: reading the catalog needs catalog:read, which every fixture client that can call it holds.
 */
export function routePolicies(routes: RouteSet): RoutePolicy[] {
  const policies: RoutePolicy[] = [
    { method: 'GET', template: routes.public, public: true },
    { method: 'GET', template: routes.protected, public: false, scope: 'catalog:read' },
    { method: routes.scoped.method.toUpperCase(), template: routes.scoped.path, public: false, scope: routes.scoped.scope },
  ];
  if (routes.identityEcho) policies.push({ method: 'GET', template: routes.identityEcho, public: false });
  if (routes.customerData) policies.push({ method: 'GET', template: routes.customerData, public: false, scope: 'orders:read' });
  // Who may write whose data is the component's decision (seed 003), so the gateway asks for any valid token.
  if (routes.customerWrite) policies.push({ method: routes.customerWrite.method.toUpperCase(), template: routes.customerWrite.path, public: false });
  // Issue 22: a customer's disposable record, read and deleted on one path; whose is the component's decision (seed 003).
  if (routes.customerDelete) {
    for (const method of ['GET', 'DELETE']) policies.push({ method, template: routes.customerDelete.path, public: false });
  }
  return policies;
}

function templatePattern(template: string): RegExp {
  const escaped = template
    .split(/(\{[^}]+\})/)
    .map((part) => (/^\{[^}]+\}$/.test(part) ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${escaped}$`);
}

export class RouteTable {
  private readonly entries: readonly { readonly policy: RoutePolicy; readonly pattern: RegExp }[];

  constructor(policies: readonly RoutePolicy[]) {
    this.entries = policies.map((policy) => ({ policy, pattern: templatePattern(policy.template) }));
  }

  match(method: string, path: string): RouteMatch {
    const onPath = this.entries.filter((e) => e.pattern.test(path));
    if (onPath.length === 0) return { kind: 'not-found' };
    const exact = onPath.find((e) => e.policy.method === method.toUpperCase());
    if (exact) return { kind: 'matched', policy: exact.policy };
    return { kind: 'method-not-allowed', allow: [...new Set(onPath.map((e) => e.policy.method))] };
  }
}
