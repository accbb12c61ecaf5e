/**
 * REQ-TOK-27 (RFC 6749 §5.2): the characters of a token endpoint error's error_description (%x20-21 / %x23-5B /
 * %x5D-7E) and error_uri (%x21 / %x23-5B / %x5D-7E). An IdP writes its descriptions in one place, so one defect shows
 * in every refusal: the judge reads the answers to a few requests refused for different reasons together and reports
 * them as one finding. Offending characters are named by code point and position, never by pasting a long description.
 */
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import { describeOutcome, jsonOf, type Exchange } from '../http/exchange.ts';
import type { ClientCredentials } from '../target/target.ts';
import { check, couldNotJudge } from '../verdict/check.ts';
import { isNotTestable, tokenRequest, type NotTestable, type TokenRequestSpec } from './token-requests.ts';
import { UNKNOWN_SCOPE } from './scope.ts';
import { registeredAuthMethod } from './token-client.ts';
import { describeAuth } from './clients.ts';
import { issuedAToken } from './token-errors.ts';
import { ordinaryControl, refusalUnderControl } from './refusal-control.ts';

/** One refused request: what was sent, in the vendor's words, and what came back. */
export interface SentRefusal {
  readonly situation: string;
  readonly exchange: Exchange;
}

/** The grant type no server knows, as in token-issuance.feature's unsupported_grant_type cases. */
const UNKNOWN_GRANT = 'urn:auth-ctk:test:unknown-grant';

/**
 * Four requests the endpoint refuses for reasons that come from different places of a server (client
 * authentication, the request's form, the grant, the scope), each from a failure address. The unknown scope may be
 * granted without it (RFC 6749 §3.3): that answer is no error and is left out of the judgement.
 */
export async function refusalsOfFourKinds(world: CtkWorld, client: ClientCredentials): Promise<SentRefusal[] | NotTestable> {
  const specs: TokenRequestSpec[] = [
    { wrongSecret: true, situation: `a wrong client secret ${describeAuth(registeredAuthMethod(client))} for ${client.clientId}` },
    { grantType: null, expectRefusal: true, situation: 'a token request without grant_type' },
    { grantType: UNKNOWN_GRANT, expectRefusal: true, situation: `a token request with the unknown grant_type "${UNKNOWN_GRANT}"` },
    { scope: [UNKNOWN_SCOPE], expectRefusal: true, situation: `a token request for only "${UNKNOWN_SCOPE}", a scope the target does not know` },
  ];
  const sent: SentRefusal[] = [];
  for (const spec of specs) {
    const exchange = await tokenRequest(world, client, spec);
    if (isNotTestable(exchange)) return exchange;
    sent.push({ situation: spec.situation, exchange });
  }
  // Error answers are read only where the client's ordinary request gets a token (refusal-control.ts): an endpoint that
  // refuses every request writes its errors somewhere its real error path never runs. One control for the four.
  const refused = sent.find((s) => !issuedAToken(s.exchange));
  if (refused) await refusalUnderControl(world, refused.exchange, `the four requests (${sent.map((s) => s.situation).join('; ')})`, ordinaryControl(world, client));
  return sent;
}

/** RFC 6749 §5.2 (Appendix A.7, A.8): the characters each parameter may hold. */
const ALLOWED: Readonly<Record<'error_description' | 'error_uri', RegExp>> = {
  error_description: /^[\x20\x21\x23-\x5b\x5d-\x7e]$/,
  error_uri: /^[\x21\x23-\x5b\x5d-\x7e]$/,
};

/** Offending characters listed in one finding per parameter; the rest are counted. */
const LISTED = 5;

const codePoint = (c: string): string => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * What is wrong with one parameter's value, or undefined: "error_description (172 characters) holds U+000D at 78,
 * U+000A at 79 (+4 more), first near "provided.\r\nTrace ID"". Positions count characters (code points) from 0.
 */
export function characterProblem(name: keyof typeof ALLOWED, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') return `${name} is a JSON ${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value}, not a string`;
  const chars = [...value];
  const bad = chars.flatMap((c, i) => (ALLOWED[name].test(c) ? [] : [{ c, i }]));
  if (bad.length === 0) return undefined;
  const listed = bad.slice(0, LISTED).map(({ c, i }) => `${codePoint(c)} at ${i}`).join(', ');
  const more = bad.length > LISTED ? ` (+${bad.length - LISTED} more)` : '';
  const first = bad[0]!.i;
  const near = JSON.stringify(chars.slice(Math.max(0, first - 12), first + 8).join(''));
  return `${name} (${chars.length} characters) holds ${listed}${more}, first near ${near}`;
}

/** A one-line account of one answer for the check's observation. */
function account({ situation, exchange }: SentRefusal): { line: string; problems: string[]; judged: boolean } {
  const json = jsonOf(exchange);
  const status = exchange.response?.status;
  if (status === undefined || status < 400 || typeof json?.error !== 'string') {
    return { line: `${situation}: ${describeOutcome(exchange)} (no JSON error object, not judged)`, problems: [], judged: false };
  }
  const problems = (['error_description', 'error_uri'] as const).flatMap((name) => characterProblem(name, json[name]) ?? []);
  const present = (['error_description', 'error_uri'] as const).filter((name) => json[name] !== undefined).map((name) => `${name} (${[...String(json[name])].length} characters)`);
  const what = problems.length > 0 ? problems.join('; ') : present.length > 0 ? `${present.join(' and ')} within the set` : 'no error_description or error_uri';
  return { line: `${situation}: HTTP ${status} ${json.error}, ${what}`, problems, judged: true };
}

/**
 * REQ-TOK-27: every JSON error answer among `sent` holds only allowed characters in error_description and error_uri
 * (absent parameters pass: both are OPTIONAL). One check over all answers, so one defect is one finding.
 */
export function judgeErrorParameterCharacters(world: CtkWorld, sent: readonly SentRefusal[]): void {
  const expected =
    'error_description and error_uri, where present, in the characters RFC 6749 §5.2 allows: printable ASCII but " and \\ ' +
    '(%x20-21 / %x23-5B / %x5D-7E; error_uri without the space too), so no CR, LF, TAB or other control character and no non-ASCII';
  const accounts = sent.map(account);
  if (!accounts.some((a) => a.judged)) {
    couldNotJudge(world, { requirement: 'REQ-TOK-27', expected, why: `no answer is a JSON error object (REQ-TOK-09 judges their format): ${accounts.map((a) => a.line).join('; ')}` });
    return;
  }
  const offending = accounts.filter((a) => a.problems.length > 0);
  const observed = offending.length > 0 ? `${offending.length} of ${accounts.length} answers break the set (positions count characters from 0): ${offending.map((a) => a.line).join(' | ')}` : accounts.map((a) => a.line).join(' | ');
  check(world, { requirement: 'REQ-TOK-27', expected, observed }, () =>
    expect(offending.map((a) => a.line), 'REQ-TOK-27 (RFC 6749 §5.2): error answers with characters outside the allowed set').to.deep.equal([]),
  );
}
