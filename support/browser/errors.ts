/**
 * A browser check that cannot run here: the target or the machine lacks something the check needs (a web
 * client, a login URL, a loopback redirect URI, a working Chromium). Steps turn it into "not testable" with
 * the remedy — never into a pass, never into a failure of the target.
 */
export class BrowserLoginSetupError extends Error {
  readonly detail: string;
  readonly remedy: string;
  constructor(detail: string, remedy: string) {
    super(`${detail}; ${remedy}`);
    this.name = 'BrowserLoginSetupError';
    this.detail = detail;
    this.remedy = remedy;
  }
}
