import { describe, expect, it } from 'vitest';
import {
  type ChainModel,
  cloneModel,
  emptyModel,
  expectedBytes,
  writtenExtents,
} from './chain-model.js';

/** A model of a dynamic disk C:\A.VHD and a differencing child C:\B.VHD, with writes in each. */
function twoLayers(): ChainModel {
  const model = emptyModel();
  const disk = (path: string, parent: string | undefined) => ({
    path,
    sizeBytes: 8 * 512,
    parent,
    kind: parent === undefined ? ('dynamic' as const) : ('differencing' as const),
    uuid: path.toUpperCase(),
    parentUuid: parent,
    writes: [] as Array<{ offset: number; bytes: Uint8Array }>,
  });
  model.disks.set('C:\\A.VHD', disk('C:\\a.vhd', undefined));
  model.disks.set('C:\\B.VHD', disk('C:\\b.vhd', 'C:\\A.VHD'));
  model.disks.get('C:\\A.VHD')?.writes.push({ offset: 0, bytes: new Uint8Array(1024).fill(1) });
  model.disks.get('C:\\B.VHD')?.writes.push({ offset: 512, bytes: new Uint8Array(512).fill(2) });
  return model;
}

describe('writtenExtents', () => {
  it('merges the overlapping and touching ranges the chain was written at in any model', () => {
    const before = twoLayers();
    const after = cloneModel(before);
    after.disks.get('C:\\B.VHD')?.writes.push({ offset: 1024, bytes: new Uint8Array(512) });
    after.disks.get('C:\\B.VHD')?.writes.push({ offset: 3072, bytes: new Uint8Array(512) });
    expect(writtenExtents([before, after], 'C:\\b.vhd')).toEqual([
      { offset: 0, length: 1536 },
      { offset: 3072, length: 512 },
    ]);
    expect(writtenExtents([before], 'C:\\a.vhd')).toEqual([{ offset: 0, length: 1024 }]);
  });
});

describe('cloneModel', () => {
  it('gives a model whose disks and writes change without touching the original', () => {
    const model = twoLayers();
    const copy = cloneModel(model);
    copy.disks.get('C:\\B.VHD')?.writes.push({ offset: 0, bytes: new Uint8Array(512).fill(3) });
    (copy.disks.get('C:\\B.VHD') as { parent: string | undefined }).parent = undefined;
    copy.leftovers.add('C:\\~X.TMP');
    expect(expectedBytes(model, 'C:\\b.vhd', 0, 1024)).toEqual(
      Uint8Array.from({ length: 1024 }, (_, i) => (i < 512 ? 1 : 2)),
    );
    expect(expectedBytes(copy, 'C:\\b.vhd', 0, 1024)).toEqual(
      Uint8Array.from({ length: 1024 }, (_, i) => (i < 512 ? 3 : 2)),
    );
    expect(model.leftovers.size).toBe(0);
  });
});
