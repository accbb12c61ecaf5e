/**
 * One cause, one finding: a server that refuses (401) an access token the issuer got wrong is right to refuse it.
 * RFC 9068 §4 tells a resource server what it MUST check: the typ header (at+jwt, REQ-JWT-02), the iss claim (the
 * issuer identifier, REQ-JWT-06), the signature with the issuer's published keys (REQ-JWT-07, unpublished-key.ts)
 * and the aud claim (the audience the resource server expects, REQ-JWT-08). A token with one of those defects is the
 * issuer's finding, in the requirement that names it; the gateway's admission of a valid token (REQ-BEARER-01,
 * REQ-DPOP-05, REQ-MTLS-06) and the self-service interface's service to its owner (REQ-ROT-06) are not judged on it.
 * Measured in whole runs against faults iss-not-issuer and jwt-typ-jwt: REQ-BEARER-01, REQ-DPOP-05, REQ-MTLS-06 (and
 * REQ-ROT-06) failed beside the one requirement each fault breaks.
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
import { requestToken, tokenResponseOf } from '../oauth/token-client.ts';
import { audiences, decodeJwt, isAtJwtType } from './decode.ts';
import { explainedByUnpublishedKey, presentedTokenOf } from './unpublished-key.ts';

interface ClaimDefect {
  readonly requirement: string;
  readonly expected: string;
  readonly observed: string;
}

/** The first of REQ-JWT-02, -06, -08 that `token` breaks, where the profile gives what it is compared with. */
export function claimDefectOf(world: CtkWorld, token: string): ClaimDefect | undefined {
  const jwt = decodeJwt(token);
  if (!jwt) return undefined;
  const { target } = world;
  const candidates: (ClaimDefect & { readonly holds: boolean })[] = [
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
  const refused = presentedTokenOf(exchange);
  const defect = refused === undefined ? undefined : claimDefectOf(world, refused);
  if (!defect || defect.requirement === requirement) return false;
  let fresh: string | undefined;
  try {
    fresh = tokenResponseOf(await requestToken(world, world.target.clients.system, { keepAsLast: false }))?.access_token;
  } catch {
    return false; // not sent (the own-address guard): no judgement on a token that was not issued
  }
  const again = fresh === undefined ? undefined : claimDefectOf(world, fresh);
  if (again?.requirement !== defect.requirement) return false;
  return !reportRootCause(
    world,
    { requirement: again.requirement, expected: `a token the issuer issues now with ${again.expected}`, observed: again.observed },
    () => expect.fail(`${again.requirement}: the issuer's access tokens carry ${again.observed}; a resource server must refuse them (RFC 9068 §4)`),
    [{ requirement, expected }],
    { why: `a 401 for a token with ${defect.observed}, and a token the issuer issues now carries ${again.observed} too: RFC 9068 §4 has a resource server refuse it` },
  );
}
