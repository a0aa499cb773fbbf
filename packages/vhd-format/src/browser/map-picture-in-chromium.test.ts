/**
 * The block map picture of a three-layer chain, as a person sees it: the HTML page and the SVG
 * document, loaded from a static server into headless Chromium and screenshotted. Each layer has
 * its band, chosen cells show the colour of the layer that supplies them (whole, in part, or not
 * at all) in the DOM and in the screenshot's pixels, a hostile file name shows as text and runs
 * nothing, and the page logs no error.
 */
import { writeFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { VhdChain } from '../image/chain.js';
import { suiteTempDir } from '../interop/__fixtures__/suite-temp-dir.js';
import {
  MAP_EMPTY_COLOUR,
  MAP_ZERO_COLOUR,
  type MapPicture,
  mapPicture,
  mapRowColour,
  renderMapHtml,
  renderMapSvg,
  tint,
} from '../ops/map-picture.js';
import { patterned } from '../testing/arbitraries.js';
import { baseImage, childImage, MemoryImages } from '../testing/images.js';
import {
  BROWSER_TIMEOUT_MS,
  type Browser,
  describeInChromium,
  launchChromium,
} from './__fixtures__/chromium.js';
import { type StaticServer, startStaticServer } from './__fixtures__/static-server.js';

const MiB = 2 ** 20;
const BLOCK = 2 * MiB;
const SIZE = 48 * BLOCK;
/** The top layer's name: markup, quotes, an ampersand and a control character. */
const HOSTILE = `<img src=x onerror="alert(1)">&'top'\u0001.vhd`;
const LABELS = [HOSTILE, 'middle.vhd', 'base.vhd'];

/** Writes made through each layer, base first: whole blocks and parts of blocks. */
const WRITES: ReadonlyArray<ReadonlyArray<{ offset: number; length: number }>> = [
  [{ offset: 0, length: 10 * BLOCK }],
  [
    { offset: 5 * BLOCK, length: 3 * BLOCK },
    { offset: 20 * BLOCK, length: BLOCK / 2 },
  ],
  [
    { offset: 6 * BLOCK, length: BLOCK / 4 },
    { offset: 30 * BLOCK, length: BLOCK },
  ],
];

/** Cells checked, with the state each band should show there. */
const EXPECTED: ReadonlyArray<{ cell: number; states: readonly string[] }> = [
  // Base only.
  { cell: 0, states: ['none', 'none', 'full', 'none'] },
  // Middle over base, the top over a quarter of it; the base's block hidden under both.
  { cell: 6, states: ['partial', 'partial', 'hidden', 'none'] },
  { cell: 7, states: ['none', 'full', 'hidden', 'none'] },
  // Half from the middle, half zeros.
  { cell: 20, states: ['none', 'partial', 'none', 'partial'] },
  { cell: 30, states: ['full', 'none', 'none', 'none'] },
  { cell: 40, states: ['none', 'none', 'none', 'full'] },
];

async function chainWithWrites(): Promise<VhdChain> {
  const images = new MemoryImages();
  let top = await baseImage('dynamic', SIZE, BLOCK, 1);
  for (const [level, writes] of WRITES.entries()) {
    if (level > 0) {
      await images.add(top);
      top = await childImage(top, level + 1);
    }
    const chain = await images.open(top);
    for (const w of writes)
      await chain.write(patterned(w.length, level + 1, 2 * level + 1), w.offset);
    await chain.close();
  }
  return images.open(top, false);
}

/** What one cell looks like on screen: its box and the states and fills the DOM gives it. */
interface CellView {
  readonly row: number;
  readonly cell: number;
  readonly state: string | null;
  readonly fill: string | null;
  readonly box: { x: number; y: number; width: number; height: number };
}

/** The DOM facts the test asserts, gathered in the page (HTML or SVG document alike). */
async function viewOf(page: Page, cells: readonly number[]) {
  return (await page.evaluate(`(() => {
    const cells = ${JSON.stringify(cells)};
    const bands = [...document.querySelectorAll('g.band')].map((g) => ({
      row: Number(g.getAttribute('data-row')),
      heading: g.querySelector('text.heading')?.textContent ?? '',
      label: g.querySelector('text.heading')?.getAttribute('data-label') ?? null,
    }));
    const views = [];
    for (const band of bands) {
      for (const cell of cells) {
        const el = document.querySelector('rect[data-row="' + band.row + '"][data-cell="' + cell + '"]');
        const box = el?.getBoundingClientRect();
        views.push({
          row: band.row,
          cell,
          state: el?.getAttribute('data-state') ?? null,
          fill: el?.getAttribute('fill') ?? null,
          box: box ? { x: box.x + scrollX, y: box.y + scrollY, width: box.width, height: box.height } : null,
        });
      }
    }
    return {
      bands,
      views,
      elements: [...document.querySelectorAll('img, script, iframe, object, [onerror]')].length,
      text: document.documentElement.textContent,
    };
  })()`)) as {
    bands: Array<{ row: number; heading: string; label: string | null }>;
    views: CellView[];
    elements: number;
    text: string;
  };
}

/** The RGB of each point of a PNG, decoded by the browser in a blank page of its own. */
async function pixels(
  browser: Browser,
  png: Buffer,
  points: ReadonlyArray<{ x: number; y: number }>,
): Promise<Array<[number, number, number]>> {
  const page = await browser.context.newPage();
  try {
    return (await page.evaluate(`(async () => {
      const image = new Image();
      image.src = 'data:image/png;base64,${png.toString('base64')}';
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.width;
      canvas.height = image.height;
      const context = canvas.getContext('2d');
      context.drawImage(image, 0, 0);
      return ${JSON.stringify(points)}.map(({ x, y }) => {
        const [r, g, b] = context.getImageData(Math.round(x), Math.round(y), 1, 1).data;
        return [r, g, b];
      });
    })()`)) as Array<[number, number, number]>;
  } finally {
    await page.close();
  }
}

function rgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}

/** The colours a cell of `state` in band `row` shows at its top, middle and bottom. */
function expectedColours(
  state: string,
  row: number,
  layers: number,
  share: number,
): [string, string, string] {
  const colour = mapRowColour(row, layers);
  if (state === 'full') return [colour, colour, colour];
  // A bar from the bottom, as high as the share: over the middle from half up.
  if (state === 'partial') return [tint(colour), share >= 0.5 ? colour : tint(colour), colour];
  if (state === 'hidden') return [MAP_EMPTY_COLOUR, colour, MAP_EMPTY_COLOUR];
  return [MAP_EMPTY_COLOUR, MAP_EMPTY_COLOUR, MAP_EMPTY_COLOUR];
}

describeInChromium(
  'the block map picture in headless Chromium',
  () => {
    const dir = suiteTempDir('map-picture');
    let server: StaticServer | undefined;
    let browser: Browser | undefined;
    let picture: MapPicture;
    const problems: string[] = [];
    const dialogs: string[] = [];

    beforeAll(async () => {
      const chain = await chainWithWrites();
      picture = await mapPicture(chain, { labels: LABELS });
      await chain.close();
      await writeFile(dir.file('map.html'), renderMapHtml(picture));
      await writeFile(dir.file('map.svg'), renderMapSvg(picture));
      // An empty icon: a browser asks for /favicon.ico when it shows a bare SVG document.
      await writeFile(dir.file('favicon.ico'), new Uint8Array(0));
      const files = ['/map.html', '/map.svg', '/favicon.ico'];
      server = await startStaticServer((path) =>
        files.includes(path) ? dir.file(path.slice(1)) : undefined,
      );
      browser = await launchChromium();
    }, 600_000);

    afterAll(async () => {
      await browser?.close();
      await server?.close();
    }, BROWSER_TIMEOUT_MS);

    async function open(name: string): Promise<Page> {
      const page = await (browser as Browser).context.newPage();
      page.on('pageerror', (error) => problems.push(`${name}: page error: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') {
          problems.push(`${name}: console ${message.type()}: ${message.text()}`);
        }
      });
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      await page.setViewportSize({ width: 1100, height: 800 });
      await page.goto(`${server?.origin}/${name}`);
      return page;
    }

    it.each(['map.html', 'map.svg'])(
      '%s: a band per layer and for zeros, cells coloured by who supplies them, on screen',
      async (name) => {
        const page = await open(name);
        const cells = EXPECTED.map((e) => e.cell);
        const view = await viewOf(page, cells);
        const layers = LABELS.length;
        expect(view.bands.map((b) => b.row)).toEqual([0, 1, 2, 3]);
        expect(view.bands[1]?.heading).toContain('layer 1: middle.vhd');
        expect(view.bands[2]?.heading).toContain('layer 2: base.vhd — dynamic');
        expect(view.bands[3]?.heading).toContain('zeros');
        expect(view.text).toContain(`virtual size 96 MiB (${SIZE} bytes), 3 layers, 48 cells`);

        const png = await page.screenshot();
        const shots = process.env.VSKIT_MAP_SCREENSHOTS;
        if (shots) await writeFile(`${shots}/${name}.png`, png);
        const points: Array<{ x: number; y: number }> = [];
        for (const { cell, states } of EXPECTED) {
          for (const [row, state] of states.entries()) {
            const v = view.views.find((x) => x.row === row && x.cell === cell) as CellView;
            expect(v.state, `${name} band ${row} cell ${cell}`).toBe(state);
            const [topColour] = expectedColours(
              state,
              row,
              layers,
              (picture.rows[row]?.[cell] ?? 0) / BLOCK,
            );
            expect(v.fill).toBe(topColour);
            const x = v.box.x + v.box.width / 2;
            points.push(
              { x, y: v.box.y + 1.5 },
              { x, y: v.box.y + v.box.height / 2 },
              { x, y: v.box.y + v.box.height - 1.5 },
            );
          }
        }
        const seen = await pixels(browser as Browser, png, points);
        let k = 0;
        for (const { cell, states } of EXPECTED) {
          for (const [row, state] of states.entries()) {
            for (const want of expectedColours(
              state,
              row,
              layers,
              (picture.rows[row]?.[cell] ?? 0) / BLOCK,
            ).map(rgb)) {
              const got = seen[k++] as [number, number, number];
              const close = got.every((c, i) => Math.abs(c - (want as number[])[i]!) <= 3);
              expect(close, `${name} band ${row} cell ${cell}: ${got} vs ${want}`).toBe(true);
            }
          }
        }
        expect(rgb(MAP_ZERO_COLOUR)).not.toEqual(rgb(MAP_EMPTY_COLOUR));
        await page.close();
      },
    );

    it.each(['map.html', 'map.svg'])(
      '%s: the hostile file name shows as text, escaped, and runs nothing',
      async (name) => {
        const page = await open(name);
        const view = await viewOf(page, []);
        const shown = HOSTILE.replace('\u0001', '\ufffd');
        expect(view.bands[0]?.label).toBe(shown);
        expect(view.bands[0]?.heading).toContain(`layer 0 (top): ${shown}`);
        expect(view.elements).toBe(0);
        expect(dialogs).toEqual([]);
        await page.close();
      },
    );

    it('logs no page error or console message of either page', () => {
      expect(problems).toEqual([]);
      expect(server?.served).toEqual(expect.arrayContaining(['/map.html', '/map.svg']));
      expect(server?.notFound).toEqual([]);
    });
  },
  // The picture needs no qemu: only the browser.
  { qemu: false },
);
