/** Suites that need a real peer: run, fail (when peers are required) or skip with the reason. */
import { describe, it } from 'vitest';
import { type PeerName, peerStatus, peersRequired } from './peers.js';

/** How to install each peer, for failure messages. */
const INSTALL: Readonly<Record<PeerName, string>> = {
  qemu: 'apt-get install qemu-utils',
  pyvhdi: 'apt-get install python3-libvhdi',
  'vhd-lib': 'npx -y pnpm@10 install (vhd-lib 0.7.2 is a dev dependency)',
};

/**
 * `describe` for tests that need a peer. Found: a plain suite. Missing: with
 * `VSKIT_REQUIRE_PEERS=1` a suite whose single test fails and says what to install; otherwise a
 * skipped suite whose name carries the reason.
 */
export function describeWithPeer(name: PeerName, title: string, body: () => void): void {
  const status = peerStatus(name);
  if (status.found) {
    describe(title, body);
  } else if (peersRequired()) {
    describe(title, () => {
      it(`needs ${name}`, () => {
        throw new Error(
          `${name} is required (VSKIT_REQUIRE_PEERS=1) but missing: ${status.reason}. Install it: ${INSTALL[name]}`,
        );
      });
    });
  } else {
    describe.skip(`${title} [skipped: ${status.reason}; set VSKIT_REQUIRE_PEERS=1 to fail]`, body);
  }
}
