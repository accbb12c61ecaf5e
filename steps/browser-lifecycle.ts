/**
 * The browser's lifecycle around browser scenarios (tag @browser): the run's Chromium is started before the
 * first one (support/browser/chromium.ts: $AUTH_CTK_CHROMIUM, the system one, the npm-shipped one); when none
 * starts the scenario is NOT TESTABLE with the reasons and the remedy (never passed, never silently skipped);
 * each scenario's context is closed after it; the run's one Chromium is closed at the end. The browser login is also registered as the
 * first source of human tokens for the identity checks.
 */
import { After, AfterAll, Before } from '@cucumber/cucumber';
import type { CtkWorld } from '../support/world.ts';
import { ChromiumUnavailableError, closeSharedBrowser, sharedChromium } from '../support/browser/chromium.ts';
import { closeBrowserSession, discardSpareContext } from '../support/browser/session.ts';
import { browserLoginSource } from '../support/browser/front-end.ts';
import { registerHumanTokenSource } from '../support/identity/human-login.ts';

// The identity checks (seeds 000/003) get their human tokens from a real browser login first, the
// password-style login second (support/identity/human-login.ts).
registerHumanTokenSource(browserLoginSource);

Before({ tags: '@browser' }, async function (this: CtkWorld) {
  try {
    await sharedChromium();
    return undefined;
  } catch (error) {
    if (!(error instanceof ChromiumUnavailableError)) throw error;
    return this.notTestable(this.requirementIds, `this check drives a real browser, and ${error.detail}`, error.remedy);
  }
});

// Untagged: a scenario of another feature may have used the browser too (the identity checks' token source).
After(async function (this: CtkWorld) {
  await closeBrowserSession(this);
});

AfterAll(async function () {
  await discardSpareContext();
  await closeSharedBrowser();
});
