/**
 * The kit as the web front end of seeds 000/003: it starts a human login in a real browser (authorization
 * code + PKCE, RFC 6749 §4.1, RFC 7636), lets the user type their credentials on the IdP's own login page,
 * receives the redirect at its redirect URI, checks `state` (its CSRF duty, RFC 6749 §10.12) and redeems the
 * code with its code_verifier.
 *
 * The IdP's pages are attached as screenshots; the password is only ever typed into an <input type="password">,
 * which is masked in every screenshot, and never logged (the redactor knows every test user's password).
 */
import type { Page, Response } from 'playwright-core';
import { expect } from 'chai';
import { check, couldNotJudge } from '../verdict/check.ts';
import type { CtkWorld } from '../world.ts';
import type { TestUser } from '../target/target.ts';
import { redact } from '../http/redact.ts';
import { browserSession, type BrowserSession } from './session.ts';
import { CallbackReceiver, type CallbackHit } from './callback.ts';
import { codeVerifier, s256Challenge, stateValue } from './pkce.ts';
import { BrowserLoginSetupError } from './errors.ts';
import { NotTestableError } from '../verdict/not-testable.ts';
import { scenarioRequirementIds } from './scenario-state.ts';
import { fillCredentials, loginFormSelectors, pageLabel, pendingFormButton, submit, UnrecognisedPageError, visible, visibleError } from './login-form.ts';

/** RFC 8252 §7.3 loopback redirect URI when the target's web client names none (the reference's default). */
export const DEFAULT_REDIRECT_URI = 'http://127.0.0.1/callback';

/**
 * Runs a browser step; a missing prerequisite (BrowserLoginSetupError) makes the scenario NOT TESTABLE with
 * its remedy instead of failing it.
 */
export async function orNotTestable<T>(world: CtkWorld, step: () => Promise<T>): Promise<T | 'skipped'> {
  try {
    return await step();
  } catch (error) {
    if (!(error instanceof BrowserLoginSetupError)) throw error;
    return world.notTestable(scenarioRequirementIds(world), error.detail, error.remedy);
  }
}

export interface AuthorizationRequest {
  readonly url: string;
  readonly clientId: string;
  readonly redirectUri: string;
  /** null: sent without state. */
  readonly state: string | null;
  readonly codeVerifier: string;
  readonly codeChallenge: string;
}

export type LoginResult =
  /** The browser came back to the front end (with a code, or with an error, RFC 6749 §4.1.2.1). */
  | {
      readonly kind: 'redirected';
      readonly callback: CallbackHit;
      readonly code?: string;
      readonly error?: string;
      readonly returnedState: string | null;
      /** The front end's own CSRF check (RFC 6749 §10.12): the state came back as sent. */
      readonly stateMatches: boolean;
    }
  /** The login page shows an error message and the browser stayed with the IdP. */
  | { readonly kind: 'login-error'; readonly message: string }
  /**
   * The login form came back, without any error message the kit can see (browserLogin.selectors.error). `newText`:
   * visible text the page shows now and did not show before the submit — a message the selectors do not find.
   */
  | { readonly kind: 'form-again'; readonly newText?: string }
  /** Neither within the bound: a page the kit does not understand, or no answer at all (a blocked IP). */
  | { readonly kind: 'no-outcome'; readonly detail: string; readonly status?: number };

export interface HumanLogin {
  readonly user: TestUser;
  readonly request: AuthorizationRequest;
  readonly result: LoginResult;
  /** When the login page was opened and when the result was known (epoch ms, local clock): the audit window. */
  readonly startedAt: number;
  readonly endedAt: number;
  /** The loopback address the browser's traffic came from, when it was not the run's own. */
  readonly sourceAddress?: string;
}

export interface LoginOptions {
  /** Type this password instead of the user's (a wrong-password check). */
  readonly password?: string;
  /** The state to send; null sends none; default: a fresh unguessable value. */
  readonly state?: string | null;
  /** Let the browser's traffic come from this loopback address (see source-proxy.ts). */
  readonly sourceAddress?: string;
  /** Awaited before the login page is opened and before each submit (the run's load cap, for failed logins). */
  readonly beforeRequest?: () => Promise<void>;
}

/** A wrong password for `user` that is certainly not theirs, and never a registered secret. */
export const wrongPasswordFor = (user: TestUser): string => `not-the-password-of-${user.username}-${user.password.length}x`;

/** Builds the authorization request of RFC 6749 §4.1.1 with RFC 7636 §4.3 parameters. */
export function authorizationRequest(world: CtkWorld, redirectUri: string, state: string | null): AuthorizationRequest {
  const target = world.target;
  const web = target.clients.web;
  if (!web) {
    throw new BrowserLoginSetupError('the target names no web front end client (clients.web)', 'describe the client the front end logs humans in with in the target profile');
  }
  const endpoint = target.browserLogin?.loginUrl ?? target.authorizationEndpoint;
  if (!endpoint) {
    throw new BrowserLoginSetupError('the target names no login URL (browserLogin.loginUrl or authorizationEndpoint)', 'add the authorization endpoint to the target profile');
  }
  const verifier = codeVerifier();
  const challenge = s256Challenge(verifier);
  const url = new URL(endpoint);
  const params: Record<string, string> = {
    response_type: 'code',
    client_id: web.clientId,
    redirect_uri: redirectUri,
    scope: target.browserLogin?.scope ?? web.scopes.join(' '),
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...(state !== null ? { state } : {}),
    ...(target.browserLogin?.extraParams ?? {}),
  };
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return { url: url.toString(), clientId: web.clientId, redirectUri, state, codeVerifier: verifier, codeChallenge: challenge };
}

const receivers = new WeakMap<BrowserSession, CallbackReceiver>();

/** Opens the login page in the scenario's browser for a new authorization request. */
async function openLoginPage(world: CtkWorld, options: LoginOptions): Promise<{ session: BrowserSession; receiver: CallbackReceiver; request: AuthorizationRequest; status?: number; failure?: string }> {
  const session = await browserSession(world, options.sourceAddress ? { sourceAddress: options.sourceAddress } : {});
  // A second login in the same context would ride on the first one's IdP session (single sign-on) and come
  // back with a code for the FIRST user: every login starts without cookies.
  await session.context.clearCookies();
  const registered = world.target.clients.web?.redirectUri ?? DEFAULT_REDIRECT_URI;
  // One receiver per session at a time: a redirect URI with a fixed port can be listened on only once.
  await receivers.get(session)?.close();
  const receiver = await CallbackReceiver.start(registered);
  receivers.set(session, receiver);
  session.closers.push(() => receiver.close());
  const request = authorizationRequest(world, receiver.redirectUri, options.state === undefined ? stateValue() : options.state);
  try {
    const response = await session.page.goto(request.url, { waitUntil: 'load' });
    await session.screenshot('login page');
    const status = response?.status();
    // An HTTP error instead of a login page is the target's answer, not a setup problem.
    if (status !== undefined && status >= 400) return { session, receiver, request, status, failure: `HTTP ${status} at ${pageLabel(session.page)}` };
    return { session, receiver, request, ...(status !== undefined ? { status } : {}) };
  } catch (error) {
    // No page at all: the IdP refused the connection (seed 001: a blocked IP sees connection errors).
    return { session, receiver, request, failure: redact((error as Error).message.split('\n')[0] ?? String(error)) };
  }
}

/** What to do about a login the rate limit answered (the page, or the submitted form). */
const RATE_LIMITED_LOGIN_REMEDY = 'run again with less load on the OAuth endpoints; the REQ-RL scenarios judge the limit itself';

/**
 * A 429 instead of the login page is the rate limit's answer (RFC 6585 §4), about the address's request rate, not
 * about logging in: measured against oauth-endpoints-one-counter-for-every-ip, another worker's burst filled the one
 * counter and REQ-HUM-01 failed beside REQ-RL-12. The REQ-RL scenarios judge the limit; the login is not testable then.
 */
export function loginPageRateLimited(status: number | undefined, failure: string | undefined): NotTestableError | undefined {
  if (status !== 429) return undefined;
  return new NotTestableError(`the login page answered with the rate limit (${failure ?? 'HTTP 429'}), not with a login page`, {
    remedy: RATE_LIMITED_LOGIN_REMEDY,
  });
}

/**
 * The same after the credentials were submitted: the browser rests on a 429 (the login's POST met the limit). Measured
 * in a whole run of oauth-endpoints-one-counter-for-every-ip: REQ-HUM-01 failed beside REQ-RL-12, "it is at
 * .../auth/... (HTTP 429)". Not for the repeated wrong passwords of the IP-block checks, where an answer that is no
 * login page may be the block itself (failLoginRepeatedly keeps it).
 */
export function loginSubmissionRateLimited(result: LoginResult): NotTestableError | undefined {
  if (result.kind !== 'no-outcome' || result.status !== 429) return undefined;
  return new NotTestableError(`the IdP answered the submitted login with the rate limit (${result.detail}), not with a code or a login error`, {
    remedy: RATE_LIMITED_LOGIN_REMEDY,
  });
}

/**
 * One login in the browser: open the login page, type the credentials, submit, and wait (bounded) for either
 * the redirect to the front end or a visible login error. The result says which; judging it is the caller's.
 */
export async function logInThroughBrowser(world: CtkWorld, user: TestUser, options: LoginOptions = {}): Promise<HumanLogin> {
  const startedAt = Date.now();
  const opened = await openLoginPage(world, options);
  const { session, receiver, request } = opened;
  const login = (result: LoginResult): HumanLogin => ({
    user,
    request,
    result,
    startedAt,
    endedAt: Date.now(),
    ...(options.sourceAddress ? { sourceAddress: options.sourceAddress } : {}),
  });
  const rateLimited = loginPageRateLimited(opened.status, opened.failure);
  if (rateLimited) throw rateLimited;
  if (opened.failure) return login({ kind: 'no-outcome', detail: `the login page did not load: ${opened.failure}` });
  // Straight back to the front end without a login page (an error redirect, RFC 6749 §4.1.2.1, or an SSO session).
  if (receiver.received[0]) return login(redirected(receiver.received[0], request));
  // With the user's own password a page that waits for an answer the kit cannot give is a setup matter (see below).
  const result = await submitCredentials(world, session, receiver, request, user, options.password ?? user.password, true, options.password === undefined);
  const limited = loginSubmissionRateLimited(result);
  if (limited) throw limited;
  return login(result);
}

/**
 * Submits wrong passwords `times` times on one login page (the form comes back after each failure), as a
 * person who keeps mistyping would. Stops early when the page no longer offers the form (the IP is blocked).
 * Returns each attempt's result.
 */
export async function failLoginRepeatedly(world: CtkWorld, user: TestUser, times: number, options: LoginOptions = {}): Promise<LoginResult[]> {
  await options.beforeRequest?.();
  const opened = await openLoginPage(world, options);
  if (opened.failure) return [{ kind: 'no-outcome', detail: `the login page did not load: ${opened.failure}` }];
  if (opened.receiver.received[0]) return [redirected(opened.receiver.received[0], opened.request)];
  const results: LoginResult[] = [];
  for (let attempt = 1; attempt <= times; attempt++) {
    // Screenshots of the first and the last attempt: the ones between look the same and cost time.
    const screenshots = attempt === 1 || attempt === times;
    await options.beforeRequest?.();
    const result = await submitCredentials(world, opened.session, opened.receiver, opened.request, user, options.password ?? wrongPasswordFor(user), screenshots);
    results.push(result);
    // Go on while the form is offered again; a redirect, or no page at all (a blocked IP), ends the attempts.
    if (result.kind !== 'login-error' && result.kind !== 'form-again') break;
  }
  return results;
}

async function submitCredentials(
  world: CtkWorld,
  session: BrowserSession,
  receiver: CallbackReceiver,
  request: AuthorizationRequest,
  user: TestUser,
  password: string,
  screenshots = true,
  rightPassword = false,
): Promise<LoginResult> {
  const { page } = session;
  const selectors = loginFormSelectors(world.target);
  const timeoutMs = world.target.limits.requestTimeoutMs;
  // Screenshots show the IdP's pages where something is decided (the login page, an error, a consent page, no
  // outcome): a filled form (password masked) and the kit's own callback page add nothing a vendor can act on,
  // and each capture costs ~0.15 s of a 2-core machine. The redirect itself is recorded as evidence (session.ts).
  await fillCredentials(page, selectors, user.username, password, timeoutMs);
  const textBefore = await visibleLines(page);
  const seenBefore = receiver.received.length;
  const deadline = Date.now() + timeoutMs;
  let lastStatus: number | undefined;
  const onResponse = (response: Response) => {
    if (response.request().isNavigationRequest() && response.frame() === page.mainFrame()) lastStatus = response.status();
  };
  page.on('response', onResponse);
  try {
    let consented = false;
    // Each round waits (event-driven, bounded by the deadline) for the next page the browser settles on, or
    // for the front end to receive the redirect; then looks at that page once.
    let nextLoad = page.waitForEvent('load', { timeout: timeoutMs }).then(() => 'load' as const, () => 'timeout' as const);
    await submit(page, selectors, timeoutMs);
    while (Date.now() < deadline) {
      const waited = await Promise.race([nextLoad, receiver.nth(seenBefore, Math.max(1, deadline - Date.now())).then(() => 'redirect' as const, () => 'timeout' as const)]);
      if (receiver.received.length > seenBefore) {
        const landing = receiver.redirectUri.split('?')[0]!;
        await page.waitForURL((url) => url.toString().startsWith(landing), { waitUntil: 'load', timeout: timeoutMs }).catch(() => undefined);
        return redirected(receiver.received[seenBefore]!, request);
      }
      if (waited === 'timeout') break;
      nextLoad = page.waitForEvent('load', { timeout: Math.max(1, deadline - Date.now()) }).then(() => 'load' as const, () => 'timeout' as const);
      const message = await visibleError(page, selectors).catch(() => undefined);
      if (message) {
        if (screenshots) await session.screenshot('login error');
        return { kind: 'login-error', message: redact(message) };
      }
      if ((await visible(page, selectors.password).count().catch(() => 0)) > 0) {
        // A new page with the login form on it and no message: the login failed, silently.
        if (screenshots) await session.screenshot('login form again');
        const newText = [...(await visibleLines(page))].filter((line) => !textBefore.has(line)).join(' / ').slice(0, 200);
        return { kind: 'form-again', ...(newText ? { newText: redact(newText) } : {}) };
      }
      if (!consented && (await visible(page, selectors.consent).count().catch(() => 0)) > 0) {
        // A consent page (RFC 6749 §4.1.1: the server obtains an authorization decision): the test user grants it.
        await session.screenshot('consent page');
        await visible(page, selectors.consent).click({ noWaitAfter: true });
        consented = true;
      }
    }
    // No new page within the bound: an in-page (script) error message is the last thing to look for.
    const message = await visibleError(page, selectors).catch(() => undefined);
    if (message && receiver.received.length === seenBefore) {
      await session.screenshot('login error');
      return { kind: 'login-error', message: redact(message) };
    }
    // After the right password the browser rests on a page that waits for the user (a form with a button) and is
    // neither the login form nor a recognised consent page: the kit cannot answer it, so it cannot know whether a
    // code would follow. Not testable with the remedy, never a failed REQ-HUM-01 (a documented consent page, like
    // oidc-provider's example "Continue" form, is a correct IdP asking a question).
    if (rightPassword && receiver.received.length === seenBefore) {
      const button = await pendingFormButton(page, selectors).catch(() => undefined);
      if (button !== undefined) {
        await session.screenshot('unrecognised page');
        throw new UnrecognisedPageError(pageLabel(page), button, selectors.consent);
      }
    }
    await session.screenshot('no outcome');
    return {
      kind: 'no-outcome',
      detail: `within ${timeoutMs} ms after submitting, the browser neither came back to the front end nor showed a login error (${selectors.error}); it is at ${pageLabel(page)}${lastStatus ? ` (HTTP ${lastStatus})` : ''}`,
      ...(lastStatus !== undefined ? { status: lastStatus } : {}),
    };
  } finally {
    page.off('response', onResponse);
  }
}

/** The page's visible text, line by line (input values are no text: the password never appears). */
async function visibleLines(page: Page): Promise<Set<string>> {
  const text = await page.locator('body').innerText({ timeout: 1_000 }).catch(() => '');
  return new Set(text.split('\n').map((line) => line.trim()).filter((line) => line !== ''));
}

/**
 * REQ-HUM-04 (seed 004: the failure is reported to the user): the login page shows an error after a wrong password.
 * A form that came back with new text the error selectors do not find shows the user SOMETHING the kit cannot
 * read as the error or not: not judged, naming the text and the remedy — never failed against a page whose
 * message is only placed differently. A form that came back with no new text at all is the failure.
 */
export function judgeLoginErrorShown(world: CtkWorld, result: LoginResult): void {
  const expected = 'the login page shows an error message after a wrong password';
  if (result.kind === 'form-again' && result.newText) {
    const selectors = loginFormSelectors(world.target);
    couldNotJudge(world, {
      requirement: 'REQ-HUM-04',
      expected,
      observed: describeLogin(result),
      why: `the login form came back showing new text ${JSON.stringify(result.newText)} that the error selectors (${selectors.error}) do not find; if it is the login error, name it in browserLogin.selectors.error`,
    });
    return;
  }
  check(world, { requirement: 'REQ-HUM-04', expected, observed: describeLogin(result) }, () => expect(result.kind).to.equal('login-error'));
}

function redirected(callback: CallbackHit, request: AuthorizationRequest): LoginResult {
  const returnedState = callback.params.get('state');
  const code = callback.params.get('code') ?? undefined;
  const error = callback.params.get('error') ?? undefined;
  return {
    kind: 'redirected',
    callback,
    ...(code !== undefined ? { code } : {}),
    ...(error !== undefined ? { error } : {}),
    returnedState,
    stateMatches: returnedState === request.state,
  };
}

/** One line for messages: what the login came to, without the code. */
export function describeLogin(result: LoginResult): string {
  switch (result.kind) {
    case 'redirected':
      return result.code
        ? `the browser came back to the front end with a code${result.returnedState === null ? ' and no state' : ''}`
        : `the browser came back to the front end with error=${JSON.stringify(result.error ?? null)} and no code`;
    case 'login-error':
      return `the login page showed the error ${JSON.stringify(result.message)}`;
    case 'form-again':
      return result.newText
        ? `the login form came back with new text the error selectors do not find: ${JSON.stringify(result.newText)}`
        : 'the login form came back without any error message';
    case 'no-outcome':
      return result.detail;
  }
}

/**
 * The code the front end may redeem. The front end redeems only a code that came back with the state it sent
 * (RFC 6749 §10.12, its CSRF duty). In the kit's own flow nobody else touches the redirect, so a missing code
 * is the IdP's miss of REQ-HUM-01 and a different state its miss of REQ-HUM-02: judged here, where the front
 * end would otherwise just stop, so that every scenario names the real cause.
 */
export function codeForRedemption(world: CtkWorld, login: HumanLogin): string {
  const result = login.result;
  check(world, { requirement: 'REQ-HUM-01', expected: `${login.user.username}'s login comes back to the front end with a code`, observed: describeLogin(result) }, () =>
    expect(result.kind === 'redirected' && result.code).to.be.a('string').and.not.empty,
  );
  const returned = result.kind === 'redirected' ? result.returnedState : null;
  check(world, {
    requirement: 'REQ-HUM-02',
    expected: `the redirect carries state ${JSON.stringify(login.request.state)} as sent (the front end redeems no code without it: RFC 6749 §10.12)`,
    observed: `state=${JSON.stringify(returned)}`,
  }, () => expect(returned).to.equal(login.request.state));
  return (result as { code: string }).code;
}
