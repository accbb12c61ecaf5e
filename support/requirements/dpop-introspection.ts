import { type Requirement, rfc } from './types.ts';

const R9449 = (s: string) => rfc(9449, s);

/**
 * DPoP and token introspection (RFC 9449 §6.2): a resource server that introspects a DPoP-bound token (an opaque one,
 * typically) learns the binding from the answer, not from the token. The gateway's use of it is judged by
 * REQ-DPOP-05..10 on an opaque-token target whose gateway introspects (test/opaque-tokens.test.ts); these judge what
 * the introspection endpoint says about a bound token. Both bind `dpop`; the scenario needs token-introspection.
 */
export const DPOP_INTROSPECTION_REQUIREMENTS: readonly Requirement[] = [
  {
    id: 'REQ-DPOP-11',
    title: 'The introspection answer for an active DPoP-bound access token carries cnf.jkt, the RFC 7638 thumbprint of the key the token is bound to',
    level: 'SHOULD',
    source: 'RFC 9449 §6.2 (the hash of the public key "is conveyed ... using the same cnf content with jkt member structure" as §6.1, "as a top-level member of the introspection response JSON"), §6 (resource servers MUST be able to ascertain the binding)',
    link: R9449('6.2'),
    component: 'idp',
    profile: 'sender-constrained',
    capability: 'dpop',
    note:
      '§6.2 describes the member without a BCP 14 keyword, and §6 leaves other ways of associating the key with the token to agreements ' +
      'between the AS and the resource server: an answer without cnf.jkt is a warning. An answer with a cnf.jkt of another key fails the ' +
      'same check (a gateway would then refuse the client\'s own proofs, or accept another key\'s). Judged on a token the system client got ' +
      'with a valid proof, introspected as the introspecting client of the profile; an answer that is not active could not be judged (REQ-INTRO-01 reports it).',
  },
  {
    id: 'REQ-DPOP-12',
    title: 'The introspection answer for a DPoP-bound access token states token_type "DPoP", where it states a token_type',
    level: 'MUST',
    source: 'RFC 9449 §6.2 ("If the token_type member is included in the introspection response, it MUST contain the value DPoP")',
    link: R9449('6.2'),
    component: 'idp',
    profile: 'sender-constrained',
    capability: 'dpop',
    note: 'token_type is OPTIONAL in an introspection answer (RFC 7662 §2.2): an answer without it does not apply. Compared case-insensitively (RFC 6749 §5.1).',
  },
];
