import { describe, expect, it } from 'vitest';
import { openChain } from '../image/chain.js';
import { createDynamic } from '../image/create-dynamic.js';
import { memoryFile } from '../io.js';
import { patterned } from '../testing/arbitraries.js';
import { baseImage, childImage, MemoryImages } from '../testing/images.js';
import {
  cellState,
  escapeMarkup,
  formatBytes,
  mapPicture,
  renderMapHtml,
  renderMapSvg,
} from './map-picture.js';

const GiB = 2 ** 30;

describe('escapeMarkup', () => {
  it('turns markup characters into entities and XML-forbidden characters into U+FFFD', () => {
    expect(escapeMarkup(`<a href="x">&'`)).toBe('&#60;a href=&#34;x&#34;&#62;&#38;&#39;');
    expect(escapeMarkup('a\u0000b\u0001c\u001fd\tE\n')).toBe('a\ufffdb\ufffdc\ufffdd\tE\n');
    expect(escapeMarkup('\ud800x\udc00 \ud83d\ude00 \uffff')).toBe(
      '\ufffdx\ufffd \ud83d\ude00 \ufffd',
    );
  });
});

describe('mapPicture and its renderings', () => {
  it('groups the blocks of a 2040 GiB disk into at most 1024 cells and says the scale', async () => {
    const file = memoryFile();
    await createDynamic(file, { sizeBytes: 2040 * GiB, blockSizeBytes: 2 * 2 ** 20 });
    const chain = await openChain(file, { openParent: async () => undefined });
    const picture = await mapPicture(chain, { labels: ['big.vhd'] });
    await chain.close();
    expect(picture.blocksPerCell).toBe(1020);
    expect(picture.rows.map((r) => r.length)).toEqual([1024, 1024]);
    expect(
      picture.rows[1]!.every(
        (n, c) => n === Math.min(1020 * 2 ** 21, 2040 * GiB - c * 1020 * 2 ** 21),
      ),
    ).toBe(true);
    const svg = renderMapSvg(picture);
    expect(svg).toContain('virtual size 1.99 TiB (2190433320960 bytes), 1 layer, 1024 cells');
    expect(svg).toContain('each cell is 1020 blocks of 2 MiB (1.99 GiB)');
    expect(svg.match(/data-state="full"/g)).toHaveLength(1024);
  });

  it('escapes every label and title, in the SVG and the HTML', async () => {
    const images = new MemoryImages();
    const base = await baseImage('dynamic', 64 * 1024, 4096, 1);
    await images.add(base);
    const top = await childImage(base, 2);
    const chain = await images.open(top);
    await chain.write(patterned(1024, 1, 1), 4096);
    const picture = await mapPicture(chain, {
      labels: ['</text><script>alert(1)</script>', 'b"&.vhd'],
      title: '<title>x</title>',
    });
    await chain.close();
    for (const doc of [renderMapSvg(picture), renderMapHtml(picture)]) {
      expect(doc).not.toContain('<script');
      expect(doc).not.toContain('<title>x');
      expect(doc).toContain('&#60;/text&#62;&#60;script&#62;alert(1)&#60;/script&#62;');
      expect(doc).toContain('b&#34;&#38;.vhd');
    }
    expect(picture.rows[0]!.slice(0, 3)).toEqual([0, 1024, 0]);
    expect(renderMapSvg(picture)).toContain('data-row="0" data-cell="1" data-state="partial"');
  });

  it('names cell states and sizes', () => {
    expect([
      cellState(0, 10),
      cellState(0, 10, 4),
      cellState(3, 10, 10),
      cellState(10, 10),
    ]).toEqual(['none', 'hidden', 'partial', 'full']);
    expect([0, 512, 1024, 1536, 4 * 2 ** 20, 2040 * GiB].map(formatBytes)).toEqual([
      '0',
      '512 bytes',
      '1 KiB',
      '1.5 KiB',
      '4 MiB',
      '1.99 TiB',
    ]);
  });
});
