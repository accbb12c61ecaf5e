/**
 * The human login form as the browser sees it: where the fields are, and how to fill them without ever
 * exposing the password. Selectors come from the target profile (`browserLogin.selectors`); the defaults work
 * for the reference's form (name=username / name=password / button[type=submit]), for Keycloak's
 * (#username / #password / #kc-login, error in #input-error or .kc-feedback-text) and for oidc-provider's
 * documented example form (name=login, autocomplete=username elsewhere) without configuration.
 */
import type { Locator, Page } from 'playwright-core';
import type { LoginFormSelectors, TargetDescription } from '../target/target.ts';
import { BrowserLoginSetupError } from './errors.ts';

export const DEFAULT_LOGIN_FORM: LoginFormSelectors = {
  // autocomplete="username" is HTML's own mark of a username field; name="login" is oidc-provider's documented
  // example form (example/views/login.ejs) and common elsewhere — as a text field only: Keycloak's submit button is an
  // <input type="submit" name="login">. The first visible match in the page is used.
  username: '#username, input[name="username"], input[autocomplete="username"], input[name="login"][type="text"], input[name="login"][type="email"], input[name="login"]:not([type])',
  password: '#password, input[name="password"]',
  submit: '#kc-login, button[type="submit"], input[type="submit"]',
  error: '#input-error, .kc-feedback-text, .alert-error, [role="alert"], .login-error',
  consent: 'input[name="accept"], button[name="accept"]',
};

export function loginFormSelectors(target: TargetDescription): LoginFormSelectors {
  return { ...DEFAULT_LOGIN_FORM, ...(target.browserLogin?.selectors ?? {}) };
}

/** The page loaded but the kit cannot (or must not) use its form as configured: a profile matter, not a verdict. */
export class LoginFormError extends BrowserLoginSetupError {
  constructor(detail: string) {
    super(`the login form cannot be used: ${detail}`, 'set browserLogin.selectors in the target profile (see README "Human login in a browser")');
    this.name = 'LoginFormError';
  }
}

/**
 * After a correct password the browser stopped on a page of the IdP that waits for the user (a form with a button)
 * and is neither the login form nor a consent page the selectors name: a consent, account-selection or second-factor
 * page the kit was not told how to answer. The kit cannot go on, so it cannot say whether the IdP would have sent a
 * code: not testable with the remedy — never REQ-HUM-01 failed against an IdP that only asked a question.
 */
export class UnrecognisedPageError extends BrowserLoginSetupError {
  constructor(page: string, button: string, consentSelector: string) {
    super(
      `after the login the browser stays on ${page}, a page that waits for the user (a form with the button ${JSON.stringify(button)}) and that is not the login form nor a consent page the kit recognises (${consentSelector})`,
      'if it is a consent page, name the button that grants the authorization in browserLogin.selectors.consent (README "Human login in a browser"); a test user needs no other step (second factor, account selection) to log in',
    );
    this.name = 'UnrecognisedPageError';
  }
}

/** A control that submits a form: what a page that waits for the user offers. */
const FORM_SUBMIT = 'form button:not([type="button"]):not([type="reset"]), form input[type="submit"], form input[type="image"]';

/**
 * The label of the button of a form the page offers, when the page waits for the user but is not the login form
 * (no visible password field); undefined on the login form and on a page without any form (a dead end).
 */
export async function pendingFormButton(page: Page, selectors: LoginFormSelectors): Promise<string | undefined> {
  if ((await visible(page, selectors.password).count()) > 0) return undefined;
  const control = visible(page, FORM_SUBMIT);
  if ((await control.count()) === 0) return undefined;
  const label = (await control.innerText().catch(() => '')).trim() || ((await control.getAttribute('value').catch(() => null)) ?? '').trim();
  return label.slice(0, 60) || '(a button without a label)';
}

/** The first visible element a (comma-list) selector matches. */
export const visible = (page: Page, selector: string): Locator => page.locator(selector).filter({ visible: true }).first();

/**
 * Types the credentials into the form. The password goes only into an <input type="password"> (masked by the
 * browser, and masked again in every screenshot); the kit checks the field's type before typing and refuses
 * otherwise, so a misconfigured selector can never put a password on screen or into a username field.
 */
export async function fillCredentials(page: Page, selectors: LoginFormSelectors, username: string, password: string, timeoutMs: number): Promise<void> {
  const user = visible(page, selectors.username);
  const secret = visible(page, selectors.password);
  try {
    await Promise.all([user.waitFor({ timeout: timeoutMs }), secret.waitFor({ timeout: timeoutMs })]);
  } catch {
    throw new LoginFormError(`no visible username field (${selectors.username}) and password field (${selectors.password}) on ${pageLabel(page)}`);
  }
  const type = await secret.evaluate((element) => (element instanceof HTMLInputElement ? element.type : element.tagName.toLowerCase()));
  if (type !== 'password') {
    throw new LoginFormError(`the password selector (${selectors.password}) matches a field of type "${type}", not type="password": the kit never types a password into a visible field`);
  }
  await user.fill(username, { timeout: timeoutMs });
  await secret.fill(password, { timeout: timeoutMs });
}

export async function submit(page: Page, selectors: LoginFormSelectors, timeoutMs: number): Promise<void> {
  const button = visible(page, selectors.submit);
  try {
    await button.waitFor({ timeout: timeoutMs });
  } catch {
    throw new LoginFormError(`no visible submit button (${selectors.submit}) on ${pageLabel(page)}`);
  }
  // noWaitAfter: the step itself waits for what matters (the redirect to the front end, or the error message).
  await button.click({ timeout: timeoutMs, noWaitAfter: true });
}

/** The visible error message, if the page shows one now. */
export async function visibleError(page: Page, selectors: LoginFormSelectors): Promise<string | undefined> {
  const error = visible(page, selectors.error);
  if ((await error.count()) === 0) return undefined;
  const text = (await error.innerText().catch(() => '')).trim();
  return text.length > 0 ? text : undefined;
}

/** Where the page is, for messages: origin and path only (the query of an authorization URL is noise). */
export function pageLabel(page: Page): string {
  try {
    const url = new URL(page.url());
    return `${url.origin}${url.pathname}`;
  } catch {
    return page.url();
  }
}
