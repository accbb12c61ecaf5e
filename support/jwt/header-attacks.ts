/**
 * Tokens that attack the gateway through their header and their size (features/gateway-token-attacks.feature),
 * the holes RFC 8725 §3.10 and published gateway CVEs name:
 *  - a key source the token names itself: a JWK Set URL (`jku`, RFC 7515 §4.1.2) or an X.509 URL (`x5u`, §4.1.5)
 *    that the kit serves on the loopback with its own key; RFC 9068 §4: the resource server MUST use the keys the
 *    authorization server provides;
 *  - a `kid` that is an injection (RFC 8725 §3.10): a path that climbs to /dev/null (an empty file: the HMAC secret
 *    of a gateway that reads its keys from files named by the kid) and SQL that makes a key lookup return a secret
 *    of the attacker's; no key of the target's is needed;
 *  - a critical header extension (`crit`, RFC 7515 §4.1.11) no gateway can understand, on a token that is otherwise
 *    valid: it needs the target's test signer, as only a correct signature leaves `crit` as the one defect; so do a
 *    token without typ and one whose iat lies an hour in the future (RFC 7519 §4.1.6);
 *  - tokens of 16 and 64 KiB, beyond what many proxies take in a header (nginx 8 KiB, Node 16 KiB, Envoy 60 KiB).
 * Every token but the signer's starts from the claims of a real access token of the system client (or, for the
 * sizes, of what the profile says one carries), so the attack is the only reason a gateway has to refuse it.
 */
import { createHmac, generateKeyPair, randomBytes, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { CompactSign, exportJWK } from 'jose';
import type { CtkWorld } from '../world.ts';
import { expect } from 'chai';
import { couldNotJudge, reportRootCause } from '../verdict/check.ts';
import { requirementApplies } from '../target/applicability.ts';
import type { NotTestable } from '../oauth/token-requests.ts';
import { stateKey } from '../scenario-state.ts';
import { bearer, callGateway, isSuccess } from '../gateway/gateway-client.ts';
import { underControl } from '../gateway/positive-control.ts';
import { withTokenChallenge } from '../gateway/verdicts.ts';
import { isTagged } from '../oauth/scenario.ts';
import { describeOutcome, type Exchange } from '../http/exchange.ts';
import { baseOf } from './crafted.ts';
import { NO_SIGNER_REMEDY, testSignerOf } from './test-signer.ts';
import { judgeGatewayRefusal, type PresentedToken } from './gateway.ts';
import { serveKeySource, type ServedKeySource } from './key-source-server.ts';
import { selfSignedCertificatePem } from './self-signed-cert.ts';

const encoder = new TextEncoder();
const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** One RSA key pair per run that no issuer published: it signs the jku/x5u tokens and the oversized ones. */
let kitPair: Promise<{ privateKey: KeyObject; publicKey: KeyObject }> | undefined;
const kitKeyPair = () => (kitPair ??= promisify(generateKeyPair)('rsa', { modulusLength: 2048 }));

const freshKid = () => `ctk-attack-${randomBytes(6).toString('hex')}`;

async function signedByKit(claims: Record<string, unknown>, header: Record<string, unknown>): Promise<string> {
  const { privateKey } = await kitKeyPair();
  return new CompactSign(encoder.encode(JSON.stringify(claims))).setProtectedHeader({ ...header, alg: 'RS256' }).sign(privateKey);
}

/** HS256 by hand: jose will not take an empty secret, and the /dev/null attack is exactly that. */
function hs256(header: Record<string, unknown>, claims: Record<string, unknown>, secret: string): string {
  const input = `${b64url({ ...header, alg: 'HS256' })}.${b64url(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** "the gateway fetched ... 1 time" / "did not fetch it", for the diagnosis of a jku / x5u token. */
const fetchNote = (source: ServedKeySource, what: string) => (): string => {
  const n = source.fetches();
  return n === 0
    ? `the gateway did not fetch the ${what} the token names, served by the kit at 127.0.0.1`
    : `the gateway fetched the ${what} the token names ${n} time${n === 1 ? '' : 's'}: a URL from the token, RFC 8725 §3.10`;
};

/** A key a SQL key lookup would return for the injected kid below: `... WHERE kid = '<kid>'`. */
const INJECTED_SECRET = 'ctk-injected-secret';
const SQL_KID = `ctk' UNION SELECT '${INJECTED_SECRET}' --`;
const TRAVERSAL_KID = '../../../../../../../../dev/null';

export const HEADER_ATTACKS = [
  "signed with a key of the kit's that a JWK Set URL in its header offers (jku)",
  "signed with a key of the kit's whose self-signed certificate an X.509 URL in its header offers (x5u)",
  'signed with HS256 and an empty secret, under a kid that climbs to /dev/null',
  'signed with HS256 and a secret of its own, under a kid that smuggles SQL into a key lookup',
] as const;

export async function headerAttackToken(world: CtkWorld, attack: string): Promise<PresentedToken | NotTestable> {
  const base = await baseOf(world);
  if ('notTestable' in base) return base;
  const { claims } = base;
  const typ = base.header.typ ?? 'at+jwt';
  switch (attack) {
    case HEADER_ATTACKS[0]: {
      const kid = freshKid();
      const jwk = { ...(await exportJWK((await kitKeyPair()).publicKey)), kid, alg: 'RS256', use: 'sig' };
      const source = await serveKeySource('jwks.json', JSON.stringify({ keys: [jwk] }), 'application/jwk-set+json');
      return {
        token: await signedByKit(claims, { typ, kid, jku: source.url }),
        description: "a token signed with the kit's own key, whose jku header names a JWK Set holding that key (served by the kit)",
        aside: fetchNote(source, 'JWK Set URL (jku)'),
      };
    }
    case HEADER_ATTACKS[1]: {
      const pem = selfSignedCertificatePem(await kitKeyPair(), 'auth-ctk x5u probe (trust no token that names me)');
      const source = await serveKeySource('chain.pem', pem, 'application/pem-certificate-chain');
      return {
        token: await signedByKit(claims, { typ, x5u: source.url }),
        description: "a token signed with the kit's own key, whose x5u header names a self-signed certificate of that key (served by the kit)",
        aside: fetchNote(source, 'X.509 URL (x5u)'),
      };
    }
    case HEADER_ATTACKS[2]:
      return { token: hs256({ typ, kid: TRAVERSAL_KID }, claims, ''), description: `a token signed with HS256 and an empty secret, whose kid is the path ${JSON.stringify(TRAVERSAL_KID)}` };
    case HEADER_ATTACKS[3]:
      return { token: hs256({ typ, kid: SQL_KID }, claims, INJECTED_SECRET), description: `a token signed with HS256 and the secret its kid ${JSON.stringify(SQL_KID)} would make a SQL key lookup return` };
    default:
      throw new Error(`unknown header attack "${attack}": one of ${HEADER_ATTACKS.join(' | ')}`);
  }
}

/** Sizes of the oversized tokens, by the words the feature uses. */
export const OVERSIZED: Readonly<Record<string, number>> = { '12 KiB': 12 * 1024, '16 KiB': 16 * 1024, '64 KiB': 64 * 1024 };

/**
 * A forged token of `size` (to within a character): the claims a token of the system client carries (as the profile
 * describes them; no token is requested), signed with a key no issuer published, padded with a claim of its own —
 * or, `inKid`, with a kid that takes up most of it: the JOSE header is what a gateway reads first (to find the key),
 * and a kid of kilobytes is what its key lookup, its key cache and its log lines then hold.
 */
export async function oversizedToken(world: CtkWorld, size: string, inKid = false): Promise<PresentedToken> {
  const length = OVERSIZED[size];
  if (length === undefined) throw new Error(`unknown token size "${size}": one of ${Object.keys(OVERSIZED).join(' | ')}`);
  const now = Math.floor(Date.now() / 1000);
  const client = world.target.clients.system.clientId;
  const claims: Record<string, unknown> = {
    iss: world.target.issuer,
    ...(world.target.audience !== undefined ? { aud: world.target.audience } : {}),
    sub: client,
    client_id: client,
    iat: now,
    exp: now + 300,
    jti: `ctk-${randomBytes(8).toString('hex')}`,
  };
  const kid = freshKid();
  const padded = (n: number) =>
    inKid ? signedByKit(claims, { typ: 'at+jwt', kid: `${kid}-${'k'.repeat(n)}` }) : signedByKit({ ...claims, ctk_padding: 'x'.repeat(n) }, { typ: 'at+jwt', kid });
  // base64url grows 4 characters per 3 bytes: pad, then trim towards the length (the signature's size is fixed; a
  // base64url part cannot have every length, so the token may come out a character short).
  let padding = 0;
  let token = await padded(0);
  for (let i = 0; i < 4 && token.length !== length; i++) {
    padding = Math.max(0, padding + Math.floor(((length - token.length) * 3) / 4));
    token = await padded(padding);
    if (token.length > length) padding -= 1;
  }
  const what = inKid ? `, ${padding + kid.length + 1} characters of it a kid in its header` : '';
  return {
    token,
    description: `a forged token of ${token.length} characters (${size}${what}; signed with a key no issuer published), in an Authorization header of ${token.length + 'Bearer '.length} bytes`,
  };
}

// --- needs the target's signer: crit, a missing typ, iat in the future -----------------------------------------

/** A header extension no gateway can know (RFC 7515 §4.1.11: names in crit must occur in the header). */
const UNKNOWN_EXTENSION = 'urn:auth-ctk:must-understand';

const SIGNER_CONTROL = stateKey<string>("the trusted signer's valid token (the control of a signed attack)");
const SIGNER_CLAIMS = stateKey<Record<string, unknown>>("the claims of the trusted signer's valid token");

/** How far ahead the iat of the future-dated token lies (issue 20's "far in the future"): an hour, beyond any leeway. */
const IAT_AHEAD_S = 3600;

/**
 * What the signer puts into the header of an otherwise valid token (or, `claims`, changes in its claims), by the
 * words the feature uses; `claims` returns the description.
 */
interface SignedAttack {
  readonly header: Record<string, unknown>;
  readonly description: string;
  readonly claims?: (claims: Record<string, unknown>, leewayS: number) => string;
}

const SIGNED_ATTACKS: Readonly<Record<string, SignedAttack>> = {
  'whose crit header lists an extension no gateway understands': {
    header: { crit: [UNKNOWN_EXTENSION], [UNKNOWN_EXTENSION]: 'the recipient must understand this or refuse the token' },
    description: `a correctly signed token whose crit header lists the extension ${JSON.stringify(UNKNOWN_EXTENSION)}, which no gateway understands`,
  },
  'without a typ header': {
    // null: the signer leaves its default typ (at+jwt) out.
    header: { typ: null },
    description: 'a correctly signed token with the claims of a valid one and no typ header',
  },
  // RFC 7519 §4.1.6: iat is when the token was issued; an hour ahead, and exp an hour after it, so that only iat is odd.
  'issued an hour in the future': {
    header: {},
    description: 'a correctly signed token whose iat is an hour in the future',
    claims: (c, leeway) => {
      const now = Math.floor(Date.now() / 1000);
      Object.assign(c, { iat: now + IAT_AHEAD_S, exp: now + 2 * IAT_AHEAD_S });
      return `a correctly signed token whose iat is ${IAT_AHEAD_S} s ahead of now (the gateway's leeway ${leeway} s) and exp ${2 * IAT_AHEAD_S} s ahead, valid in every other claim`;
    },
  },
};

/**
 * The signer's token with the system client's claims and the header `attack` names, and the same token without it:
 * the plain one is the control, showing the gateway trusts the signer at all, so refusing the other means something.
 */
export async function signedAttackToken(world: CtkWorld, attack: string): Promise<PresentedToken | NotTestable> {
  const wanted = SIGNED_ATTACKS[attack];
  if (!wanted) throw new Error(`unknown signed attack "${attack}": one of ${Object.keys(SIGNED_ATTACKS).join(' | ')}`);
  const signer = testSignerOf(world);
  if (!signer) return { notTestable: 'the target has no test-token signer: only a token with a correct signature shows that the gateway refuses it for its header or claims', remedy: NO_SIGNER_REMEDY };
  const base = await baseOf(world);
  if ('notTestable' in base) return base;
  // iss and aud as the target declares them, as signerToken (crafted.ts) does.
  const claims = { ...base.claims, iss: world.target.issuer, ...(world.target.audience !== undefined ? { aud: world.target.audience } : {}) };
  world.state.remember(SIGNER_CONTROL, await signer.sign(claims));
  world.state.remember(SIGNER_CLAIMS, claims);
  if (!wanted.claims) return { token: await signer.sign(claims, wanted.header), description: wanted.description };
  const changed: Record<string, unknown> = { ...claims };
  const description = wanted.claims(changed, world.target.limits.clockSkewSeconds);
  return { token: await signer.sign(changed, wanted.header), description };
}

/**
 * A refusal of the signer's attack token, judged under `requirement` (REQ-BEARER-17 for crit, RFC 7515 §4.1.11;
 * REQ-BEARER-18 for a missing typ, RFC 9068 §4; REQ-BEARER-19 for an iat in the future, RFC 7519 §4.1.6) only where
 * the gateway serves the signer's plain token: a gateway that does not trust the signer would refuse the attack for
 * its key alone.
 */
export async function judgeSignedAttackRefusal(world: CtkWorld, exchange: Exchange, situation: string, requirement: string): Promise<void> {
  const judged = withTokenChallenge(world, [requirement, ...['REQ-BEARER-05'].filter((id) => isTagged(world, id))]);
  const expected = `the gateway refuses ${situation} with a 4xx`;
  if (!(await underControl(world, 'protected', judged, expected))) return;
  const control = await callGateway(world, { route: 'protected', authorization: bearer(world.state.recall(SIGNER_CONTROL)), keepAsLast: false });
  if (!isSuccess(control)) {
    for (const id of judged) {
      couldNotJudge(world, {
        requirement: id,
        expected,
        why: `the gateway does not serve the trusted signer's plain token either (${describeOutcome(control)}), so its refusal of this one proves nothing; the signer's REQ-BEARER-01 scenario reports the signer`,
      });
    }
    return;
  }
  world.log(`signer control: the gateway serves the trusted signer's plain token — ${describeOutcome(control)}`);
  if (requirement === MISSING_TYP && isSuccess(exchange) && (await typIgnored(world, `the gateway refuses ${situation} with a 4xx (the resource is not served)`))) return;
  await judgeGatewayRefusal(world, exchange, situation, requirement);
}

/** A correctly signed token without typ (RFC 9068 §4, read both ways: a SHOULD here). */
const MISSING_TYP = 'REQ-BEARER-18';
/** The requirement a gateway that serves a correctly signed token of typ "JWT" breaks (RFC 9068 §4: MUST reject it). */
const WRONG_TYP_ROOT = 'REQ-BEARER-04';

/**
 * One cause, one finding (support/verdict/check.ts reportRootCause). A token without typ that the gateway served is,
 * where the same claims signed with typ "JWT" are served too, a gateway that does not look at typ at all: REQ-BEARER-04's
 * finding (RFC 9068 §4: a typ other than at+jwt MUST be rejected), and REQ-BEARER-18 is not judged on it. The "JWT"
 * token is sent only after the served token without typ; where it is refused (a gateway that checks typ only where
 * there is one), the missing typ is REQ-BEARER-18's own finding. A route that serves a request without any
 * credentials is REQ-ANON-04's root (judgeGatewayRefusal), not this one. True when it reported.
 */
async function typIgnored(world: CtkWorld, expected: string): Promise<boolean> {
  const signer = testSignerOf(world);
  if (!signer || !world.state.has(SIGNER_CLAIMS) || !requirementApplies(world.target, WRONG_TYP_ROOT)) return false;
  const probe = await callGateway(world, { route: 'protected', authorization: bearer(await signer.sign(world.state.recall(SIGNER_CLAIMS), { typ: 'JWT' })), keepAsLast: false });
  if (!isSuccess(probe)) return false;
  if (isSuccess(await callGateway(world, { route: 'protected', keepAsLast: false }))) return false;
  reportRootCause(
    world,
    { requirement: WRONG_TYP_ROOT, expected: 'the gateway refuses a correctly signed token with typ "JWT" instead of "at+jwt" with a 4xx', observed: `the same claims signed with typ "JWT": ${describeOutcome(probe)}` },
    () => expect(isSuccess(probe), 'admitted').to.equal(false),
    [{ requirement: MISSING_TYP, expected }],
    { why: `the same claims signed with typ "JWT" are served too (${describeOutcome(probe)}): the gateway does not check typ at all` },
  );
  return true;
}
