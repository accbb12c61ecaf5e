import type { ServerResponse } from 'node:http';

/**
 * Lets a fault edit the redirect that carries an authorization response back to the client (the Location with
 * a `code`), leaving the IdP's own relative redirects alone. Used by faults that break what that redirect
 * must carry (RFC 6749 §4.1.2: code, state).
 */
export function editClientRedirect(res: ServerResponse, edit: (url: URL) => void): void {
  const setHeader = res.setHeader.bind(res);
  res.setHeader = (name: string, value: number | string | readonly string[]) => {
    if (name.toLowerCase() === 'location' && typeof value === 'string') {
      try {
        const url = new URL(value);
        if (url.searchParams.has('code')) {
          edit(url);
          return setHeader(name, url.toString());
        }
      } catch {
        // a relative Location (the IdP's own pages): not the redirect to the client
      }
    }
    return setHeader(name, value);
  };
}
