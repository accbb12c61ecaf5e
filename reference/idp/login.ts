/**
 * The human login page of the authorization-code flow (issue 7; seeds 000, 003, 004): oidc-provider sends the
 * browser to /interaction/{uid}; this module shows a username/password form (Keycloak-style ids, so the kit's
 * default selectors fit: #username, #password, #kc-login, error in #input-error), checks the fixture users and
 * tells oidc-provider who logged in. The account id is the customer (seed 003: a human token's sub).
 * Consent is not asked: the web front end is first-party and the grant is given automatically (provider.ts).
 *
 * A wrong password shows an error on the page, issues no code, is audited and counts as a failed login of the
 * IP (seed 001 blocking). The password is never echoed into the page.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Provider } from 'oidc-provider';
import type { TestUser } from '../../support/target/target.ts';
import { sameSecret } from './grants.ts';
import { escapeHtml, readBody, sendHtml } from './http.ts';
import { loginErrorMessage, passwordAccepted } from './login-faults.ts';

export interface LoginDeps {
  readonly provider: () => Provider;
  readonly users: readonly TestUser[];
  /** Audit and failed-login counting; never given the password. */
  readonly onLogin: (req: IncomingMessage, outcome: { username: string; clientId?: string; subject?: string; ok: boolean }) => void;
}

const MAX_FORM_BYTES = 16 * 1024;

/** Handles /interaction/{uid} (GET: the form) and /interaction/{uid}/login (POST: the credentials). */
export async function handleInteraction(req: IncomingMessage, res: ServerResponse, pathname: string, deps: LoginDeps): Promise<void> {
  const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(pathname);
  if (!match) return sendHtml(res, 404, page('Not found', '<p>No such page.</p>'));
  const [, uid, isSubmit] = match;
  const provider = deps.provider();

  let details: InteractionDetails;
  try {
    details = await provider.interactionDetails(req, res);
  } catch {
    return sendHtml(res, 400, page('Login expired', '<p role="alert" class="login-error">This login session has expired or is unknown. Start the login again.</p>'));
  }
  if (details.uid !== uid) return sendHtml(res, 400, page('Login expired', '<p role="alert" class="login-error">This login session does not match.</p>'));
  if (details.prompt.name === 'consent') return autoConsent(req, res, provider, details);
  if (details.prompt.name !== 'login') {
    return sendHtml(res, 400, page('Unexpected step', `<p role="alert">Unexpected interaction "${escapeHtml(details.prompt.name)}".</p>`));
  }
  const clientId = typeof details.params.client_id === 'string' ? details.params.client_id : undefined;

  if (!isSubmit) {
    if (req.method !== 'GET') return sendHtml(res, 405, page('Method not allowed', '<p>Use GET.</p>'));
    return sendHtml(res, 200, loginForm(uid!, clientId));
  }
  if (req.method !== 'POST') return sendHtml(res, 405, page('Method not allowed', '<p>Use POST.</p>'));

  const body = await readBody(req, MAX_FORM_BYTES);
  if (!body.ok) return sendHtml(res, 413, page('Too large', '<p>The form is too large.</p>'));
  const form = new URLSearchParams(body.body.toString('utf8'));
  const username = form.get('username') ?? '';
  const password = form.get('password') ?? '';
  const user = deps.users.find((u) => u.username === username);
  if (!user || !passwordAccepted(sameSecret(user.password, password))) {
    deps.onLogin(req, { username, clientId, ok: false });
    return sendHtml(res, 200, loginForm(uid!, clientId, { username, error: loginErrorMessage('Invalid username or password.') }));
  }
  deps.onLogin(req, { username, clientId, subject: user.customerId, ok: true });
  await provider.interactionFinished(req, res, { login: { accountId: user.customerId } }, { mergeWithLastSubmission: false });
}

interface InteractionDetails {
  readonly uid: string;
  readonly grantId?: string;
  readonly session?: { accountId: string };
  readonly prompt: { name: string; details: { missingOIDCScope?: string[]; missingResourceScopes?: Record<string, string[]> } };
  readonly params: Record<string, unknown>;
}

/**
 * A consent step (only when a client asks for prompt=consent: provider.ts grants first-party logins up front)
 * is answered automatically: the web front end is first-party (issue 7: consent may be auto-granted).
 */
async function autoConsent(req: IncomingMessage, res: ServerResponse, provider: Provider, details: InteractionDetails): Promise<void> {
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: details.session?.accountId, clientId: details.params.client_id });
  const missing = details.prompt.details;
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
  const grantId: string = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

function loginForm(uid: string, clientId: string | undefined, state: { username?: string; error?: string } = {}): string {
  const error = state.error
    ? `<div id="input-error" class="kc-feedback-text alert-error" role="alert">${escapeHtml(state.error)}</div>`
    : '';
  return page(
    'Sign in',
    `<h1>Sign in</h1>
<p>to <strong>${escapeHtml(clientId ?? 'the application')}</strong> (auth-ctk reference IdP, test users only)</p>
${error}
<form id="kc-form-login" method="post" action="/interaction/${escapeHtml(uid)}/login" autocomplete="off">
  <label for="username">Username</label>
  <input id="username" name="username" type="text" value="${escapeHtml(state.username ?? '')}" autofocus>
  <label for="password">Password</label>
  <input id="password" name="password" type="password" value="">
  <button id="kc-login" name="login" type="submit">Sign in</button>
</form>`,
  );
}

function page(title: string, content: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} — auth-ctk reference IdP</title>
<style>body{font-family:sans-serif;max-width:24rem;margin:3rem auto}label,input,button{display:block;width:100%;margin:.3rem 0}
input,button{padding:.5rem;box-sizing:border-box}#input-error,.login-error{color:#a00;border:1px solid #a00;padding:.5rem}</style>
</head><body>${content}</body></html>`;
}

export { page as htmlPage };
