/**
 * The JWKS test plane (issue 20, JWKS robustness): the reference IdP counts the requests for its JWK Set and can
 * make the set unavailable, so the kit can see how often the gateway fetches keys (REQ-JWKS-01) and what the
 * gateway does when it cannot fetch them (REQ-JWKS-02 down, REQ-JWKS-03 slow). Reference only: a real IdP offers
 * neither, and the kit reports those checks not testable there. Switched through the control plane (admin.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from './http.ts';

/** none: served; down: 503 (a JWKS endpoint that is down); slow: answered only after SLOW_JWKS_MS. */
export type JwksOutage = 'none' | 'down' | 'slow';
export const JWKS_OUTAGES: readonly JwksOutage[] = ['none', 'down', 'slow'];

/** Longer than any sane gateway waits for its keys (the reference's 2 s, jose's default 5 s). */
export const SLOW_JWKS_MS = 6_000;

export class JwksPlane {
  private requests = 0;
  private outage: JwksOutage = 'none';

  state(): { requests: number; outage: JwksOutage } {
    return { requests: this.requests, outage: this.outage };
  }

  set(outage: JwksOutage): void {
    this.outage = outage;
  }

  /**
   * Called for every GET /jwks before oidc-provider serves it: counts it, and answers it here when the set is
   * down. Returns true when the request was answered (the caller must not serve it again).
   */
  async intercept(_req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    this.requests++;
    if (this.outage === 'down') {
      sendJson(res, 503, { error: 'temporarily_unavailable', error_description: 'the key set is down (JWKS test plane)' });
      return true;
    }
    if (this.outage === 'slow') {
      await new Promise((resolve) => setTimeout(resolve, SLOW_JWKS_MS));
      // The gateway gave up waiting and closed the connection: nothing left to answer.
      if (res.destroyed) return true;
    }
    return false;
  }
}
