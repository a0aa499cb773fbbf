/**
 * The built package, as published (`dist`), loaded into headless Chromium as an ES module from
 * a static server on 127.0.0.1 through an import map, with no bundler. In the page it creates a
 * dynamic image and a differencing child in memory, writes through the child and reads the bytes
 * back, inspects and checks both, reads a qemu-img image picked in an `<input>` through
 * `blobFile`, and offers its images as `Blob` downloads. Node.js-only globals throw in the page;
 * the run must touch none. Any page error, console error or failed request fails the suite.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Download } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { check } from '../check.js';
import { openChain } from '../image/chain.js';
import type { ImageInfo } from '../inspect.js';
import { qemuCreate, qemuInfo, qemuIo, qemuReadAll } from '../interop/__fixtures__/qemu.js';
import { runChecked } from '../interop/__fixtures__/run.js';
import { suiteTempDir } from '../interop/__fixtures__/suite-temp-dir.js';
import { memoryFile } from '../io.js';
import { firstDifference } from '../testing/images.js';
import {
  BROWSER_TIMEOUT_MS,
  type Browser,
  describeInChromium,
  launchChromium,
} from './__fixtures__/chromium.js';
import { type StaticServer, startStaticServer, within } from './__fixtures__/static-server.js';

const MiB = 2 ** 20;
const packageDir = fileURLToPath(new URL('../../', import.meta.url));
const dist = join(packageDir, 'dist');
const fixtures = fileURLToPath(new URL('./__fixtures__/', import.meta.url));

/** Where the page's import map points `@vskit/vhd-format`, as a site serving node_modules would. */
const DIST_URL = '/node_modules/@vskit/vhd-format/dist/';

/** One write the page makes: `length` bytes of `(seed + i) % 251` at `offset`. */
interface Write {
  readonly offset: number;
  readonly length: number;
  readonly seed: number;
}

/** A size that is already a CHS capacity (241/4/17), so `createDynamic` keeps it as asked. */
const SIZE = 8 * MiB + 2048;
/** Into the base: its first sectors, across a block, the last bytes. */
const BASE_WRITES: readonly Write[] = [
  { offset: 0, length: 4096, seed: 1 },
  { offset: 3 * MiB + 100, length: 70_000, seed: 2 },
  { offset: SIZE - 1000, length: 1000, seed: 3 },
];
/** Through the child: part of a sector over base data, across blocks 0 and 1, blocks 2 and 3. */
const CHILD_WRITES: readonly Write[] = [
  { offset: 1000, length: 10, seed: 10 },
  { offset: 2 * MiB - 300, length: 600, seed: 11 },
  { offset: 3 * MiB + 50_000, length: 1024, seed: 12 },
  { offset: 5 * MiB, length: 1.5 * MiB, seed: 13 },
];
/** What qemu-io writes into the image the page is handed. */
const QEMU_SIZE = 10 * MiB;
const QEMU_FILL = ['write -P 0xab 1M 64k', 'write -P 0xcd 3000 5000', 'write -P 0x11 4M 2M'];

/** The same bytes the page writes, computed here independently. */
function pattern({ length, seed }: Write): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (seed + i) % 251);
}

/** The virtual disk after `writes`, in order, on zeros. */
function model(writes: readonly Write[]): Uint8Array {
  const disk = new Uint8Array(SIZE);
  for (const w of writes) disk.set(pattern(w), w.offset);
  return disk;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Only what the package publishes: no tests, no `testing/` or `interop/` helpers. */
function published(rest: string): boolean {
  return !/^(testing|interop)\//.test(rest) && !/\.(test|bench)\./.test(rest);
}

/** The files the server offers: the page, its script, and the built package. */
function route(path: string): string | undefined {
  if (path === '/') return join(fixtures, 'page.html');
  if (path === '/page.js') return join(fixtures, 'page.js');
  if (path.startsWith(DIST_URL)) {
    const rest = path.slice(DIST_URL.length);
    return published(rest) ? within(dist, rest) : undefined;
  }
  return undefined;
}

/** Builds `dist` (`tsc -b`: a no-op when `pnpm test` has just built it). */
async function buildPackage(): Promise<void> {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  await runChecked(process.execPath, [tsc, '-b', packageDir], 300_000);
}

/**
 * An error from the page, with the page's URLs shortened to `<page>/...`: vitest reads the files
 * named in a stack, and would try to read `http://127.0.0.1:PORT/...` as a path.
 */
function fromPage(error: unknown, origin: string): Error {
  const message = error instanceof Error ? error.message : String(error);
  return new Error(message.replaceAll(origin, '<page>'));
}

/** What `run` in page.js resolves with. */
interface PageReport {
  created: {
    size: number;
    sha256: string;
    firstDifference: number;
    reopenedFirstDifference: number;
    parentUnchanged: boolean;
    inspect: ImageInfo;
    checks: { base: Awaited<ReturnType<typeof check>>; child: Awaited<ReturnType<typeof check>> };
    files: Record<'base.vhd' | 'child.vhd', string>;
  };
  picked: {
    name: string;
    size: number;
    virtualSize: number;
    sha256: string;
    inspect: ImageInfo;
    check: Awaited<ReturnType<typeof check>>;
    write: string;
  };
}

describeInChromium('the built package in headless Chromium', () => {
  const dir = suiteTempDir('browser');
  let server: StaticServer | undefined;
  let browser: Browser | undefined;
  /** Page errors, console errors and failed requests, as they happen. */
  const problems: string[] = [];
  /** Saved downloads by suggested name. */
  const downloads = new Map<string, string>();
  let report: PageReport;
  let touched: string[];
  let guard: string;
  let qemuRaw: Uint8Array;
  let qemuVirtualSize: number;

  beforeAll(async () => {
    await buildPackage();
    const qemuPath = dir.file('qemu.vhd');
    await qemuCreate(qemuPath, { subformat: 'dynamic', sizeBytes: QEMU_SIZE });
    await qemuIo(qemuPath, QEMU_FILL);
    qemuVirtualSize = (await qemuInfo(qemuPath)).virtualSize;
    qemuRaw = await qemuReadAll(qemuPath, dir.file('qemu.raw'));

    server = await startStaticServer(route);
    browser = await launchChromium();
    try {
      const page = await browser.context.newPage();
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
      });
      page.on('requestfailed', (request) =>
        problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`),
      );
      await page.goto(`${server.origin}/`);
      await page.setInputFiles('#image', qemuPath);

      const names = ['base.vhd', 'child.vhd'] as const;
      const waits = names.map((name) =>
        page.waitForEvent('download', {
          predicate: (d: Download) => d.suggestedFilename() === name,
          timeout: BROWSER_TIMEOUT_MS,
        }),
      );
      for (const wait of waits) wait.catch(() => undefined); // awaited below; never unhandled
      const input = { sizeBytes: SIZE, baseWrites: BASE_WRITES, childWrites: CHILD_WRITES };
      report = (await page.evaluate(
        `import('/page.js').then((page) => page.run(${JSON.stringify(input)}))`,
      )) as PageReport;
      for (const [i, name] of names.entries()) {
        const download = await (waits[i] as Promise<Download>);
        const path = dir.file(`downloaded-${name}`);
        await download.saveAs(path);
        expect(await download.failure()).toBeNull();
        downloads.set(name, path);
      }
      touched = (await page.evaluate('[...globalThis.nodeGlobalsTouched]')) as string[];
      guard = (await page.evaluate(
        '(() => { try { return typeof Buffer; } catch (error) { return error.message; } })()',
      )) as string;
    } catch (error) {
      throw fromPage(error, server.origin);
    }
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  }, BROWSER_TIMEOUT_MS);

  it('writes through a differencing child in memory and reads back the expected bytes', () => {
    const expected = model([...BASE_WRITES, ...CHILD_WRITES]);
    expect(report.created.size).toBe(SIZE);
    expect(report.created.firstDifference).toBe(-1);
    expect(report.created.reopenedFirstDifference).toBe(-1);
    expect(report.created.sha256).toBe(sha256(expected));
    expect(report.created.parentUnchanged).toBe(true);
  });

  it('inspects and checks the images it created', () => {
    const { inspect, checks } = report.created;
    expect(inspect.virtualSize).toBe(SIZE);
    expect(inspect.layers.map((layer) => layer.type)).toEqual(['differencing', 'dynamic']);
    expect(inspect.layers[0]?.parent?.unicodeName).toBe('base.vhd');
    expect(inspect.layers[0]?.parent?.uniqueId).toBe(inspect.layers[1]?.uniqueId);
    expect(inspect.layers[0]?.allocatedBlocks).toBe(4);
    expect(checks.base).toEqual({ ok: true, problems: [] });
    expect(checks.child).toEqual({ ok: true, problems: [] });
  });

  it('reads a qemu-img image picked in an <input> through blobFile, and cannot write it', async () => {
    const { picked } = report;
    expect(picked.name).toBe('qemu.vhd');
    expect(picked.size).toBe((await stat(dir.file('qemu.vhd'))).size);
    expect(picked.virtualSize).toBe(qemuVirtualSize);
    expect(picked.sha256).toBe(sha256(qemuRaw));
    expect(qemuRaw[MiB]).toBe(0xab);
    expect(picked.inspect.layers[0]).toMatchObject({ type: 'dynamic', creatorApplication: 'qemu' });
    expect(picked.check.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(picked.check.ok).toBe(true);
    expect(picked.write).toBe('READ_ONLY');
  });

  it('offers its images as Blob downloads that vhd-format and qemu-img read back', async () => {
    const basePath = downloads.get('base.vhd') as string;
    const childPath = downloads.get('child.vhd') as string;
    const baseBytes = new Uint8Array(await readFile(basePath));
    const childBytes = new Uint8Array(await readFile(childPath));
    expect(sha256(baseBytes)).toBe(report.created.files['base.vhd']);
    expect(sha256(childBytes)).toBe(report.created.files['child.vhd']);

    const chain = await openChain(memoryFile(childBytes), {
      openParent: async () => memoryFile(baseBytes),
    });
    const disk = new Uint8Array(chain.virtualSize);
    await chain.read(disk, 0);
    await chain.close();
    expect(firstDifference(disk, model([...BASE_WRITES, ...CHILD_WRITES]))).toBe(-1);
    const checked = await check(memoryFile(childBytes), {
      openParent: async () => memoryFile(baseBytes),
    });
    expect(checked).toEqual({ ok: true, problems: [] });

    const qemuBase = await qemuReadAll(basePath, dir.file('downloaded-base.raw'));
    expect(qemuBase.length).toBe(SIZE);
    expect(firstDifference(qemuBase, model(BASE_WRITES).subarray(0, qemuBase.length))).toBe(-1);
  });

  it('touches no Node.js-only global (Buffer, process, require, global, setImmediate)', () => {
    expect(touched).toEqual([]);
    // The guard was armed: reading one of them in the page throws.
    expect(guard).toMatch(/Buffer is a Node.js global/);
  });

  it('logs no page error, console error or failed request, and loads only published files', () => {
    expect(problems).toEqual([]);
    expect(server?.notFound).toEqual([]);
    expect(server?.served).toContain(`${DIST_URL}index.js`);
    expect(server?.served).toContain(`${DIST_URL}blob-file.js`);
  });
});
