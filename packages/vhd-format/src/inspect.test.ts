import { describe, expect, it } from 'vitest';
import { inspect } from './inspect.js';
import { baseImage, childImage, MemoryImages } from './testing/images.js';

const MiB = 2 ** 20;

describe('inspect', () => {
  it('lists plain JSON-able facts for every layer of a chain', async () => {
    const images = new MemoryImages();
    const base = await baseImage('dynamic', 3 * MiB, 4096, 1);
    const w = await images.open(base);
    await w.write(new Uint8Array(5000).fill(1), 0);
    await w.close();
    await images.add(base);
    const child = await childImage(base, 2, 'base.vhd');
    const chain = await images.open(child, false);
    const info = inspect(chain);
    expect(JSON.parse(JSON.stringify(info))).toEqual(info);
    expect(info.virtualSize).toBe(3 * MiB);
    expect(info.layers).toHaveLength(2);
    const [top, bottom] = info.layers;
    expect(top).toMatchObject({
      type: 'differencing',
      virtualSize: 3 * MiB,
      creatorApplication: 'vsk ',
      creatorVersion: '1.0',
      creatorHostOs: 'Wi2k',
      fileFormatVersion: '1.0',
      created: '2026-01-02T03:04:05.000Z',
      dataOffset: 512,
      blockSize: 4096,
      tableOffset: 1536,
      allocatedBlocks: 0,
      savedState: false,
      parent: {
        uniqueId: bottom!.uniqueId,
        modified: '2026-01-02T03:04:05.000Z',
        unicodeName: 'base.vhd',
        locators: [
          {
            entry: 0,
            platform: 'W2ku',
            dataLength: 30,
            dataSpaceBytes: 512,
            path: 'C:\\vms\\base.vhd',
          },
          { entry: 1, platform: 'W2ru', dataLength: 20, dataSpaceBytes: 512, path: '.\\base.vhd' },
        ],
      },
    });
    expect(top!.uniqueId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(bottom).toMatchObject({ type: 'dynamic', allocatedBlocks: 2 });
    expect(bottom!.parent).toBeUndefined();
    await chain.close();
  });

  it('describes a fixed image without block facts', async () => {
    const images = new MemoryImages();
    const chain = await images.open(await baseImage('fixed', MiB, 0), false);
    const [layer] = inspect(chain.layers[0]!).layers;
    expect(layer).toMatchObject({
      type: 'fixed',
      dataOffset: null,
      chsCapacity: layer!.chsCapacity,
    });
    expect(layer!.blockSize).toBeUndefined();
    expect(layer!.chsCapacity).toBeLessThanOrEqual(MiB);
    await chain.close();
  });
});
