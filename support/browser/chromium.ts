/**
 * The one Chromium of a run. The kit never downloads a browser: it drives the SYSTEM Chromium (Debian's
 * `chromium` package) through playwright-core. Launched lazily by the first browser scenario, shared by all
 * of them (each gets a fresh context: no cookies, no storage), closed at the end of the run. On 2 cores a
 * launch costs ~0.3-1 s; a context ~20 ms.
 */
import { accessSync, constants } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { BrowserLoginSetupError } from './errors.ts';

export const CHROMIUM_ENV = 'AUTH_CTK_CHROMIUM';
export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'] as const;
export const CHROMIUM_INSTALL_HINT =
  `install the system Chromium: \`apt-get install -y chromium\` (Debian/Ubuntu), or set ${CHROMIUM_ENV}=/path/to/chromium`;

/**
 * Flags for a quiet, reproducible headless run: no sandbox (CI containers run as root), no GPU, and no
 * background traffic (component updates, sync, safe-browsing lists) that would leave loopback or skew timing.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
] as const;

export type ChromiumLocation =
  | { readonly found: true; readonly executablePath: string; readonly from: 'env' | 'system' }
  | { readonly found: false; readonly reason: string; readonly hint: string };

const isExecutable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** Where the system Chromium is: $AUTH_CTK_CHROMIUM first (it must then exist), else the usual paths. */
export function locateChromium(env: NodeJS.ProcessEnv = process.env, exists: (path: string) => boolean = isExecutable): ChromiumLocation {
  const configured = env[CHROMIUM_ENV]?.trim();
  if (configured) {
    return exists(configured)
      ? { found: true, executablePath: configured, from: 'env' }
      : { found: false, reason: `${CHROMIUM_ENV}=${configured} is not an executable file`, hint: CHROMIUM_INSTALL_HINT };
  }
  const hit = CHROMIUM_CANDIDATES.find((path) => exists(path));
  return hit
    ? { found: true, executablePath: hit, from: 'system' }
    : { found: false, reason: `no Chromium found (looked at ${CHROMIUM_CANDIDATES.join(', ')})`, hint: CHROMIUM_INSTALL_HINT };
}

export class ChromiumUnavailableError extends BrowserLoginSetupError {
  constructor(reason: string) {
    super(reason, CHROMIUM_INSTALL_HINT);
    this.name = 'ChromiumUnavailableError';
  }
}

let launching: Promise<Browser> | undefined;

/** The run's browser, launched on first use. */
export function sharedBrowser(): Promise<Browser> {
  if (!launching) {
    const location = locateChromium();
    if (!location.found) return Promise.reject(new ChromiumUnavailableError(location.reason));
    launching = chromium
      .launch({
        executablePath: location.executablePath,
        // playwright-core adds its own --headless and a fresh --user-data-dir per launch; the flags are also
        // listed here so the command line is the documented one whatever playwright's defaults become.
        headless: true,
        args: [...CHROMIUM_ARGS],
        timeout: 30_000,
      })
      .catch((error: unknown) => {
        launching = undefined;
        throw new ChromiumUnavailableError(`${location.executablePath} did not start: ${(error as Error).message.split('\n')[0]}`);
      });
  }
  return launching;
}

/** Closes the run's browser if one was launched (AfterAll). */
export async function closeSharedBrowser(): Promise<void> {
  const pending = launching;
  launching = undefined;
  if (!pending) return;
  const browser = await pending.catch(() => undefined);
  await browser?.close().catch(() => undefined);
}
