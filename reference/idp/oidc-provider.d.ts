/**
 * The slice of oidc-provider 9 (and the Koa context it hands to middleware) that the reference IdP uses.
 * oidc-provider ships no type declarations and @types/oidc-provider would be one more dependency for a handful
 * of calls; these declarations are deliberately loose (`any` where the library's objects are rich) and cover
 * only what reference/idp/*.ts touches.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  /** Koa's context with oidc-provider's `ctx.oidc`; loose on purpose. */
  export interface OidcContext {
    readonly req: IncomingMessage;
    readonly res: ServerResponse;
    readonly method: string;
    path: string;
    status: number;
    body: any;
    type: string;
    readonly headers: Record<string, string | string[] | undefined>;
    readonly oidc: any;
    set(name: string, value: string): void;
    get(name: string): string;
  }

  export type Middleware = (ctx: OidcContext, next: () => Promise<void>) => Promise<void>;

  export class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    /** The context of the request being served (oidc-provider keeps it in an AsyncLocalStorage); undefined outside one. */
    static readonly ctx: OidcContext | undefined;
    readonly issuer: string;
    readonly Client: any;
    readonly Grant: any;
    readonly AccessToken: any;
    readonly ClientCredentials: any;
    readonly AuthorizationCode: any;
    readonly ResourceServer: any;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    use(middleware: Middleware): this;
    on(event: string, listener: (...args: any[]) => void): this;
    registerGrantType(name: string, handler: (ctx: OidcContext) => Promise<void>, params?: readonly string[], dupes?: readonly string[]): void;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<any>;
    interactionFinished(req: IncomingMessage, res: ServerResponse, result: Record<string, unknown>, options?: { mergeWithLastSubmission?: boolean }): Promise<void>;
  }

  export const errors: {
    readonly InvalidGrant: new (description?: string) => Error;
    readonly InvalidScope: new (description: string, scope?: string) => Error;
    readonly InvalidRequest: new (description: string) => Error;
    readonly UnauthorizedClient: new (description?: string) => Error;
    readonly InvalidTarget: new (description?: string) => Error;
  };

  export const interactionPolicy: {
    base(): { get(name: string): { checks: { remove(name: string): void } } };
  };

  export default Provider;
}

/**
 * oidc-provider's own DPoP helpers (RFC 9449), for the reference's replacement client_credentials handler (grants.ts):
 * the proof check of §4.3 and the binding (cnf.jkt) with the replay check of §11.1, exactly as the built-in grant does.
 */
declare module 'oidc-provider/lib/helpers/validate_dpop.js' {
  import type { OidcContext, Provider } from 'oidc-provider';
  export default function validateDpop(provider: Provider, ctx: OidcContext, accessToken?: string): Promise<{ thumbprint: string; jti: string; iat: number } | undefined>;
}
declare module 'oidc-provider/lib/helpers/grant_common.js' {
  import type { OidcContext, Provider } from 'oidc-provider';
  export function applyDpopBinding(provider: Provider, ctx: OidcContext, dPoP: { thumbprint: string; jti: string; iat: number } | undefined, token: unknown): Promise<void>;
}
