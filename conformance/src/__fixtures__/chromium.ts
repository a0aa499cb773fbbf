/**
 * Debian's Chromium, driven by playwright-core (never downloading a browser: always given
 * `executablePath`), for the test that reads the HTML report in a browser.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { describe, it } from 'vitest';

/** The browser binary: `VSKIT_CHROMIUM`, or Debian's `/usr/bin/chromium`. */
export const CHROMIUM = process.env.VSKIT_CHROMIUM ?? '/usr/bin/chromium';

/** Headless, no sandbox (root in a container), nothing that reaches the network by itself. */
const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches and page loads are slow on a busy 2-core machine: wait long rather than fail. */
export const BROWSER_TIMEOUT_MS = 120_000;

/** Why Chromium cannot run here, or `undefined` when it can (`chromium --version`). */
function missingChromium(): string | undefined {
  const result = spawnSync(CHROMIUM, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  if (result.error !== undefined) return `${CHROMIUM}: ${result.error.message}`;
  if (result.status !== 0) return `${CHROMIUM} --version exited with ${result.status}`;
  return undefined;
}

/** Launches headless Chromium with a fresh profile; `close` ends it and removes the profile. */
export async function launchChromium(): Promise<{
  context: BrowserContext;
  close: () => Promise<void>;
}> {
  const profile = await mkdtemp(join(tmpdir(), 'vskit-conformance-chromium-'));
  const context = await chromium
    .launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [...CHROMIUM_ARGS],
      timeout: BROWSER_TIMEOUT_MS,
    })
    .catch(async (error: unknown) => {
      await rm(profile, { recursive: true, force: true });
      throw error;
    });
  context.setDefaultTimeout(BROWSER_TIMEOUT_MS);
  return {
    context,
    close: () =>
      context.close().finally(() => rm(profile, { recursive: true, force: true, maxRetries: 3 })),
  };
}

/**
 * `describe` for a suite that needs Chromium. Missing: with `VSKIT_REQUIRE_PEERS=1` a suite whose
 * one test fails and says what to install; otherwise a skipped suite whose name says why.
 */
export function describeInChromium(title: string, body: () => void): void {
  const missing = missingChromium();
  if (missing === undefined) describe(title, body);
  else if (process.env.VSKIT_REQUIRE_PEERS === '1') {
    describe(title, () => {
      it('needs chromium', () => {
        throw new Error(
          `required (VSKIT_REQUIRE_PEERS=1) but missing: ${missing} (apt-get install chromium)`,
        );
      });
    });
  } else {
    describe.skip(`${title} [skipped: ${missing}; set VSKIT_REQUIRE_PEERS=1 to fail]`, body);
  }
}
