/**
 * The reference client's application: GET <api>/items through the token interceptor, with the items the
 * code ships with as the fallback cache (seed 002). What an integration's API client looks like when it
 * follows seed 001 and seed 002; the CLI (cli.ts) runs it under the harness contract.
 */
import { Agent, interceptors, request, type Dispatcher } from 'undici';
import { clientCredentials, type ClientCredentialsOptions } from './interceptor.ts';
import { FallbackCache, HttpStatusError } from './cache.ts';
import { TokenSource, type TokenSourceOptions } from './token-source.ts';
import type { CallOutcome, ContractConfig } from './harness-contract.ts';

export interface Item {
  readonly id: number;
  readonly name: string;
}

/** What the code ships with (seed 002: "default caches"). */
export const DEFAULT_ITEMS: readonly Item[] = [{ id: 0, name: 'default item shipped with the client' }];

export interface ItemsClient {
  readonly tokens: TokenSource;
  readonly dispatcher: Dispatcher;
  readonly cache: FallbackCache<readonly Item[]>;
  /** One application call: fresh items from the API, or the cache when the API cannot be reached. */
  call(): Promise<CallOutcome>;
  close(): Promise<void>;
}

export function createItemsClient(
  config: ContractConfig,
  tokenOptions: Partial<TokenSourceOptions> = {},
  apiOptions: Pick<ClientCredentialsOptions, 'unreachableBackoff'> = {},
): ItemsClient {
  const tokens = new TokenSource({
    tokenUrl: config.tokenUrl,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    ...(config.scope ? { scope: config.scope } : {}),
    ...(config.authMethod ? { authMethod: config.authMethod } : {}),
    ...tokenOptions,
  });
  const agent = new Agent({ keepAliveTimeout: 4_000 });
  const dispatcher = agent.compose(
    clientCredentials({ apiOrigins: [config.apiUrl], tokenSource: tokens, ...apiOptions }),
    interceptors.redirect({ maxRedirections: 3 }),
  );
  const cache = new FallbackCache<readonly Item[]>(DEFAULT_ITEMS);
  const url = `${config.apiUrl}/items`;

  return {
    tokens,
    dispatcher,
    cache,
    async call(): Promise<CallOutcome> {
      let status: number | undefined;
      try {
        const loaded = await cache.load(async () => {
          const res = await request(url, { dispatcher, headers: { accept: 'application/json' }, headersTimeout: 10_000, bodyTimeout: 10_000 });
          status = res.statusCode;
          const text = await res.body.text();
          if (res.statusCode !== 200) throw new HttpStatusError(res.statusCode);
          const parsed = JSON.parse(text) as { items?: Item[] };
          return Array.isArray(parsed.items) ? parsed.items : [];
        });
        return loaded.source === 'api' ? { source: 'api', status: 200 } : { source: 'cache' };
      } catch (error) {
        // Not an outage: the API refused (401 after one re-authentication, 403, 400...). The application sees it.
        if (error instanceof HttpStatusError) return { source: 'api', status: error.status };
        return status !== undefined ? { source: 'api', status } : { source: 'error' };
      }
    },
    async close(): Promise<void> {
      await tokens.close();
      await agent.close();
    },
  };
}
