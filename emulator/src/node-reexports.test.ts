import * as hostNode from '@vskit/host-node';
import { describe, expect, it } from 'vitest';
import * as emulator from './index.js';

describe('the deprecated re-exports of @vskit/host-node', () => {
  it('are the very functions @vskit/host-node exports, so old imports keep working', () => {
    expect(emulator.createNodeHost).toBe(hostNode.createNodeHost);
    expect(emulator.openNodeFile).toBe(hostNode.openNodeFile);
  });
});
