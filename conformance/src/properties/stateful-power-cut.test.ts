import type { Host, HostFile } from '@vskit/host';
import { describe, expect, it } from 'vitest';
import { isTemporaryName } from '../power-cuts.js';
import type { PropertyDefinition } from '../property.js';
import { renderReport } from '../report.js';
import { runConformance } from '../runner.js';
import type { ComServer, Subject } from '../subject.js';
import { emulatedSubject } from '../subjects/emulated.js';
import { statefulChains } from './stateful.js';

/** `target` with some members replaced; every other method bound to `target`. */
function replacing<T extends object>(target: T, members: Partial<Record<keyof T, unknown>>): T {
  return new Proxy(target, {
    get(object, name) {
      if (name in members) return (members as Record<string | symbol, unknown>)[name];
      const value = Reflect.get(object, name, object);
      return typeof value === 'function' ? value.bind(object) : value;
    },
  });
}

/** The emulated subject with its server on `wrap(host)`: a server writing through a broken host. */
function onHost(name: string, wrap: (host: Host, server: () => ComServer) => Host): Subject {
  return {
    name,
    createHost: (state) => emulatedSubject.createHost(state),
    async createServer(host) {
      let server: ComServer | undefined;
      server = (await emulatedSubject.createServer(
        wrap(host, () => server as ComServer),
      )) as ComServer;
      return server;
    },
  };
}

/** The report of `stateful.chains` against `subject`. */
function statefulRun(subject: Subject, runs = 60) {
  return runConformance(subject, {
    runs,
    seed: 13,
    properties: [statefulChains] as PropertyDefinition<unknown>[],
  });
}

const failing = (report: Awaited<ReturnType<typeof statefulRun>>) =>
  report.requirements.filter((r) => r.status === 'fail').map((r) => r.id);

// each test runs the sequences (and shrinks a failure) on a shared machine: more than the default
const LONG = { timeout: 150_000 };

describe('stateful.chains cuts the power on a host that offers it', LONG, () => {
  it('the emulated subject holds STATE.power-cut over cuts in creations and chain methods', async () => {
    const report = await statefulRun(emulatedSubject);
    const line = report.requirements.find((r) => r.id === 'STATE.power-cut');
    expect(failing(report)).toEqual([]);
    expect(line?.exercised).toBe(true);
    expect(line?.cases).toBeGreaterThan(5);
  });

  it('a server whose file syncs do nothing (no write is durable) is caught by STATE.power-cut alone', async () => {
    const subject = onHost('file syncs that do nothing', (host) =>
      replacing(host, {
        open: async (...args: Parameters<Host['open']>) =>
          replacing(await host.open(...args), { sync: async () => undefined } as Partial<
            Record<keyof HostFile, unknown>
          >),
      }),
    );
    const report = await statefulRun(subject);
    expect(failing(report)).toEqual(['STATE.power-cut']);
    expect(
      report.requirements.find((r) => r.id === 'STATE.power-cut')?.counterexample?.message,
    ).toMatch(/does not open strictly|reads neither as before nor as after|not as a whole image/);
  });

  it('Merge, Compact and put_Parent never syncing what they write in place are caught by STATE.power-cut alone', async () => {
    const subject = onHost('in-place writes never synced', (host) =>
      replacing(host, {
        open: async (...args: Parameters<Host['open']>) => {
          const file = await host.open(...args);
          if (args[1] !== 'readWrite') return file;
          return replacing(file, { sync: async () => undefined } as Partial<
            Record<keyof HostFile, unknown>
          >);
        },
      }),
    );
    const report = await statefulRun(subject);
    expect(failing(report)).toEqual(['STATE.power-cut']);
  });

  it('a creation writing the image in place under its final name is caught by STATE.power-cut alone', async () => {
    // the server's creation methods name the image; the host then opens it where the
    // temporary file was asked for, and the rename into place does nothing
    let naming: string | undefined;
    const redirected = new Map<string, string>();
    const subject: Subject = {
      name: 'creation in place',
      createHost: (state) => emulatedSubject.createHost(state),
      async createServer(host) {
        const inPlace = replacing(host, {
          open: (
            path: string,
            ...rest: [Parameters<Host['open']>[1], Parameters<Host['open']>[2]?]
          ) => {
            const name = path.slice(path.lastIndexOf('\\') + 1);
            if (rest[0] === 'createNew' && isTemporaryName(name) && naming !== undefined) {
              redirected.set(path.toUpperCase(), naming);
              const image = naming;
              naming = undefined;
              return host.open(image, ...rest);
            }
            return host.open(path, ...rest);
          },
          rename: async (from: string, to: string) =>
            redirected.delete(from.toUpperCase()) ? undefined : host.rename(from, to),
          unlink: (path: string) => host.unlink(redirected.get(path.toUpperCase()) ?? path),
        });
        const inner = (await emulatedSubject.createServer(inPlace)) as ComServer;
        // every call names the image a dynamic or fixed creation makes, or nothing
        return new Proxy(inner, {
          get(object, name) {
            const value = Reflect.get(object, name, object);
            if (typeof value !== 'function') return value;
            return (...args: unknown[]) => {
              const sized =
                name === 'CreateDynamicVirtualHardDisk' || name === 'CreateFixedVirtualHardDisk';
              naming = sized ? (args[0] as string) : undefined;
              return value.apply(object, args);
            };
          },
        });
      },
    };
    const report = await statefulRun(subject);
    expect(failing(report)).toEqual(['STATE.power-cut']);
    expect(
      report.requirements.find((r) => r.id === 'STATE.power-cut')?.counterexample?.message,
    ).toMatch(/create (dynamic|fixed)/);
  });
});

describe('stateful.chains on a host without power cuts', LONG, () => {
  it('reports STATE.power-cut not applicable, with the reason, never as a pass', async () => {
    const subject: Subject = {
      name: 'no power cuts',
      async createHost(state) {
        const host = await emulatedSubject.createHost(state);
        return replacing(host, { faults: undefined, reopenAfterPowerCut: undefined } as never);
      },
      createServer: (host) => emulatedSubject.createServer(host),
    };
    const report = await statefulRun(subject, 20);
    const line = report.requirements.find((r) => r.id === 'STATE.power-cut');
    expect(failing(report)).toEqual([]);
    expect(line).toMatchObject({ status: 'pass', exercised: false, cases: 0, applicable: false });
    expect(line?.inapplicableBecause).toMatch(/offers no power cuts/);
    expect(renderReport(report)).toMatch(
      /n\/a {3}STATE\.power-cut .*not applicable: this subject's host offers no power cuts/,
    );
  });
});

describe('isTemporaryName', () => {
  it('takes ~*.tmp in any case for a temporary file, and nothing else', () => {
    expect(isTemporaryName('~vskit-0A1B2C3D-01020304.tmp')).toBe(true);
    expect(isTemporaryName('~X.TMP')).toBe(true);
    expect(isTemporaryName('a.tmp')).toBe(false);
    expect(isTemporaryName('~a.vhd')).toBe(false);
    expect(isTemporaryName('~a.tmp.vhd')).toBe(false);
  });
});
