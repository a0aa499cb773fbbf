import { describe, expect, it } from 'vitest';
import { CliError } from './errors.js';
import { loadOptionalPeer } from './optional-peer.js';

describe('loadOptionalPeer', () => {
  it('gives the module when the peer is installed', async () => {
    const module = { main: () => 0 };
    await expect(
      loadOptionalPeer('@vskit/conformance', 'conformance', async () => module),
    ).resolves.toBe(module);
  });

  it('turns a peer that is not installed into MISSING_PEER naming it and the command', async () => {
    // A real resolution failure from Node.js, for a package that exists nowhere.
    const name = '@vskit/absent-peer-for-a-test';
    const failure = await loadOptionalPeer(name, 'conformance', () => import(name)).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(CliError);
    expect(failure).toMatchObject({ code: 'MISSING_PEER', exitCode: 1 });
    expect((failure as CliError).message).toContain(`vskit conformance needs ${name}`);
    expect((failure as CliError).message).toContain(`npm install ${name}`);
  });

  it('passes on a missing dependency of the peer, and any other failure, as they are', async () => {
    const inner = Object.assign(new Error("Cannot find package 'memfs' imported from /x.js"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    await expect(
      loadOptionalPeer('@vskit/conformance', 'conformance', () => Promise.reject(inner)),
    ).rejects.toBe(inner);
    const broken = new SyntaxError('Unexpected token');
    await expect(
      loadOptionalPeer('@vskit/conformance', 'conformance', () => Promise.reject(broken)),
    ).rejects.toBe(broken);
  });
});
