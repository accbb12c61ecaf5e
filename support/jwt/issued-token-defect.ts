/**
 * One cause, one finding: a server that refuses (401) an access token the issuer got wrong is right to refuse it.
 * RFC 9068 §4 tells a resource server what it MUST check of a JWT access token (one that is no JWT at all, where the
 * profile says the issuer issues JWTs, is REQ-JWT-01's finding; fault opaque-access-tokens): the typ header (at+jwt, REQ-JWT-02), the iss claim (the
 * issuer identifier, REQ-JWT-06), the signature with the issuer's published keys (REQ-JWT-07, unpublished-key.ts)
 * and the aud claim (the audience the resource server expects, REQ-JWT-08); and no token is unsecured (alg "none",
 * REQ-JWT-04; RFC 8725 §3.1). A token with one of those defects is the
 * issuer's finding, in the requirement that names it; the gateway's admission of a valid token (REQ-BEARER-01,
 * REQ-DPOP-05, REQ-MTLS-06) and the self-service interface's service to its owner (REQ-ROT-06) are not judged on it.
 * Measured in whole runs against faults iss-not-issuer, jwt-typ-jwt and alg-none-tokens: REQ-BEARER-01, REQ-DPOP-05,
 * REQ-MTLS-06 (and REQ-ROT-06, REQ-JWT-11) failed beside the one requirement each fault breaks.
 *
 * Only where the refused token has the defect AND a token the issuer issues now has it too: a kit-made token
 * (crafted.ts, with the profile's iss and aud) or a client whose own tokens differ is left to the requirement
 * judged, and so is any other reason for a refusal (the gateway states it; the kit does not guess from its words).
 */
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import type { Exchange } from '../http/exchange.ts';
import { reportRootCause } from '../verdict/check.ts';
import { requirementApplies } from '../target/applicability.ts';
import { audienceCheckOf } from '../target/target.ts';
import { freshSystemToken } from '../oauth/token-client.ts';
import { audiences, decodeJwt, isAtJwtType } from './decode.ts';
import { explainedByUnpublishedKey, presentedTokenOf, rotationExplainedByUnpublishedKey } from './unpublished-key.ts';
import { fetchJwks, privateMaterialIn } from './jwks.ts';

interface ClaimDefect {
  readonly requirement: string;
  readonly expected: string;
  readonly observed: string;
}

/** The first of REQ-JWT-01, -04, -02, -06, -08 that `token` breaks, where the profile gives what it is compared with. */
export function claimDefectOf(world: CtkWorld, token: string): ClaimDefect | undefined {
  const { target } = world;
  const jwt = decodeJwt(token);
  if (!jwt) {
    const notAJws = { requirement: 'REQ-JWT-01', expected: 'a JWT: a JWS compact serialization with a JSON header and claims (RFC 9068 §2.1), which RFC 9068 §4 has a resource server validate', observed: 'no JWT structure (not a JWS compact serialization)' };
    return requirementApplies(target, notAJws.requirement) ? notAJws : undefined;
  }
  const alg = jwt.header.alg;
  const candidates: (ClaimDefect & { readonly holds: boolean })[] = [
    {
      requirement: 'REQ-JWT-04',
      expected: 'a signed token: alg never "none" (RFC 9068 §2.1; RFC 8725 §3.1 has a resource server refuse it)',
      observed: `alg ${JSON.stringify(alg) ?? '(absent)'}${jwt.segments[2] === '' ? ', no signature' : ''}`,
      holds: typeof alg === 'string' && alg.toLowerCase() !== 'none' && jwt.segments[2] !== '',
    },
    {
      requirement: 'REQ-JWT-02',
      expected: 'header typ "at+jwt" (or "application/at+jwt"), which RFC 9068 §4 has resource servers verify',
      observed: `typ ${JSON.stringify(jwt.header.typ) ?? '(absent)'}`,
      holds: isAtJwtType(jwt.header.typ),
    },
    {
      requirement: 'REQ-JWT-06',
      expected: `iss exactly ${JSON.stringify(target.issuer)} (the issuer identifier the target profile names; RFC 9068 §4)`,
      observed: `iss ${JSON.stringify(jwt.claims.iss) ?? '(absent)'}`,
      holds: jwt.claims.iss === target.issuer,
    },
    ...(audienceCheckOf(target) === 'exact' && target.audience !== undefined
      ? [{
          requirement: 'REQ-JWT-08',
          expected: `aud containing ${JSON.stringify(target.audience)} (the audience the gateway validates; RFC 9068 §4)`,
          observed: `aud ${JSON.stringify(jwt.claims.aud) ?? '(absent)'}`,
          holds: audiences(jwt.claims.aud).includes(target.audience),
        }]
      : []),
  ];
  const broken = candidates.find((c) => !c.holds && requirementApplies(target, c.requirement));
  return broken && { requirement: broken.requirement, expected: broken.expected, observed: broken.observed };
}

/**
 * True when the refusal (401) of the token `exchange` carried is explained by a defect of the issuer's tokens, which
 * was then reported in its own requirement, `requirement` recorded as explained by it (the scenario stops there).
 */
export async function explainedByIssuerDefect(world: CtkWorld, requirement: string, exchange: Exchange, expected: string): Promise<boolean> {
  if (exchange.response?.status !== 401) return false;
  if (await explainedByUnpublishedKey(world, requirement, exchange, expected)) return true;
  if (await explainedByDisclosedKeys(world, requirement, expected)) return true;
  const refused = presentedTokenOf(exchange);
  const defect = refused === undefined ? undefined : claimDefectOf(world, refused);
  if (!defect || defect.requirement === requirement) return false;
  const fresh = await freshSystemToken(world);
  const again = fresh === undefined ? undefined : claimDefectOf(world, fresh);
  if (again?.requirement !== defect.requirement) return false;
  return reportIssuerDefect(world, again, [{ requirement, expected }], `a 401 for a token with ${defect.observed}, and a token the issuer issues now carries ${again.observed} too: RFC 9068 §4 has a resource server refuse it`);
}

/** Reports `defect` of the issuer's tokens under its requirement, `dependents` explained by it; true when reported. */
function reportIssuerDefect(world: CtkWorld, defect: ClaimDefect, dependents: readonly { readonly requirement: string; readonly expected: string }[], why: string): boolean {
  return !reportRootCause(
    world,
    { requirement: defect.requirement, expected: `a token the issuer issues now with ${defect.expected}`, observed: defect.observed },
    () => expect.fail(`${defect.requirement}: the issuer's access tokens carry ${defect.observed}; a resource server must refuse them (RFC 9068 §4)`),
    dependents,
    { why },
  );
}

/**
 * Before a signing-key rotation (REQ-JWT-10, REQ-JWT-11): where the issuer's current token already carries a defect a
 * resource server must refuse it for, the rollover cannot be judged on it (a gateway refuses the new key's token for
 * that defect, not for its key). The defect's requirement reports it, the scenario's rotation requirements (`checks`,
 * with what each expects) are recorded as explained, and the scenario stops before rotating anything.
 */
export async function rotationExplainedByIssuerDefect(world: CtkWorld, checks: Readonly<Record<string, string>>): Promise<boolean> {
  const dependents = world.requirementIds.filter((id) => checks[id] !== undefined).map((id) => ({ requirement: id, expected: checks[id]! }));
  if (dependents.length === 0) return false;
  const current = await freshSystemToken(world);
  const defect = current === undefined ? undefined : claimDefectOf(world, current);
  if (defect) {
    return reportIssuerDefect(world, defect, dependents.filter((d) => d.requirement !== defect.requirement), `before the rotation, a token the issuer issues carries ${defect.observed}: a gateway refuses every token for that, whatever its key`);
  }
  return rotationExplainedByUnpublishedKey(world, checks);
}

/**
 * A JWK Set that publishes private key material (RFC 7517 §9.2, REQ-DISC-05) is one a resource server may refuse to
 * use at all (the reference gateway's key fetch does): its 401 for a valid token is then REQ-DISC-05's finding, the
 * issuer's, and `requirement` is not judged on it (fault jwks-exposes-private-key failed REQ-BEARER-01 beside it).
 */
async function explainedByDisclosedKeys(world: CtkWorld, requirement: string, expected: string): Promise<boolean> {
  const jwksUri = world.target.jwksUri;
  if (jwksUri === undefined || !requirementApplies(world.target, 'REQ-DISC-05')) return false;
  const { keys } = await fetchJwks(world, jwksUri);
  const disclosed = keys ? privateMaterialIn(keys) : [];
  if (disclosed.length === 0) return false;
  const observed = disclosed.map((k) => `key ${k.kid} publishes ${k.members.join(', ')}`).join('; ');
  return !reportRootCause(
    world,
    { requirement: 'REQ-DISC-05', expected: `only public key members in the JWK Set at ${jwksUri} (RFC 7517 §9.2)`, observed },
    () => expect(disclosed, 'keys with private material').to.deep.equal([]),
    [{ requirement, expected }],
    { why: `a 401 for a valid token, and the issuer's JWK Set discloses private key material (${observed}): a resource server may refuse to use such a set at all` },
  );
}
