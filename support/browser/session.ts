/**
 * One scenario's browser: a fresh context (no cookies, no storage: every login starts from nothing) and one
 * page in the run's shared Chromium, optionally routed through a source-address proxy so the target sees it
 * as a distinct client IP. Closed by the After hook (steps/browser-lifecycle.ts).
 *
 * What the browser does is evidence: every top-level navigation is recorded as a (redacted) exchange, and
 * each browser step attaches a screenshot in which password fields are masked.
 */
import type { BrowserContext, Page, Response } from 'playwright-core';
import type { CtkWorld } from '../world.ts';
import type { Exchange } from '../http/exchange.ts';
import { redact } from '../http/redact.ts';
import { sharedChromium } from './chromium.ts';
import { MEDIA } from '../verdict/media-types.ts';
import { SourceAddressProxy } from './source-proxy.ts';
import { currentTarget } from '../target/current.ts';

const sessions = new WeakMap<CtkWorld, BrowserSession>();

interface FreshContext {
  readonly context: BrowserContext;
  readonly page: Page;
}

async function newContext(proxy?: SourceAddressProxy): Promise<FreshContext> {
  const { browser } = await sharedChromium();
  const context = await browser.newContext({
    ...(proxy ? { proxy: { server: proxy.url } } : {}),
    // Small enough to keep screenshots cheap on 2 cores, large enough for a login form (Keycloak's included).
    viewport: { width: 640, height: 480 },
    locale: 'en-US',
    // Issue 19: a target with a private CA (profile tls.caFile, the reference's https mode). Chromium takes no CA
    // file, so this context alone does not judge certificates: the TLS checks (features/tls.feature) do, with the CA.
    ...(targetHasPrivateCa() ? { ignoreHTTPSErrors: true } : {}),
  });
  return { context, page: await context.newPage() };
}

function targetHasPrivateCa(): boolean {
  try {
    return currentTarget().tls?.caPem !== undefined;
  } catch {
    return false; // no target (a unit test of the browser helpers)
  }
}

/** At most one fresh, never-used context waiting for the next scenario (closed with the browser at the end). */
let spare: Promise<FreshContext | undefined> | undefined;

function prepareSpare(): void {
  if (spare) return;
  spare = newContext().catch(() => undefined);
}

async function takeSpare(): Promise<FreshContext> {
  const ready = await spare;
  spare = undefined;
  return ready ?? newContext();
}

/** Drops the spare context (end of run): closing the browser closes it anyway; this keeps nothing dangling. */
export async function discardSpareContext(): Promise<void> {
  const pending = spare;
  spare = undefined;
  const ready = await pending;
  await ready?.context.close().catch(() => undefined);
}

export interface SessionOptions {
  /** Loopback address (127.0.0.x) the browser's traffic leaves from; default: the machine's own (127.0.0.1). */
  readonly sourceAddress?: string;
}

export class BrowserSession {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly sourceAddress?: string;
  private readonly proxy?: SourceAddressProxy;
  private readonly world: CtkWorld;
  private shots = 0;
  /** Extra things to close with the session (the front end's callback receiver). */
  readonly closers: (() => Promise<void>)[] = [];

  private constructor(world: CtkWorld, context: BrowserContext, page: Page, proxy?: SourceAddressProxy) {
    this.world = world;
    this.context = context;
    this.page = page;
    this.proxy = proxy;
    this.sourceAddress = proxy?.sourceAddress;
  }

  static async open(world: CtkWorld, options: SessionOptions = {}): Promise<BrowserSession> {
    // Which browser judged this scenario is part of its evidence (and, through the messages, of the certificate).
    const { identity } = await sharedChromium();
    world.attach(JSON.stringify(identity), MEDIA.browser);
    const proxy = options.sourceAddress ? await SourceAddressProxy.start(options.sourceAddress) : undefined;
    // A direct (unproxied) context may come ready-made: it was created, never used, while the previous
    // scenario ran — a new renderer process costs ~150-300 ms on 2 cores.
    const { context, page } = proxy ? await newContext(proxy) : await takeSpare();
    context.setDefaultTimeout(world.target.limits.requestTimeoutMs);
    const session = new BrowserSession(world, context, page, proxy);
    page.on('response', (response) => session.recordNavigation(response));
    if (!proxy) prepareSpare();
    return session;
  }

  /**
   * Attaches a screenshot of the page (password inputs masked) to the scenario: Allure shows it inline.
   * Evidence, not a verdict: a page that is navigating away is retried once, then the screenshot is skipped
   * with a note rather than failing the scenario.
   */
  async screenshot(label: string): Promise<void> {
    this.shots += 1;
    const fileName = `${String(this.shots).padStart(2, '0')}-${label.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`;
    for (let attempt = 1; attempt <= 2; attempt++) {
      try {
        // Password inputs already show dots; one that holds a value is also painted over (a "show password"
        // toggle or a page script could reveal it). Masking costs ~50 ms, so only when there is something to hide.
        const filled = await this.page
          .locator('input[type="password"]')
          .evaluateAll((inputs) => inputs.some((input) => (input as HTMLInputElement).value.length > 0))
          .catch(() => true);
        const png = await this.page.screenshot({
          // The viewport, not the full page: a login form fits, and a full-page capture costs ~3x the time.
          ...(filled ? { mask: [this.page.locator('input[type="password"]')] } : {}),
          timeout: 5_000,
        });
        this.world.attach(png, { mediaType: 'image/png', fileName });
        return;
      } catch (error) {
        if (attempt === 2) this.world.log(`screenshot "${label}" skipped: ${redact((error as Error).message.split('\n')[0] ?? '')}`);
        else await this.page.waitForLoadState('load').catch(() => undefined);
      }
    }
  }

  private recordNavigation(response: Response): void {
    const request = response.request();
    if (!request.isNavigationRequest() || request.frame() !== this.page.mainFrame()) return;
    // Headers of the browser's own requests are not recorded: cookies and session ids add nothing to a verdict.
    const body = request.postData() ?? undefined;
    const location = response.headers().location ? withoutCode(response.headers().location!) : undefined;
    const exchange: Exchange = {
      request: {
        method: request.method(),
        url: request.url(),
        headers: body ? { 'content-type': request.headers()['content-type'] ?? '' } : {},
        ...(body !== undefined ? { body } : {}),
        ...(this.sourceAddress ? { sourceAddress: this.sourceAddress } : {}),
      },
      response: {
        status: response.status(),
        headers: location ? { location } : {},
        rawHeaders: location ? [['location', location]] : [],
        body: '',
      },
      startedAt: Date.now(),
      durationMs: 0,
    };
    this.world.record(exchange, false);
  }

  async close(): Promise<void> {
    for (const close of this.closers.splice(0)) await close().catch(() => undefined);
    await this.context.close().catch(() => undefined);
    await this.proxy?.stop().catch(() => undefined);
  }
}

/** A redirect's Location with the authorization code masked: a live code is a credential until redeemed. */
export function withoutCode(location: string): string {
  return redact(location.replace(/([?&#]code=)[^&#]*/g, '$1[REDACTED]'));
}

/** The scenario's browser session, opened on first use. */
export async function browserSession(world: CtkWorld, options: SessionOptions = {}): Promise<BrowserSession> {
  const existing = sessions.get(world);
  if (existing) {
    if ((options.sourceAddress ?? undefined) !== existing.sourceAddress) {
      throw new Error(`this scenario's browser already runs from ${existing.sourceAddress ?? '127.0.0.1'}; open at most one browser per scenario`);
    }
    return existing;
  }
  const session = await BrowserSession.open(world, options);
  sessions.set(world, session);
  return session;
}

export async function closeBrowserSession(world: CtkWorld): Promise<void> {
  const session = sessions.get(world);
  sessions.delete(world);
  await session?.close();
}
