/**
 * The part of a target description that may be published (certificate, Allure environment): its name, kind,
 * endpoints and claimed capabilities. Never clients, users, secrets, admin tokens; credentials embedded in a
 * URL (https://user:pass@host) are dropped too.
 */
import { redact } from '../http/redact.ts';
import type { TargetDescription } from '../target/target.ts';

export interface PublicTarget {
  readonly name: string;
  readonly kind: string;
  readonly issuer: string;
  readonly discoveryUrl?: string;
  readonly tokenEndpoint: string;
  readonly jwksUri?: string;
  readonly authorizationEndpoint?: string;
  /** Absent when the gateway checks no audience, or checks it against the granted scope (`audienceCheck`). */
  readonly audience?: string;
  readonly audienceCheck?: string;
  /** Absent for an IdP-only target. */
  readonly gateway?: string;
  readonly routes: Readonly<Record<string, string>>;
  /** Capabilities the target profile claims (sorted). */
  readonly capabilities: readonly string[];
  /** Faults injected into the reference (kit self-test); absent elsewhere. */
  readonly faults?: readonly string[];
}

/** The URL as the target states it (an issuer is compared exactly), minus any user:password@ part. */
function publicUrl(value: string): string {
  return redact(value.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@?#]*@/i, '$1'));
}

export function publicTarget(target: TargetDescription): PublicTarget {
  const r = target.gateway?.routes;
  const routes: Record<string, string> = r ? { protected: r.protected, public: r.public, scoped: `${r.scoped.method} ${r.scoped.path} (scope ${r.scoped.scope})` } : {};
  if (r?.identityEcho) routes.identityEcho = r.identityEcho;
  if (r?.customerData) routes.customerData = r.customerData;
  return {
    name: redact(target.name),
    kind: target.kind,
    issuer: publicUrl(target.issuer),
    ...(target.discoveryUrl ? { discoveryUrl: publicUrl(target.discoveryUrl) } : {}),
    tokenEndpoint: publicUrl(target.tokenEndpoint),
    ...(target.jwksUri ? { jwksUri: publicUrl(target.jwksUri) } : {}),
    ...(target.authorizationEndpoint ? { authorizationEndpoint: publicUrl(target.authorizationEndpoint) } : {}),
    ...(target.audience !== undefined ? { audience: redact(target.audience) } : {}),
    ...(target.audienceCheck && target.audienceCheck !== 'exact' ? { audienceCheck: target.audienceCheck } : {}),
    ...(target.gateway ? { gateway: publicUrl(target.gateway.baseUrl) } : {}),
    routes: Object.fromEntries(Object.entries(routes).map(([k, v]) => [k, redact(v)])),
    capabilities: Object.entries(target.capabilities).filter(([, on]) => on === true).map(([c]) => c).sort(),
    ...(target.faults && target.faults.length ? { faults: [...target.faults] } : {}),
  };
}
