/** Steps of features/expiry-and-ttl.feature: stated versus real lifetime, and the gateway at and after exp. */
import { Given, When, Then } from '@cucumber/cucumber';
import type { CtkWorld } from '../support/world.ts';
import { theIssued, type IssuedToken } from '../support/oauth/issued.ts';
import { freshToken, isNotTestable, markNotTestable } from '../support/oauth/token-requests.ts';
import { judgeTokenIssued } from '../support/oauth/token-response.ts';
import { callProtectedRoute, rememberPresented, thePresented } from '../support/jwt/gateway.ts';
import { certainlyExpiredAt, certainlyValidUntil, sleepUntil } from '../support/jwt/lifetime.ts';
import { declaredTtl, judgeDeclaredTtl, judgeExpiresInIsLifetime, judgeIatIsIssueTime } from '../support/jwt/ttl.ts';
import { describeRole, type ClientRole } from '../support/oauth/clients.ts';
import { serveBeforeExpiry } from '../support/jwt/served-before-expiry.ts';

/**
 * Longest the kit waits for a token to expire beyond the gateway's leeway. A profile that states no leeway gets
 * 60 s (assuming less would raise false alarms), so a 2 s token needs 63 s; longer than this bound and the
 * check is not testable, with the remedy (a shorter TTL, a stated leeway) — never a long sleep. The step's own
 * timeout leaves room for the request after the wait.
 */
const MAX_EXPIRY_WAIT_MS = 90_000;
const EXPIRY_STEP_TIMEOUT_MS = MAX_EXPIRY_WAIT_MS + 15_000;

Then('expires_in equals the token\'s exp minus the time of the token response, within 2 seconds', function (this: CtkWorld) {
  const result = judgeExpiresInIsLifetime(this, theIssued(this));
  if (result !== 'judged') return markNotTestable(this, result);
});

Then('the token\'s iat is within 5 seconds of the Date of the token response', function (this: CtkWorld) {
  const result = judgeIatIsIssueTime(this, theIssued(this));
  if (result !== 'judged') return markNotTestable(this, result);
});

Then('the token lives the TTL the target declares for {ctkClient}', function (this: CtkWorld, role: ClientRole) {
  const declared = declaredTtl(this, role);
  if (declared === 'not-applicable') return this.notApplicable(['REQ-TTL-03'], `the profile declares no ttlSeconds for ${describeRole(role)}: no lifetime is claimed for its tokens`);
  if (isNotTestable(declared)) return markNotTestable(this, declared);
  judgeDeclaredTtl(this, theIssued(this), declared);
});

Given('the short-TTL client has been issued a fresh access token', async function (this: CtkWorld) {
  const issued = await freshToken(this, 'shortTtl');
  if (isNotTestable(issued)) return markNotTestable(this, issued);
  if (!('token' in issued)) {
    // Getting the token is the set-up, not the check: its failure is the token endpoint's requirement.
    judgeTokenIssued(this, issued, 'REQ-TOK-01', 'a token request of the short-TTL client');
    return;
  }
  rememberPresented(this, { token: issued.token, description: `a token of ${issued.client.clientId}` });
});

When('the caller calls the protected route with that token before it expires', async function (this: CtkWorld) {
  const issued: IssuedToken = theIssued(this);
  const validUntil = certainlyValidUntil(issued);
  if (validUntil === undefined || Date.now() >= validUntil) {
    return markNotTestable(this, {
      notTestable: validUntil === undefined ? 'the token states no lifetime (no exp, no expires_in)' : 'the short-lived token had expired before the kit could present it (the machine is too slow for its TTL)',
      remedy: 'give clients.shortTtl a TTL of a few seconds more',
    });
  }
  await callProtectedRoute(this, thePresented(this).token);
});

Given('the caller has called the protected route with that token before it expired', async function (this: CtkWorld) {
  const result = await serveBeforeExpiry(this, theIssued(this));
  if (result !== 'sent') return markNotTestable(this, result);
});

When('its exp and the gateway\'s clock leeway have passed', { timeout: EXPIRY_STEP_TIMEOUT_MS }, async function (this: CtkWorld) {
  const issued: IssuedToken = theIssued(this);
  const leeway = this.target.limits.clockSkewSeconds;
  const at = certainlyExpiredAt(issued, leeway);
  if (at === undefined) return markNotTestable(this, { notTestable: 'the token states no lifetime (no exp, no expires_in)', remedy: 'use a target whose tokens carry exp' });
  if (at - Date.now() > MAX_EXPIRY_WAIT_MS) {
    return markNotTestable(this, {
      notTestable: `the short-TTL client's token would only be expired beyond the ${leeway} s leeway in ${Math.ceil((at - Date.now()) / 1000)} s (the kit waits at most ${MAX_EXPIRY_WAIT_MS / 1000} s)`,
      remedy: 'give clients.shortTtl a TTL of a few seconds (and state limits.clockSkewSeconds)',
    });
  }
  await sleepUntil(at);
  rememberPresented(this, { token: issued.token, description: `a token of ${issued.client.clientId} that expired more than the ${leeway} s leeway ago` });
});
