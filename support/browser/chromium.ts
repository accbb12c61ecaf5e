/**
 * The one Chromium of a run, driven through playwright-core. Three places are tried, in this order, and the
 * first that STARTS is used:
 *   1. $AUTH_CTK_CHROMIUM — a Chromium the user names;
 *   2. a system Chromium (/usr/bin/chromium, ...);
 *   3. the Chromium shipped inside the npm package @sparticuz/chromium (a dependency: `npm ci` brings it, no
 *      browser download), unpacked once into node_modules/.cache (~1.5 s) and reused by later runs.
 * Browser checks are not testable only when none of the three starts; the reason then names all three.
 * Launched lazily by the first browser scenario, shared by all of them (each gets a fresh context: no
 * cookies, no storage), closed at the end of the run. On 2 cores a launch costs ~0.2-1 s; a context ~20 ms.
 * In the cucumber workers of a parallel run the browser comes from the CLI's broker (./broker.ts): one for all.
 */
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Browser } from 'playwright-core';
import { isMainThread } from 'node:worker_threads';
import { BrowserLoginSetupError } from './errors.ts';

/** Names the CLI's browser broker channel in a parallel run (support/browser/broker.ts, which reads it too). */
export const BROWSER_BROKER_ENV = 'AUTH_CTK_BROWSER_BROKER';

export const CHROMIUM_ENV = 'AUTH_CTK_CHROMIUM';
export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'] as const;
export const NPM_CHROMIUM_PACKAGE = '@sparticuz/chromium';
export const CHROMIUM_INSTALL_HINT =
  `run \`npm ci\` (it installs the npm-shipped Chromium, ${NPM_CHROMIUM_PACKAGE}, Linux x64), install a system Chromium ` +
  `(\`apt-get install -y chromium\` on Debian/Ubuntu), or set ${CHROMIUM_ENV}=/path/to/chromium`;

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

/**
 * Flags of @sparticuz/chromium's recommended (AWS Lambda) list the kit leaves out:
 *   --disable-web-security, --allow-running-insecure-content relax what a page may do (same-origin policy,
 *     mixed content). A conformance check must see the browser's ordinary rules — a login flow that only
 *     works with web security off is not a working login.
 *   --single-process: closing one browser context then takes the whole browser down (measured: the second
 *     context of a run fails with "Target page, context or browser has been closed"); the kit gives every
 *     scenario a fresh context, and a multi-process Chromium starts fine here.
 */
export const NPM_CHROMIUM_DROPPED_ARGS = ['--disable-web-security', '--allow-running-insecure-content', '--single-process'] as const;

export type ChromiumSource = 'env' | 'system' | 'npm';

/** Which browser a run used: printed by the run, recorded in every scenario that used it and in the certificate. */
export interface BrowserIdentity {
  readonly name: 'Chromium';
  readonly version: string;
  readonly source: ChromiumSource;
  readonly executablePath: string;
  /** The npm package (name@version) the binary came from, for source "npm". */
  readonly package?: string;
  /** Places tried before this one, and why they were not used. */
  readonly passedOver: readonly string[];
}

export const describeSource = (identity: Pick<BrowserIdentity, 'source' | 'executablePath' | 'package'>): string =>
  identity.source === 'env'
    ? `${CHROMIUM_ENV}=${identity.executablePath}`
    : identity.source === 'system'
      ? `system Chromium ${identity.executablePath}`
      : `npm package ${identity.package ?? NPM_CHROMIUM_PACKAGE}`;

/** One line for the console: `Chromium 153.0.8010.0 (npm package @sparticuz/chromium@153.0.0)`. */
export const describeBrowser = (identity: BrowserIdentity): string =>
  `${identity.name} ${identity.version} (${describeSource(identity)})${identity.passedOver.length ? `; not used: ${identity.passedOver.join('; ')}` : ''}`;

const isExecutable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** A browser to try: where it is and how to start it, or why there is none. */
export type ChromiumCandidate =
  | { readonly source: ChromiumSource; readonly executablePath: string; readonly args: readonly string[]; readonly package?: string; readonly env?: Readonly<Record<string, string>> }
  | { readonly source: ChromiumSource; readonly unavailable: string };

interface NpmChromium {
  readonly args: string[];
  setGraphicsMode: boolean;
  executablePath(input?: string): Promise<string>;
}

/** The npm-shipped Chromium is a Linux x64 build (its package carries no os/cpu fields, so npm installs it everywhere). */
export const npmChromiumRuns = (platform: string = process.platform, arch: string = process.arch): boolean => platform === 'linux' && arch === 'x64';

/**
 * Unpacks @sparticuz/chromium's brotli archives into `cacheDir` (once; later runs find the binary there).
 * The package unpacks into os.tmpdir() (a Lambda's /tmp) and reuses any /tmp/chromium it finds, whoever put it
 * there; the kit points it at a fresh staging folder instead (TMPDIR, read synchronously by the package before
 * its first await: checked below) and renames that into place, so parallel workers and parallel runs never
 * see a half-written binary.
 */
async function unpackNpmChromium(module: NpmChromium, cacheDir: string): Promise<string> {
  const ready = join(cacheDir, 'chromium');
  if (isExecutable(ready)) return ready;
  mkdirSync(dirname(cacheDir), { recursive: true });
  const staging = mkdtempSync(`${cacheDir}.unpacking-`);
  try {
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = staging;
    let pending: Promise<string>;
    try {
      pending = module.executablePath();
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
    const unpacked = await pending;
    if (unpacked !== join(staging, 'chromium')) throw new Error(`${NPM_CHROMIUM_PACKAGE} unpacked to ${unpacked}, not into ${staging} (package layout changed?)`);
    try {
      renameSync(staging, cacheDir);
    } catch (error) {
      // Another process unpacked it first: use theirs.
      if (!isExecutable(ready)) throw error;
    }
    return ready;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function npmChromiumCacheDir(packageDir: string, version: string): string {
  // node_modules/@sparticuz/chromium -> node_modules/.cache/auth-ctk/; a read-only node_modules falls back to tmp.
  const nodeModules = dirname(dirname(packageDir));
  const cache = join(nodeModules, '.cache', 'auth-ctk');
  try {
    mkdirSync(cache, { recursive: true });
    accessSync(cache, constants.W_OK);
    return join(cache, `sparticuz-chromium-${version}`);
  } catch {
    return join(tmpdir(), `auth-ctk-sparticuz-chromium-${version}-${process.getuid?.() ?? 0}`);
  }
}

/** The npm-shipped Chromium as a candidate: unpacked and ready, or why not. */
export async function npmChromiumCandidate(): Promise<ChromiumCandidate> {
  if (!npmChromiumRuns()) return { source: 'npm', unavailable: `the npm-shipped Chromium (${NPM_CHROMIUM_PACKAGE}) is a Linux x64 build; this is ${process.platform}/${process.arch}` };
  const require = createRequire(import.meta.url);
  let packageDir: string;
  let version: string;
  try {
    // Its exports map hides package.json: find the package from its entry point (build/index.js).
    packageDir = dirname(dirname(require.resolve(NPM_CHROMIUM_PACKAGE)));
    version = (JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return { source: 'npm', unavailable: `the npm package ${NPM_CHROMIUM_PACKAGE} is not installed (run npm ci)` };
  }
  try {
    const module = (await import(NPM_CHROMIUM_PACKAGE)).default as NpmChromium;
    // No WebGL needed: the plain --disable-webgl set instead of SwiftShader's GL flags.
    module.setGraphicsMode = false;
    const executablePath = await unpackNpmChromium(module, npmChromiumCacheDir(packageDir, version));
    const dropped = new Set<string>(NPM_CHROMIUM_DROPPED_ARGS);
    const env = bundledFontConfig(dirname(executablePath));
    return { source: 'npm', executablePath, args: module.args.filter((a) => !dropped.has(a)), package: `${NPM_CHROMIUM_PACKAGE}@${version}`, ...(env ? { env } : {}) };
  } catch (error) {
    return { source: 'npm', unavailable: `${NPM_CHROMIUM_PACKAGE}@${version} could not be unpacked: ${firstLine(error)}` };
  }
}

const firstLine = (error: unknown): string => ((error as Error)?.message ?? String(error)).split('\n')[0] ?? '';

export class ChromiumUnavailableError extends BrowserLoginSetupError {
  constructor(reason: string) {
    super(reason, CHROMIUM_INSTALL_HINT);
    this.name = 'ChromiumUnavailableError';
  }
}

export interface LaunchedChromium {
  readonly browser: Browser;
  readonly identity: BrowserIdentity;
}

/**
 * A font configuration for the npm-shipped Chromium where the system has none (a minimal container image: no
 * /etc/fonts). Without one Chromium's renderer dies at the first page (measured in the kit image: the browser
 * exits with SIGTRAP after "Fontconfig error: Cannot load default config file"). The package ships its fonts;
 * its own fonts.conf names AWS Lambda's paths, so the kit writes one naming where they were unpacked. Undefined
 * where the system has a configuration or the caller set one (FONTCONFIG_FILE / FONTCONFIG_PATH).
 */
export function bundledFontConfig(unpackedDir: string, env: NodeJS.ProcessEnv = process.env, systemConfig = '/etc/fonts/fonts.conf'): Record<string, string> | undefined {
  if (env.FONTCONFIG_FILE || env.FONTCONFIG_PATH || existsSync(systemConfig)) return undefined;
  const fonts = join(unpackedDir, 'fonts', 'fonts');
  if (!existsSync(fonts)) return undefined;
  const file = join(unpackedDir, 'auth-ctk-fonts.conf');
  if (!existsSync(file)) {
    const cache = join(tmpdir(), 'auth-ctk-fontconfig-cache');
    writeFileSync(file, `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${fonts}</dir>\n  <cachedir>${cache}</cachedir>\n</fontconfig>\n`);
  }
  return { FONTCONFIG_FILE: file };
}

/** What a launch gives back: a Browser, or (the run's browser broker, support/browser/broker.ts) a browser server. */
export interface StartedChromium {
  version(): string;
}

/** Where and how to start one Chromium: a candidate that is available. */
export interface LaunchSpec {
  readonly executablePath: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

type Launch<T extends StartedChromium = Browser> = (candidate: LaunchSpec) => Promise<T>;

/** The command line the kit starts Chromium with: the candidate's flags and the kit's own (CHROMIUM_ARGS). */
export const launchOptions = ({ executablePath, args, env }: LaunchSpec) => ({
  executablePath,
  ...(env ? { env: { ...process.env, ...env } } : {}),
  // playwright-core adds its own --headless and a fresh --user-data-dir per launch; the flags are also
  // listed here so the command line is the documented one whatever playwright's defaults become.
  headless: true,
  args: [...new Set([...args, ...CHROMIUM_ARGS])],
  timeout: 30_000,
});

// playwright-core is imported when a browser is launched, not when the support code loads: it is the heaviest
// module of the kit (~0.2 s per process), and most cucumber workers of a parallel run never start a browser.
const launchWithPlaywright: Launch = async (candidate) => (await import('playwright-core')).chromium.launch(launchOptions(candidate));

/**
 * A Chromium that dies while starting ("Target page, context or browser has been closed") usually starts on the
 * next try: measured once in a fresh-clone CI run, where two fault runs launched the npm build at the same time and
 * one run's every browser scenario became not testable. Three tries, a short pause between; the last error stands.
 */
export const LAUNCH_ATTEMPTS = 3;

async function launchWithRetries<T extends StartedChromium>(launch: Launch<T>, candidate: LaunchSpec): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(candidate);
    } catch (error) {
      if (attempt >= LAUNCH_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
    }
  }
}

export interface ResolveOptions<T extends StartedChromium = Browser> {
  readonly env?: NodeJS.ProcessEnv;
  readonly exists?: (path: string) => boolean;
  readonly npm?: () => Promise<ChromiumCandidate>;
  readonly launch?: Launch<T>;
}

/**
 * Tries $AUTH_CTK_CHROMIUM, the system Chromium, the npm-shipped one, in that order, and returns the first
 * that starts. A named Chromium that does not start is passed over LOUDLY (the identity lists it), not
 * silently: the run's browser line shows it. Throws ChromiumUnavailableError naming all three when none starts.
 */
export function resolveChromium(options: ResolveOptions<Browser> = {}): Promise<LaunchedChromium> {
  return resolveWith(options.launch ?? launchWithPlaywright, options);
}

/** resolveChromium with another way to start the browser (the broker starts a browser server). */
export async function resolveWith<T extends StartedChromium>(launch: Launch<T>, options: Omit<ResolveOptions<T>, 'launch'> = {}): Promise<{ readonly browser: T; readonly identity: BrowserIdentity }> {
  const env = options.env ?? process.env;
  const exists = options.exists ?? isExecutable;
  const passedOver: string[] = [];
  const configured = env[CHROMIUM_ENV]?.trim();
  const candidates: (() => ChromiumCandidate | Promise<ChromiumCandidate>)[] = [
    () =>
      !configured
        ? { source: 'env', unavailable: `${CHROMIUM_ENV} is not set` }
        : exists(configured)
          ? { source: 'env', executablePath: configured, args: [] }
          : { source: 'env', unavailable: `${CHROMIUM_ENV}=${configured} is not an executable file` },
    () => {
      const hit = CHROMIUM_CANDIDATES.find((path) => exists(path));
      return hit ? { source: 'system', executablePath: hit, args: [] } : { source: 'system', unavailable: `no system Chromium (looked at ${CHROMIUM_CANDIDATES.join(', ')})` };
    },
    options.npm ?? npmChromiumCandidate,
  ];
  for (const next of candidates) {
    const candidate = await next();
    if ('unavailable' in candidate) {
      // An unset variable is not worth a line; everything else the user may want to know.
      if (!(candidate.source === 'env' && !configured)) passedOver.push(candidate.unavailable);
      continue;
    }
    try {
      const browser = await launchWithRetries(launch, candidate);
      const identity: BrowserIdentity = {
        name: 'Chromium',
        version: browser.version(),
        source: candidate.source,
        executablePath: candidate.executablePath,
        ...(candidate.package ? { package: candidate.package } : {}),
        passedOver: [...passedOver],
      };
      return { browser, identity };
    } catch (error) {
      passedOver.push(`${describeSource(candidate)} did not start: ${firstLine(error)}`);
    }
  }
  throw new ChromiumUnavailableError(`no Chromium could be started: ${passedOver.join('; ')}`);
}

let launching: Promise<LaunchedChromium> | undefined;
let launchedIdentity: BrowserIdentity | undefined;

/** The run's browser and which one it is, launched on first use. */
export function sharedChromium(): Promise<LaunchedChromium> {
  if (!launching) {
    // A failure is kept for the run too: a browser that did not start will not start a second later, and
    // every browser scenario then reports the same reason without paying for the attempt again.
    // In a cucumber worker of a parallel run: the one browser the CLI's broker serves (support/browser/broker.ts).
    // If that fails for any reason but "no Chromium starts here", this worker starts its own.
    const brokered = process.env[BROWSER_BROKER_ENV] && !isMainThread
      ? import('./broker.ts').then(({ browserFromBroker }) => browserFromBroker(process.env[BROWSER_BROKER_ENV]!)).catch((error: unknown) => {
          if (error instanceof ChromiumUnavailableError) throw error;
          return resolveChromium();
        })
      : resolveChromium();
    launching = brokered.then((launched) => {
      launchedIdentity = launched.identity;
      return launched;
    });
    launching.catch(() => undefined);
  }
  return launching;
}

/** The run's browser, launched on first use. */
export async function sharedBrowser(): Promise<Browser> {
  return (await sharedChromium()).browser;
}

/** Which browser this process launched, if it launched one. */
export const sharedBrowserIdentity = (): BrowserIdentity | undefined => launchedIdentity;

/** Closes the run's browser if one was launched (AfterAll). */
export async function closeSharedBrowser(): Promise<void> {
  const pending = launching;
  launching = undefined;
  if (!pending) return;
  const launched = await pending.catch(() => undefined);
  await launched?.browser.close().catch(() => undefined);
}
