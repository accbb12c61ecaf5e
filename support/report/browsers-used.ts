/**
 * Which browser(s) the run's browser checks drove, read back from the message stream: every scenario that
 * opened a browser attached its identity (support/browser/session.ts). The run prints it and the certificate
 * records it, so a verdict on a browser login names the browser that produced it. Usually one; a parallel run
 * whose workers found different browsers lists each.
 */
import type { BrowserIdentity } from '../browser/chromium.ts';
import { describeBrowser } from '../browser/chromium.ts';
import { MEDIA } from '../verdict/media-types.ts';
import type { RunRecord } from './messages.ts';

/** What the certificate keeps of a browser identity. */
export interface UsedBrowser {
  readonly name: string;
  readonly version: string;
  readonly source: BrowserIdentity['source'];
  readonly executablePath: string;
  readonly package?: string;
  readonly passedOver: readonly string[];
}

export function browsersUsed(run: RunRecord): UsedBrowser[] {
  const seen = new Map<string, UsedBrowser>();
  for (const attempts of run.attempts.values()) {
    for (const attempt of attempts) {
      for (const a of attempt.attachments) {
        if (a.mediaType !== MEDIA.browser) continue;
        let identity: BrowserIdentity;
        try {
          identity = JSON.parse(a.body) as BrowserIdentity;
        } catch {
          continue;
        }
        if (typeof identity?.version !== 'string' || typeof identity.executablePath !== 'string') continue;
        const used: UsedBrowser = {
          name: String(identity.name),
          version: identity.version,
          source: identity.source,
          executablePath: identity.executablePath,
          ...(identity.package ? { package: String(identity.package) } : {}),
          passedOver: Array.isArray(identity.passedOver) ? identity.passedOver.map(String) : [],
        };
        seen.set(`${used.name} ${used.version} ${used.source} ${used.executablePath}`, used);
      }
    }
  }
  return [...seen.values()];
}

/** The run's browser line: which browser, or that none was used. */
export const browserLine = (browsers: readonly UsedBrowser[]): string =>
  browsers.length === 0 ? 'auth-ctk: browser: none used in this run' : `auth-ctk: browser: ${browsers.map((b) => describeBrowser(b as BrowserIdentity)).join(' | ')}`;
