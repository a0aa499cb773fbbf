/**
 * The real peers the interop tests compare against: qemu-img and qemu-io (qemu-utils), libvhdi's
 * Python binding pyvhdi (python3-libvhdi) and vhd-lib 0.7.2 (npm, a dev dependency).
 *
 * Each peer is looked up once, synchronously, so test files can decide at collection time
 * whether to run. A missing peer skips its tests with the reason in the suite name, unless
 * `VSKIT_REQUIRE_PEERS=1` (set by CI), which turns the absence into a failing test.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

/** A peer's name as the tests use it. */
export type PeerName = 'qemu' | 'pyvhdi' | 'vhd-lib';

/** Whether a peer was found, and what to run, or why it was not. */
export type PeerStatus =
  | { readonly found: true; readonly version: string }
  | { readonly found: false; readonly reason: string };

/** Where the peers live on this machine. */
export interface Peers {
  /** qemu-img and qemu-io, both needed. */
  readonly qemu: PeerStatus;
  /** A Python 3 that imports pyvhdi. */
  readonly pyvhdi: PeerStatus;
  /** vhd-lib 0.7.2, resolvable from this package. */
  readonly vhdLib: PeerStatus;
  /** Path (or name on PATH) of qemu-img. */
  readonly qemuImg: string;
  /** Path (or name on PATH) of qemu-io. */
  readonly qemuIo: string;
  /** The Python interpreter that imports pyvhdi. */
  readonly python: string;
}

/** Runs `command --version`-style probes: the first output line, or why it could not run. */
export function probe(command: string, args: readonly string[]): PeerStatus {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 10_000 });
  if (result.error !== undefined) {
    const code = (result.error as NodeJS.ErrnoException).code;
    return {
      found: false,
      reason: code === 'ENOENT' ? `${command} not found` : `${command}: ${result.error.message}`,
    };
  }
  if (result.status !== 0) {
    const detail = `${result.stderr}${result.stdout}`.trim().split('\n').at(-1) ?? '';
    return { found: false, reason: `${command} exited with ${result.status}: ${detail}` };
  }
  return { found: true, version: result.stdout.trim().split('\n')[0] ?? '' };
}

function findQemu(qemuImg: string, qemuIo: string): PeerStatus {
  const img = probe(qemuImg, ['--version']);
  if (!img.found) return img;
  const io = probe(qemuIo, ['--version']);
  if (!io.found) return io;
  return img;
}

function findPyvhdi(python: string): PeerStatus {
  const status = probe(python, ['-c', 'import pyvhdi; print(pyvhdi.get_version())']);
  if (!status.found) return { found: false, reason: `pyvhdi is not importable: ${status.reason}` };
  return { found: true, version: `libvhdi ${status.version}` };
}

function findVhdLib(): PeerStatus {
  try {
    const require = createRequire(import.meta.url);
    const manifest = require('vhd-lib/package.json') as { version: string };
    return { found: true, version: `vhd-lib ${manifest.version}` };
  } catch (error) {
    return { found: false, reason: `vhd-lib is not installed: ${(error as Error).message}` };
  }
}

let cached: Peers | undefined;

/**
 * Looks the peers up (once per process). `VSKIT_QEMU_IMG`, `VSKIT_QEMU_IO` and `VSKIT_PYTHON`
 * override the commands; the defaults are `qemu-img`, `qemu-io` and `/usr/bin/python3`, the
 * interpreter Debian's python3-libvhdi installs into.
 */
export function findPeers(): Peers {
  if (cached !== undefined) return cached;
  const qemuImg = process.env.VSKIT_QEMU_IMG ?? 'qemu-img';
  const qemuIo = process.env.VSKIT_QEMU_IO ?? 'qemu-io';
  const python = process.env.VSKIT_PYTHON ?? '/usr/bin/python3';
  cached = {
    qemu: findQemu(qemuImg, qemuIo),
    pyvhdi: findPyvhdi(python),
    vhdLib: findVhdLib(),
    qemuImg,
    qemuIo,
    python,
  };
  return cached;
}

/** Whether missing peers fail the run (`VSKIT_REQUIRE_PEERS=1`, as in CI) instead of skipping. */
export function peersRequired(): boolean {
  return process.env.VSKIT_REQUIRE_PEERS === '1';
}

/** The status of one peer by name. */
export function peerStatus(name: PeerName): PeerStatus {
  const peers = findPeers();
  return name === 'qemu' ? peers.qemu : name === 'pyvhdi' ? peers.pyvhdi : peers.vhdLib;
}
