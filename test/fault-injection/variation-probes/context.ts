/**
 * What a variation probe gets: the running reference (all variations on) and a token request helper. A probe shows
 * its variation is in effect, so a variation that silently does nothing cannot make the suite's clean run pass.
 */
import type { ReferenceFixtures } from '../../../reference/fixtures.ts';
import type { ReferenceUrls } from '../../../reference/stack.ts';
import { tokenRequestBody } from '../../../support/oauth/token-client.ts';
import { send, type Exchange } from '../../../support/http/exchange.ts';
import { trustTargetCa } from '../../../support/tls/trust.ts';

export interface ProbeContext {
  readonly urls: ReferenceUrls;
  readonly fx: ReferenceFixtures;
  /** A client_credentials request of the system client: HTTP Basic unless `basic: false` (then form body). */
  tokenRequest(params: Record<string, string>, options?: { basic?: boolean; secret?: string; from?: string; headers?: Record<string, string> }): Promise<Exchange>;
  get(url: string, headers?: Record<string, string>): Promise<Exchange>;
}

export type Probe = (context: ProbeContext) => Promise<void>;

export function probeContext(urls: ReferenceUrls, fx: ReferenceFixtures): ProbeContext {
  const system = fx.clients.system!;
  // Variation https-reference: the run's CA, trusted as the kit trusts it (support/target/current.ts).
  trustTargetCa(urls.tls?.caPem);
  return {
    urls,
    fx,
    tokenRequest(params, options = {}) {
      // The kit's own request builder (Basic or form body), without a target's extra parameters; the probe's
      // params say the scope, none when they name none.
      const { headers, body } = tokenRequestBody(
        system,
        { method: options.basic ?? true ? 'basic' : 'body', scope: null, extraParams: params, ...(options.secret !== undefined ? { secret: options.secret } : {}) },
        {},
      );
      return send({ method: 'POST', url: `${urls.idp}/token`, headers: { ...headers, ...options.headers }, body, timeoutMs: 5_000, ...(options.from ? { sourceAddress: options.from } : {}) });
    },
    get(url, headers = {}) {
      return send({ method: 'GET', url, headers, timeoutMs: 5_000 });
    },
  };
}
