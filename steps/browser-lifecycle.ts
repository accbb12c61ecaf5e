/**
 * The browser's lifecycle around browser scenarios (tag @browser): when no system Chromium exists the scenario
 * is NOT TESTABLE with the install hint (never passed, never silently skipped); each scenario's context is
 * closed after it; the run's one Chromium is closed at the end.
 */
import { After, AfterAll, Before, type ITestCaseHookParameter } from '@cucumber/cucumber';
import type { CtkWorld } from '../support/world.ts';
import { closeSharedBrowser, locateChromium } from '../support/browser/chromium.ts';
import { closeBrowserSession, discardSpareContext } from '../support/browser/session.ts';
import { rememberScenarioRequirements } from '../support/browser/scenario-state.ts';

Before({ tags: '@browser' }, function (this: CtkWorld, { pickle }: ITestCaseHookParameter) {
  const requirementIds = pickle.tags.map((t) => t.name).filter((t) => t.startsWith('@REQ-')).map((t) => t.slice(1));
  rememberScenarioRequirements(this, requirementIds);
  const location = locateChromium();
  if (location.found) return;
  return this.notTestable(requirementIds, `this check drives a real browser, and ${location.reason}`, location.hint);
});

After({ tags: '@browser' }, async function (this: CtkWorld) {
  await closeBrowserSession(this);
});

AfterAll(async function () {
  await discardSpareContext();
  await closeSharedBrowser();
});
