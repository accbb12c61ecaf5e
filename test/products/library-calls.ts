/**
 * What the matrix's client-library harnesses have in common (test/products/<library>/harness.ts): each call of
 * the auth-ctk client harness contract is one request made through the library as its documentation shows;
 * the application sees the resource's status, or "error" when the library throws (a Bearer challenge, a token
 * endpoint that refuses, an IdP that is down). No token, answer or retry is added here: what the kit certifies
 * is the library, not this wrapper.
 */
import { runCalls, type ContractConfig } from '../../client/harness-contract.ts';

/**
 * Authorization server metadata for a library that wants it: the kit's IdP publishes no discovery document,
 * so it is the issuer (the token URL's origin) and the token endpoint, the two fields a client credentials
 * grant needs (RFC 8414 §2).
 */
export function tokenEndpointMetadata(config: ContractConfig): { issuer: string; token_endpoint: string } {
  return { issuer: new URL(config.tokenUrl).origin, token_endpoint: config.tokenUrl };
}

/** Runs the contract's calls, each one `request()`, and exits when they are done (or on SIGTERM). */
export async function runLibraryCalls(
  config: ContractConfig,
  request: () => Promise<{ readonly status: number; arrayBuffer(): Promise<unknown> }>,
): Promise<never> {
  await runCalls(config, async () => {
    try {
      const response = await request();
      await response.arrayBuffer();
      return { source: 'api', status: response.status };
    } catch {
      return { source: 'error' };
    }
  });
  process.exit(0);
}
