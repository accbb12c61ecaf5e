import { type Requirement, rfc } from './types.ts';

/**
 * JWKS robustness (issue 20): how the gateway uses the issuer's JWK Set when tokens or the set itself misbehave.
 * RFC 9068 §4 makes the signature check a MUST ("The resource server MUST validate the signature of all incoming JWT
 * access tokens"; "If any of the described validation steps fail, the resource server MUST reject the token"), so a
 * key set the gateway cannot fetch is no licence to let a token through. How often a gateway may fetch the set again
 * for an unknown kid is in no RFC: OpenID Connect Core §10.1.1 only says the verifier goes back to jwks_uri when it
 * sees an unfamiliar kid. Bounding that is graded as a warning, an expectation stricter than any clause.
 *
 * The kit has to see the gateway's requests for the key set and switch the set off: its JWKS relay does both, for a
 * gateway whose jwks_uri points at it (support/jwks/relay.ts; capability jwks-control, from the profile's jwksRelay or
 * the reference's second gateway). Without one these checks are not applicable, with that remedy.
 */
const OIDC_ROTATION = 'https://openid.net/specs/openid-connect-core-1_0.html#RotateSigKeys';
const VALIDATE = 'RFC 9068 §4 (the resource server MUST validate the signature of every JWT access token, and MUST reject the token if a validation step fails)';

export const JWKS_REQUIREMENTS: readonly Requirement[] = [
  {
    id: 'REQ-JWKS-01',
    title: 'Tokens naming kids the issuer never published do not make the gateway fetch the JWK Set for each of them: ten in a row cost at most five fetches',
    level: 'SHOULD',
    source: 'OpenID Connect Core 1.0 §10.1.1 (the verifier re-retrieves the JWK Set when it sees an unfamiliar kid; no rate is set); RFC 8725 §3.10 (what a token names is not to be trusted)',
    link: OIDC_ROTATION,
    component: 'gateway',
    profile: 'gateway',
    capability: 'jwks-control',
    note:
      'No RFC or seed bounds the refetch rate, so a miss is a warning, never a failure. A gateway that fetches the key set for every unknown kid ' +
      'lets any caller amplify its requests onto the IdP (CWE-405); jose keeps a 30 s cooldown by default. The bound (half the tokens) leaves room ' +
      'for a fetch that was due anyway; a gateway with a cooldown makes one fetch, or none.',
  },
  {
    id: 'REQ-JWKS-02',
    title: 'While the JWK Set is down (answers an error), the gateway refuses a token whose key it has not fetched, and never lets it through',
    level: 'MUST',
    source: `${VALIDATE}; RFC 6750 §3.1`,
    link: rfc(9068, '4'),
    component: 'gateway',
    profile: 'gateway',
    capability: 'jwks-control',
    note: 'Any refusal passes (401 invalid_token, or 503: the keys are not available); only a served request fails. Judged only once the kit\'s JWKS relay saw the gateway ask for the key set while it was down, so a refusal for another reason (a refetch cooldown) earns nothing.',
  },
  {
    id: 'REQ-JWKS-03',
    title: 'While the JWK Set does not answer in time (slow), the gateway refuses a token whose key it has not fetched, and never lets it through',
    level: 'MUST',
    source: `${VALIDATE}; RFC 6750 §3.1`,
    link: rfc(9068, '4'),
    component: 'gateway',
    profile: 'gateway',
    capability: 'jwks-control',
    note: 'The kit\'s JWKS relay holds each JWK Set answer for 6 s. Any refusal passes, a timeout of the kit\'s own request too (nothing was served); only a served request fails.',
  },
  {
    id: 'REQ-JWKS-04',
    title: 'A key removed from the JWK Set stops being accepted by the gateway within limits.gateway.retiredKeySeconds',
    level: 'SEED',
    source: 'target profile claim (limits.gateway.retiredKeySeconds); RFC 7517 §5 (the JWK Set is the set of keys the issuer vouches for)',
    link: rfc(7517, '5'),
    component: 'gateway',
    profile: 'gateway',
    capability: 'retired-key-bound',
    note:
      'No RFC says how soon a verifier must notice a key that left the set (a compromised key is removed so tokens signed with it stop ' +
      'working): the bound is the deployment\'s own claim, typically its key-set cache lifetime, judged only where claimed (level SEED, ' +
      'like REQ-GRL-*). The kit needs a key it may remove, and a token signed with it: it makes one, publishes its public half through its ' +
      'JWKS relay (jwks-control) and signs a genuine token\'s claims with it; without a relay the check does not apply. A refusal up to 3 s after the bound still passes (the kit asks once a second, on a machine that may be loaded).',
  },
];
