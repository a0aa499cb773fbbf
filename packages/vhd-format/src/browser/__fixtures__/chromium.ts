/**
 * Debian's Chromium, driven by playwright-core, for the test that runs the built package in a
 * browser. Playwright never downloads a browser here: it is always given `executablePath`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { describe, it } from 'vitest';
import {
  type PeerStatus,
  peerStatus,
  peersRequired,
  probe,
} from '../../interop/__fixtures__/peers.js';

/** The browser binary: `VSKIT_CHROMIUM`, or Debian's `/usr/bin/chromium`. */
export const CHROMIUM = process.env.VSKIT_CHROMIUM ?? '/usr/bin/chromium';

/** Headless, no sandbox (root in a container), and nothing that reaches the network by itself. */
export const CHROMIUM_ARGS: readonly string[] = [
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

let cached: PeerStatus | undefined;

/** Whether Chromium runs here (`chromium --version`), looked up once. */
export function chromiumStatus(): PeerStatus {
  cached ??= probe(CHROMIUM, ['--version']);
  return cached;
}

/** A running browser with a fresh profile, and a way to close it and remove the profile. */
export interface Browser {
  readonly context: BrowserContext;
  /** Closes the browser (every page) and removes its profile folder; safe to call twice. */
  close(): Promise<void>;
}

/** Launches headless Chromium with a fresh user-data-dir under the OS temp dir. */
export async function launchChromium(): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'vskit-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [...CHROMIUM_ARGS],
      acceptDownloads: true,
      timeout: BROWSER_TIMEOUT_MS,
    });
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
  context.setDefaultTimeout(BROWSER_TIMEOUT_MS);
  let closed: Promise<void> | undefined;
  return {
    context,
    close: () => {
      closed ??= context
        .close()
        .finally(() => rm(profile, { recursive: true, force: true, maxRetries: 3 }));
      return closed;
    },
  };
}

/**
 * `describe` for suites that need Chromium and, unless `qemu` is false, qemu-img/qemu-io. All
 * found: a plain suite. Missing: with `VSKIT_REQUIRE_PEERS=1` a suite whose single test fails
 * and says what to install; otherwise a skipped suite whose name carries the reason.
 */
export function describeInChromium(
  title: string,
  body: () => void,
  needs: { qemu?: boolean } = {},
): void {
  const missing: string[] = [];
  const browser = chromiumStatus();
  if (!browser.found) missing.push(`${browser.reason} (apt-get install chromium)`);
  const qemu: PeerStatus = needs.qemu === false ? { found: true, version: '' } : peerStatus('qemu');
  if (!qemu.found) missing.push(`${qemu.reason} (apt-get install qemu-utils)`);
  if (missing.length === 0) {
    describe(title, body);
  } else if (peersRequired()) {
    describe(title, () => {
      it(`needs chromium${needs.qemu === false ? '' : ' and qemu-utils'}`, () => {
        throw new Error(`required (VSKIT_REQUIRE_PEERS=1) but missing: ${missing.join('; ')}`);
      });
    });
  } else {
    describe.skip(
      `${title} [skipped: ${missing.join('; ')}; set VSKIT_REQUIRE_PEERS=1 to fail]`,
      body,
    );
  }
}
