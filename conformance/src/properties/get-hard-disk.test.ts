import { windowsPath } from '@vskit/host';
import { memoryFile, openImage } from '@vskit/vhd-format';
import { describe, expect, it } from 'vitest';
import { HR } from '../hresults.js';
import { runConformance } from '../runner.js';
import type { ComHardDisk, ComServer, OutParam, Subject } from '../subject.js';
import { emulatedSubject } from '../subjects/emulated.js';
import { getHardDiskProperty } from './get-hard-disk.js';
import { openThroughSubject } from './open-subject.js';

const properties = [getHardDiskProperty, openThroughSubject];

/** The emulated subject with its GetHardDisk replaced by `wrap(inner, host)`. */
function withGetHardDisk(
  name: string,
  wrap: (
    inner: ComServer,
    host: Parameters<Subject['createServer']>[0],
  ) => ComServer['GetHardDisk'],
): Subject {
  return {
    name,
    createHost: (state) => emulatedSubject.createHost(state),
    async createServer(host) {
      const inner = (await emulatedSubject.createServer(host)) as ComServer;
      return {
        CreateDifferencingVirtualHardDisk: (i, p, out) =>
          inner.CreateDifferencingVirtualHardDisk(i, p, out),
        CreateDynamicVirtualHardDisk: (i, s, out) => inner.CreateDynamicVirtualHardDisk(i, s, out),
        CreateFixedVirtualHardDisk: (i, s, out) => inner.CreateFixedVirtualHardDisk(i, s, out),
        ...(wrap(inner, host) === undefined ? {} : { GetHardDisk: wrap(inner, host) }),
      };
    },
  };
}

async function failing(subject: Subject): Promise<string[]> {
  const report = await runConformance(subject, { runs: 30, seed: 11, properties });
  const failed = report.requirements.filter((r) => r.status === 'fail');
  return failed.map((r) => r.id).sort();
}

/** The W2ku path a differencing disk at `path` records, if any. */
async function w2kuOf(
  host: Parameters<Subject['createServer']>[0],
  path: string,
): Promise<string | undefined> {
  const image = await openImage(memoryFile(await host.readFile(path)));
  const w2ku = image.parent?.locators.find((l) => l.platform === 'W2ku')?.path;
  await image.close();
  return w2ku;
}

describe('the GetHardDisk and chain-opening properties catch', () => {
  it('a subject without GetHardDisk: every requirement they cover fails or is not reached', async () => {
    const report = await runConformance(
      withGetHardDisk('no GetHardDisk', () => undefined),
      { runs: 10, seed: 3, properties },
    );
    // each fails, or was never reached (a case stops at its first broken requirement)
    const shown = report.requirements.filter((r) => r.status === 'pass' && r.exercised);
    expect(shown.map((r) => r.id)).toEqual([]);
    expect(report.requirements.filter((r) => r.status === 'fail').length).toBeGreaterThan(15);
    expect(report.ok).toBe(false);
  });

  it('Dynamic and FixedSize swapped: only GHD.type', async () => {
    const swapped = withGetHardDisk('types swapped', (inner) => async (path, out) => {
      const hr = await inner.GetHardDisk?.(path, out);
      const disk = (out as OutParam<ComHardDisk> | null)?.value;
      if (disk && disk.Type !== 2 && out) {
        (out as OutParam<ComHardDisk>).value = {
          ...disk,
          Type: 1 - disk.Type,
          get_Parent: disk.get_Parent,
        };
      }
      return hr ?? HR.E_FAIL;
    });
    expect(await failing(swapped)).toEqual(['GHD.type']);
  });

  it('a parent looked for by W2ku before W2ru: only the precedence rule', async () => {
    const w2kuFirst = withGetHardDisk('W2ku first', (inner, host) => async (path, out) => {
      const hr = await inner.GetHardDisk?.(path, out);
      const disk = (out as OutParam<ComHardDisk> | null)?.value;
      if (hr === HR.S_OK && disk && disk.Parent !== null && typeof path === 'string') {
        const w2ku = await w2kuOf(host, path);
        const drive = w2ku?.charAt(0) ?? '';
        if (
          w2ku !== undefined &&
          host.volumeInfo(drive) !== undefined &&
          (await host.stat(w2ku))?.kind === 'file'
        ) {
          (out as OutParam<ComHardDisk>).value = {
            ...disk,
            Parent: w2ku,
            get_Parent: disk.get_Parent,
          };
        }
      }
      return hr ?? HR.E_FAIL;
    });
    expect(await failing(w2kuFirst)).toEqual(['OPEN.locator-order.precedence']);
  });

  it('locators handed to the host unresolved (W2ru joined with .., W2ku on any drive): OPEN.confined', async () => {
    const naive = withGetHardDisk('naive locators', (inner, host) => async (path, out) => {
      const stat =
        typeof path === 'string' && windowsPath.isAbsolute(path)
          ? await host.stat(path).catch(() => undefined)
          : undefined;
      if (typeof path === 'string' && stat?.kind === 'file') {
        try {
          const image = await openImage(memoryFile(await host.readFile(path)));
          const folder = windowsPath.format(
            windowsPath.dirname(windowsPath.parseAbsolute(path) ?? { drive: 'C', segments: [] }),
          );
          for (const locator of image.parent?.locators ?? []) {
            const raw = locator.platform === 'W2ru' ? `${folder}\\${locator.path}` : locator.path;
            await host.stat(raw).catch(() => undefined);
          }
          await image.close();
        } catch {
          // not a VHD: nothing to follow
        }
      }
      return (await inner.GetHardDisk?.(path, out)) ?? HR.E_FAIL;
    });
    expect(await failing(naive)).toEqual(['OPEN.confined']);
  });

  it('a GetHardDisk that never answers on a cycle: OPEN.cycle.subject, as a hang', async () => {
    const hanging = withGetHardDisk(
      'hangs on cycles',
      (inner) => (path, out) =>
        typeof path === 'string' && path.endsWith('\\a.vhd')
          ? new Promise<number>(() => {})
          : (inner.GetHardDisk?.(path, out) ?? HR.E_FAIL),
    );
    const report = await runConformance(hanging, {
      runs: 30,
      seed: 11,
      properties: [openThroughSubject],
      quickTimeoutMs: 1000,
    });
    const failed = report.requirements.filter((r) => r.status === 'fail');
    expect(failed.map((r) => r.id)).toEqual(['OPEN.cycle.subject']);
    expect(failed[0]?.counterexample?.message).toMatch(/did not answer within 1 s/);
  });
});
