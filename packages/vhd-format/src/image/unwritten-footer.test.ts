/**
 * A trailing footer never written: the file's last 512 bytes zeros while the copy at 0 is sound,
 * which a power cut leaves when a file's new size outlived the footer written at its new end.
 */
import { describe, expect, it } from 'vitest';
import { isVhdFormatError } from '../errors.js';
import { memoryFile } from '../io.js';
import { createDynamic } from './create-dynamic.js';
import { openImage, openLayer } from './open.js';

const MiB = 2 ** 20;

/** A dynamic image with one block written, then its last 512 bytes set to `tail`. */
async function imageEndingWith(tail: number): Promise<Uint8Array> {
  const file = memoryFile();
  await createDynamic(file, { sizeBytes: 8 * MiB });
  const layer = await openLayer(file, { writable: true });
  await layer.write(new Uint8Array(4096).fill(7), MiB, undefined);
  await layer.close();
  const bytes = file.bytes();
  bytes.fill(tail, bytes.length - 512);
  return bytes;
}

async function refusal(bytes: Uint8Array, options: Parameters<typeof openImage>[1]) {
  return openImage(memoryFile(bytes), options).then(
    async (image) => {
      await image.close();
      return undefined;
    },
    (e: unknown) => (isVhdFormatError(e) ? e.code : String(e)),
  );
}

describe('a trailing footer never written', () => {
  it('is refused by a strict open, as a damaged footer is', async () => {
    expect(await refusal(await imageEndingWith(0), { strict: true })).toBe('BAD_COOKIE');
  });

  it('is read through the copy at 0 by a strict open that accepts it, with a warning', async () => {
    const layer = await openLayer(memoryFile(await imageEndingWith(0)), {
      strict: true,
      acceptUnwrittenFooter: true,
    });
    expect(layer.warnings.join('\n')).toMatch(/using the copy at offset 0/);
    const read = new Uint8Array(4096);
    await layer.read(read, MiB, undefined);
    expect(read.every((b) => b === 7)).toBe(true);
    await layer.close();
  });

  it('is not mistaken for a footer that holds other bytes: those stay refused', async () => {
    const options = { strict: true, acceptUnwrittenFooter: true };
    expect(await refusal(await imageEndingWith(0x5a), options)).toBe('BAD_COOKIE');
  });

  it('is written again by mendUnwrittenFooter, after which a strict open accepts the file', async () => {
    const file = memoryFile(await imageEndingWith(0));
    const layer = await openLayer(file, { writable: true });
    expect(await layer.mendUnwrittenFooter()).toBe(true);
    expect(await layer.mendUnwrittenFooter()).toBe(false);
    await layer.close();
    expect(await refusal(file.bytes(), { strict: true })).toBeUndefined();
  });
});
