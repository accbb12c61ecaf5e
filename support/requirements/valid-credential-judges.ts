/**
 * The requirements whose scenarios judge that a client's registered credentials obtain a token, one per way of
 * authenticating. When a target refuses valid credentials, one of them is the finding that names the cause (REQ-TOK-01
 * where every way is refused, REQ-CAUTH-01 where only HTTP Basic is ...) and every other scenario is blocked behind it.
 * So they must be judged even when the rest of the run has used up the client IPs it may fail from: the own-address
 * guard keeps an address for them (support/oauth/own-address-guard.ts) and the run starts with them
 * (support/run/parallel.ts), REQ-TOK-01 — the cause where all ways are refused — first of all.
 */

/** In the order the run judges them: REQ-TOK-01 first. */
export const JUDGES_VALID_CREDENTIALS: readonly string[] = ['REQ-TOK-01', 'REQ-CAUTH-01', 'REQ-CAUTH-02', 'REQ-CSJWT-01', 'REQ-PKJWT-01', 'REQ-MTLS-01'];

/** Whether a scenario with these requirements judges the refusal of valid credentials. */
export const judgesValidCredentials = (requirementIds: readonly string[] | undefined): boolean =>
  (requirementIds ?? []).some((id) => JUDGES_VALID_CREDENTIALS.includes(id));
