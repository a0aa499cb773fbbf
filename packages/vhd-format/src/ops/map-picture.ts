/**
 * A picture of a chain's block map, read at a glance: one band per layer (and one for the zeros
 * no layer holds), each cell coloured by how much of its blocks that layer supplies when the
 * disk is read through the chain (and a dot where its file holds bytes a layer above hides).
 * {@link mapPicture} gathers the facts (a bounded number of cells, however large the disk);
 * {@link renderMapSvg} and {@link renderMapHtml} are pure functions of them. Text that comes from files (names) is escaped, never markup.
 * @module
 */
import { VhdFormatError } from '../errors.js';
import type { VhdChain } from '../image/chain.js';
import { VhdLayer } from '../image/layer.js';
import type { DiskType } from '../layout.js';
import { type MapOptions, mapBlocks, mapUnit } from './map.js';

/** One layer of the picture. */
export interface MapPictureLayer {
  /** What to call the layer (its file's name or path); any text, escaped when drawn. */
  readonly label: string;
  /** Fixed, dynamic or differencing. */
  readonly type: DiskType;
  /** The layer's own virtual size in bytes. */
  readonly virtualSize: number;
  /** The layer's file size in bytes. */
  readonly fileSize: number;
}

/** What a block map picture shows: plain numbers and labels, ready to render. */
export interface MapPicture {
  /** The picture's title (the top file's name); any text, escaped when drawn. */
  readonly title: string;
  /** The disk's virtual size in bytes. */
  readonly virtualSize: number;
  /** Bytes per block (the top layer's block size, or 2 MiB for fixed disks). */
  readonly blockSize: number;
  /** Blocks per cell: 1 unless the disk has more blocks than the picture has cells. */
  readonly blocksPerCell: number;
  /** Layers, top first. */
  readonly layers: readonly MapPictureLayer[];
  /**
   * `rows[d][c]`: bytes of cell `c` layer `d` supplies when read through the chain; the row at
   * `layers.length` counts zeros no layer holds. Every row has one entry per cell.
   */
  readonly rows: readonly (readonly number[])[];
  /** `stored[d][c]`: bytes of cell `c` layer `d`'s own file holds, hidden by a layer above or not. */
  readonly stored: readonly (readonly number[])[];
}

/** Options of {@link mapPicture}. */
export interface MapPictureOptions extends MapOptions {
  /** What to call each layer, top first (default `layer 0`, `layer 1`...). */
  readonly labels?: readonly string[];
  /** The picture's title (default: the top layer's label). */
  readonly title?: string;
  /** Most cells per band (default 1024); more blocks than that are grouped, several per cell. */
  readonly maxCells?: number;
}

/** Default most cells per band. */
export const MAP_PICTURE_CELLS = 1024;

/**
 * Gathers what a block map picture of `chain` shows: per cell of `blocksPerCell` blocks, the
 * bytes each layer supplies (from {@link mapBlocks}), at most `maxCells` cells per band.
 *
 * @example
 * ```ts
 * const picture = await mapPicture(chain, { labels: ['child.vhd', 'base.vhd'] });
 * const svg = renderMapSvg(picture);
 * ```
 * @throws VhdFormatError `INVALID_ARGUMENT` for a bad `maxCells`, and those of `mapChain`.
 */
export async function mapPicture(chain: VhdChain, o: MapPictureOptions = {}): Promise<MapPicture> {
  const maxCells = o.maxCells ?? MAP_PICTURE_CELLS;
  if (!Number.isSafeInteger(maxCells) || maxCells < 1) {
    throw new VhdFormatError('INVALID_ARGUMENT', 'maxCells must be a positive integer', {
      field: 'maxCells',
      value: maxCells,
    });
  }
  const blockSize = mapUnit(chain);
  const blocks = Math.ceil(chain.virtualSize / blockSize);
  const blocksPerCell = Math.max(1, Math.ceil(blocks / maxCells));
  const cells = Math.ceil(blocks / blocksPerCell);
  const grid = (n: number) => Array.from({ length: n }, () => new Array<number>(cells).fill(0));
  const rows = grid(chain.layers.length + 1);
  const stored = grid(chain.layers.length);
  for await (const cell of mapBlocks(chain, { ...o, unit: blockSize * blocksPerCell })) {
    cell.bytes.forEach((n, d) => {
      rows[d]![cell.index] = n;
    });
    cell.stored.forEach((n, d) => {
      stored[d]![cell.index] = n;
    });
  }
  const layers: MapPictureLayer[] = [];
  for (const [d, layer] of chain.layers.entries()) {
    layers.push({
      label: o.labels?.[d] ?? `layer ${d}`,
      type: layer.type,
      virtualSize: layer.virtualSize,
      fileSize: layer instanceof VhdLayer ? await layer.file.size() : 0,
    });
  }
  return {
    title: o.title ?? layers[0]?.label ?? '',
    virtualSize: chain.virtualSize,
    blockSize,
    blocksPerCell,
    layers,
    rows,
    stored,
  };
}

/** Layer colours, top first (repeating past ten layers; the band's heading names the layer). */
export const MAP_LAYER_COLOURS: readonly string[] = [
  '#2f6db3',
  '#e07b1a',
  '#3a9a4a',
  '#c93c3c',
  '#8a5bb0',
  '#2a9d9a',
  '#c9a20c',
  '#d2619c',
  '#8c6b4f',
  '#5f6b7a',
];
/** Colour of zeros no layer holds. */
export const MAP_ZERO_COLOUR = '#9aa0a6';
/** Colour of a cell a layer supplies nothing of. */
export const MAP_EMPTY_COLOUR = '#eef0f2';

/** The colour of band `row` of a picture with `layerCount` layers. */
export function mapRowColour(row: number, layerCount: number): string {
  if (row >= layerCount) return MAP_ZERO_COLOUR;
  return MAP_LAYER_COLOURS[row % MAP_LAYER_COLOURS.length]!;
}

/** `colour` mixed with white, keeping `share` of the colour: the ground of a partly held cell. */
export function tint(colour: string, share = 0.3): string {
  const n = Number.parseInt(colour.slice(1), 16);
  const channel = (shift: number) =>
    Math.round(255 - (255 - ((n >> shift) & 0xff)) * share)
      .toString(16)
      .padStart(2, '0');
  return `#${channel(16)}${channel(8)}${channel(0)}`;
}

/**
 * `text` safe inside XML and HTML text and attribute values: `& < > " '` as entities, and the
 * characters XML 1.0 forbids (controls, lone surrogates, U+FFFE/U+FFFF) as U+FFFD.
 */
export function escapeMarkup(text: string): string {
  return text
    .replace(
      /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
      '\ufffd',
    )
    .replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `1.5 GiB`, `512 bytes`. */
export function formatBytes(n: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  if (n === 0) return '0';
  if (n < 1024) return `${n} bytes`;
  let value = n;
  let unit = 'bytes';
  for (const u of units) {
    if (value < 1024) break;
    value /= 1024;
    unit = u;
  }
  const shown = Number.isInteger(value)
    ? String(value)
    : value.toFixed(value < 10 ? 2 : 1).replace(/\.?0+$/, '');
  return `${shown} ${unit}`;
}

/** Geometry of the drawing, in CSS pixels. */
const CELL = 12;
const GAP = 2;
const PITCH = CELL + GAP;
const MARGIN = 16;
const GUTTER = 84;
const LINE_CELLS = 64;
/** Longest label drawn in full; longer ones end in an ellipsis (the full text is the tooltip). */
const LABEL_CHARS = 90;

function shorten(text: string): string {
  const chars = [...text];
  return chars.length <= LABEL_CHARS ? text : `${chars.slice(0, LABEL_CHARS - 1).join('')}…`;
}

/** Where cell `c` of a band whose grid starts at `top` is drawn. */
function cellAt(c: number, top: number): { x: number; y: number } {
  return {
    x: MARGIN + GUTTER + (c % LINE_CELLS) * PITCH,
    y: top + Math.floor(c / LINE_CELLS) * PITCH,
  };
}

/** What a cell of a band shows. */
export type CellState = 'full' | 'partial' | 'hidden' | 'none';

/**
 * How a band's layer holds a cell of `size` bytes: supplies all of it (`full`), part of it
 * (`partial`), none of it though its file holds some (`hidden` by a layer above), or nothing.
 */
export function cellState(held: number, size: number, stored = 0): CellState {
  if (held <= 0) return stored > 0 ? 'hidden' : 'none';
  return held >= size ? 'full' : 'partial';
}

/**
 * The picture as a standalone SVG document: a heading (title, virtual size, layer count, the
 * scale of a cell), a key, then one band per layer, top first, and one for zeros. A cell the
 * band's layer supplies whole is its colour; partly, a pale ground with a bar of the colour as
 * high as the share supplied; not at all, light grey, with a dot of the colour when the layer's
 * file holds bytes there that a layer above hides. Each cell carries `data-row`, `data-cell`
 * and `data-state` for tools, and a tooltip with its range.
 *
 * @example
 * ```ts
 * await writeFile('map.svg', renderMapSvg(await mapPicture(chain)));
 * ```
 */
export function renderMapSvg(p: MapPicture): string {
  const cells = p.rows[0]?.length ?? 0;
  const perLine = Math.max(1, Math.min(LINE_CELLS, cells));
  const lines = Math.max(1, Math.ceil(cells / LINE_CELLS));
  const cellBytes = p.blockSize * p.blocksPerCell;
  const width = Math.max(820, MARGIN * 2 + GUTTER + perLine * PITCH);
  const out: string[] = [];
  const text = (x: number, y: number, body: string, attrs = '') =>
    out.push(`<text x="${x}" y="${y}"${attrs}>${body}</text>`);
  let y = MARGIN + 16;
  text(MARGIN, y, `Block map of ${escapeMarkup(shorten(p.title))}`, ' class="title"');
  y += 22;
  const layerCount = p.layers.length;
  const scale =
    p.blocksPerCell === 1
      ? `each cell is one block of ${formatBytes(p.blockSize)}`
      : `each cell is ${p.blocksPerCell} blocks of ${formatBytes(p.blockSize)} (${formatBytes(cellBytes)})`;
  text(
    MARGIN,
    y,
    escapeMarkup(
      `virtual size ${formatBytes(p.virtualSize)} (${p.virtualSize} bytes), ${layerCount} ${layerCount === 1 ? 'layer' : 'layers'}, ${cells} cells; ${scale}`,
    ),
    ' class="scale"',
  );
  y += 20;
  // The key: what full, partial and empty cells look like.
  const key: Array<[string, string]> = [
    ['supplied whole', 'full'],
    ['supplied in part (bar: the share)', 'partial'],
    ['held, hidden by a layer above', 'hidden'],
    ['supplied by another layer', 'none'],
  ];
  let kx = MARGIN;
  for (const [label, state] of key) {
    out.push(keyCell(kx, y - 10, state));
    text(kx + CELL + 6, y, escapeMarkup(label), ' class="key"');
    kx += CELL + 6 + label.length * 6.2 + 20;
  }
  y += 18;
  for (let row = 0; row <= layerCount; row++) {
    const layer = p.layers[row];
    const colour = mapRowColour(row, layerCount);
    y += 14;
    const heading =
      layer === undefined
        ? 'zeros: held by no layer'
        : `layer ${row}${row === 0 ? ' (top)' : ''}: ${shorten(layer.label)}`;
    const facts =
      layer === undefined
        ? ''
        : ` — ${layer.type}, file ${formatBytes(layer.fileSize)}, virtual ${formatBytes(layer.virtualSize)}`;
    out.push(
      `<g class="band" data-row="${row}"${layer === undefined ? ' data-zeros="true"' : ''}>`,
      `<rect x="${MARGIN}" y="${y - 10}" width="${CELL}" height="${CELL}" rx="2" fill="${colour}"/>`,
    );
    text(
      MARGIN + CELL + 6,
      y,
      `<tspan class="layer-name">${escapeMarkup(heading)}</tspan>${escapeMarkup(facts)}`,
      ` class="heading"${layer === undefined ? '' : ` data-label="${escapeMarkup(layer.label)}"`}`,
    );
    if (layer !== undefined && [...layer.label].length > LABEL_CHARS) {
      out.push(`<title>${escapeMarkup(layer.label)}</title>`);
    }
    y += 8;
    const top = y;
    for (let line = 0; line < lines; line++) {
      const first = line * LINE_CELLS * cellBytes;
      text(
        MARGIN + GUTTER - 8,
        top + line * PITCH + CELL - 2,
        escapeMarkup(formatBytes(first)),
        ' class="offset" text-anchor="end"',
      );
    }
    const values = p.rows[row] ?? [];
    const kept = p.stored[row] ?? [];
    for (let c = 0; c < cells; c++) {
      const start = c * cellBytes;
      const size = Math.min(cellBytes, p.virtualSize - start);
      const state = cellState(values[c] ?? 0, size, kept[c] ?? 0);
      out.push(
        cellSvg(cellAt(c, top), { row, c, state, held: values[c] ?? 0, size, colour, start }),
      );
    }
    out.push('</g>');
    y = top + lines * PITCH + 6;
  }
  const height = y + MARGIN;
  const style = [
    'text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;fill:#1f2328}',
    '.title{font-size:16px;font-weight:600}',
    '.scale,.key,.heading{font-size:12px}',
    '.layer-name{font-weight:600}',
    '.offset{font-size:10px;fill:#57606a}',
  ].join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="Block map of ${escapeMarkup(p.title)}">`,
    `<style>${style}</style>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    ...out,
    '</svg>',
  ].join('\n');
}

/** A key swatch of `state`, in a neutral colour. */
function keyCell(x: number, y: number, state: string): string {
  const neutral = '#5f6b7a';
  if (state === 'full')
    return `<rect x="${x}" y="${y}" width="${CELL}" height="${CELL}" fill="${neutral}"/>`;
  if (state === 'none') {
    return `<rect x="${x}" y="${y}" width="${CELL}" height="${CELL}" fill="${MAP_EMPTY_COLOUR}"/>`;
  }
  if (state === 'hidden') {
    return `<rect x="${x}" y="${y}" width="${CELL}" height="${CELL}" fill="${MAP_EMPTY_COLOUR}"/>${dot(x, y, neutral)}`;
  }
  const bar = CELL / 2;
  return `<rect x="${x}" y="${y}" width="${CELL}" height="${CELL}" fill="${tint(neutral)}"/><rect x="${x}" y="${y + CELL - bar}" width="${CELL}" height="${bar}" fill="${neutral}"/>`;
}

/** The dot a `hidden` cell carries in its middle. */
function dot(x: number, y: number, colour: string): string {
  const inset = (CELL - DOT) / 2;
  return `<rect x="${x + inset}" y="${y + inset}" width="${DOT}" height="${DOT}" rx="1" fill="${colour}" data-part="dot"/>`;
}

/** Side of the dot of a `hidden` cell. */
const DOT = 4;

/** One cell to draw. */
interface Cell {
  readonly row: number;
  readonly c: number;
  readonly state: CellState;
  readonly held: number;
  readonly size: number;
  readonly colour: string;
  readonly start: number;
}

/** One cell: its ground, a bar for a partial share or a dot for hidden bytes, its tooltip. */
function cellSvg(at: { x: number; y: number }, k: Cell): string {
  const { state, colour } = k;
  const ground = state === 'full' ? colour : state === 'partial' ? tint(colour) : MAP_EMPTY_COLOUR;
  const data = `data-row="${k.row}" data-cell="${k.c}" data-state="${state}"`;
  const rect = `<rect x="${at.x}" y="${at.y}" width="${CELL}" height="${CELL}" fill="${ground}" ${data}`;
  if (state === 'none') return `${rect}/>`;
  const range = `${formatBytes(k.start)} to ${formatBytes(k.start + k.size)}`;
  if (state === 'hidden') {
    const tip = `<title>${range}: held here, hidden by a layer above</title>`;
    return `<g ${data}>${rect}>${tip}</rect>${dot(at.x, at.y, colour)}</g>`;
  }
  const share = k.held / k.size;
  const tip = `<title>${range}: ${
    state === 'full' ? 'all' : `${(share * 100).toFixed(share < 0.01 ? 2 : 0)}%`
  }</title>`;
  if (state === 'full') return `${rect}>${tip}</rect>`;
  // At least 2 px of bar, at most CELL - 2, so a sliver and a near-whole share both show.
  const bar = Math.min(CELL - 2, Math.max(2, Math.round(share * CELL)));
  return `<g ${data}>${rect}>${tip}</rect><rect x="${at.x}" y="${at.y + CELL - bar}" width="${CELL}" height="${bar}" fill="${colour}" data-part="bar">${tip}</rect></g>`;
}

/**
 * The picture as a standalone HTML page: the SVG of {@link renderMapSvg} inline, under a
 * Content-Security-Policy that allows no script and no request.
 *
 * @example
 * ```ts
 * await writeFile('map.html', renderMapHtml(await mapPicture(chain)));
 * ```
 */
export function renderMapHtml(p: MapPicture): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<link rel="icon" href="data:,">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>Block map of ${escapeMarkup(p.title)}</title>`,
    '<style>body{margin:0;background:#ffffff}svg{display:block}</style>',
    '</head>',
    '<body>',
    renderMapSvg(p),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
