import { type LayerInfo as FormatLayerInfo, inspect, type VhdImage } from '@vskit/vhd-format';
import { type Allocation, allocationOf } from '../allocation.js';
import { type LayerSource, openChainAt } from '../chain.js';
import { type Command, flag, positionals, stringOptions, writeText } from '../command.js';
import { type Row, renderRows, sizeWithBytes, writeJson } from '../output.js';
import { printable } from '../printable.js';
import { formatSize } from '../sizes.js';
import { driveMap } from '../volumes.js';

/**
 * Facts about one layer of a chain, as `info --json` prints them: vhd-format's `inspect` facts
 * (type, sizes, geometry, creator, UUIDs, parent and locators, warnings), plus where the file
 * is, how it was found, its size on disk and its allocation.
 */
export interface LayerInfo extends FormatLayerInfo {
  /** The layer's file. */
  readonly path: string;
  /** How the layer was found from its child: `W2ru`, `W2ku`, `unicodeName`...; `null` for the top. */
  readonly foundBy: string | null;
  /** The locator text that found it; `null` for the top. */
  readonly foundAt: string | null;
  /** The file's size in bytes. */
  readonly fileSize: number;
  /** Allocated blocks and bytes. */
  readonly allocation: Allocation;
}

/** Facts about a whole chain, as `info --json` prints them. */
export interface ChainInfo {
  readonly file: string;
  readonly virtualSize: number;
  readonly layers: readonly LayerInfo[];
  readonly warnings: readonly string[];
}

async function layerInfo(
  image: VhdImage,
  facts: FormatLayerInfo,
  source: LayerSource,
): Promise<LayerInfo> {
  const found = source.attempts[source.attempts.length - 1];
  return {
    path: source.path,
    foundBy: found?.source ?? null,
    foundAt: found?.locator ?? null,
    fileSize: await source.file.size(),
    allocation: allocationOf(image),
    ...facts,
  };
}

function allocationText(a: Allocation): string {
  if (a.blocksTotal === null) return `every byte (fixed), ${formatSize(a.bytesAllocated)}`;
  const percent =
    a.blocksTotal === 0 ? 0 : Math.round(((a.blocksAllocated ?? 0) * 1000) / a.blocksTotal) / 10;
  return `${a.blocksAllocated} of ${a.blocksTotal} blocks of ${formatSize(a.blockSize ?? 0)} (${percent}%), ${formatSize(a.bytesAllocated)} of ${formatSize(a.bytesTotal)}`;
}

/** The human text of `vskit info`. */
export function renderChainInfo(info: ChainInfo): string {
  const count = info.layers.length;
  const lines = [
    printable(
      `${info.file}: ${count === 1 ? '1 layer' : `${count} layers`}, virtual size ${sizeWithBytes(info.virtualSize)}`,
    ),
  ];
  info.layers.forEach((layer, index) => {
    const how =
      layer.foundBy === null ? '' : `  (found by ${layer.foundBy} ${layer.foundAt ?? ''})`;
    lines.push('', printable(`layer ${index}: ${layer.path}${how}`));
    const rows: Row[] = [
      ['type', layer.type],
      ['virtual size', sizeWithBytes(layer.virtualSize)],
      ['file size', sizeWithBytes(layer.fileSize)],
      ['allocation', allocationText(layer.allocation)],
      ['creator', `${layer.creatorApplication} ${layer.creatorVersion} (${layer.creatorHostOs})`],
      ['created', layer.created],
      ['unique id', layer.uniqueId],
      [
        'geometry',
        `${layer.geometry.cylinders}/${layer.geometry.heads}/${layer.geometry.sectorsPerTrack} (C/H/S: ${layer.chsCapacity} bytes)`,
      ],
    ];
    if (layer.savedState) rows.push(['saved state', 'yes']);
    if (layer.parent !== undefined) {
      rows.push(
        ['parent name', layer.parent.unicodeName],
        ['parent id', layer.parent.uniqueId],
        ['parent time', layer.parent.modified],
        [
          'locators',
          layer.parent.locators.map(
            (l) => `${l.platform} ${l.path === undefined ? '(unreadable)' : l.path}`,
          ),
        ],
      );
    }
    if (layer.warnings.length > 0) rows.push(['warnings', layer.warnings]);
    lines.push(renderRows(rows).trimEnd());
  });
  // The chain repeats every layer's warnings (a parent's prefixed `parent N: `): show the rest.
  const shown = new Set(
    info.layers.flatMap((layer, i) =>
      layer.warnings.map((w) => (i === 0 ? w : `parent ${i}: ${w}`)),
    ),
  );
  const chainOnly = info.warnings.filter((w) => !shown.has(w));
  if (chainOnly.length > 0) {
    lines.push('', 'chain warnings:', ...chainOnly.map((w) => `  ${printable(w)}`));
  }
  return `${lines.join('\n')}\n`;
}

/** `vskit info`: the whole chain, layer by layer. */
export const infoCommand: Command = {
  name: 'info',
  summary: 'show a VHD and every parent below it: type, sizes, creator, ids, locators, allocation',
  usage: ['info <file> [--json] [--volume X=/dir ...]'],
  help: `Opens <file> and its parents (found by the W2ru locator relative to the child's folder,
then W2ku, then the parent's name in the child's folder) and describes every layer, top first.

Options:
  --json              print one JSON document instead of text
  --volume X=/dir     read absolute W2ku locators on drive X: from /dir (Z: is / already)

Example:
  $ vskit info vms/child.vhd
  /srv/vms/child.vhd: 2 layers, virtual size 64 MiB (67108864 bytes)

  layer 0: /srv/vms/child.vhd
    type          differencing
    allocation    1 of 32 blocks of 2 MiB (3.1%), 2 MiB of 64 MiB
    ...
    locators      W2ku Z:\\srv\\base\\p.vhd
                  W2ru ..\\base\\p.vhd

  layer 1: /srv/base/p.vhd  (found by W2ru ..\\base\\p.vhd)
    type          dynamic
    ...
`,
  options: { json: { type: 'boolean' }, volume: { type: 'string', multiple: true } },
  async run(args, io) {
    const [path] = positionals(args.positionals, ['file']) as [string];
    const { chain, sources } = await openChainAt(path, {
      drives: driveMap(stringOptions(args, 'volume')),
    });
    let info: ChainInfo;
    try {
      const facts = inspect(chain);
      const layers: LayerInfo[] = [];
      for (const [index, image] of chain.layers.entries()) {
        const source = sources[index] as LayerSource;
        layers.push(await layerInfo(image, facts.layers[index] as FormatLayerInfo, source));
      }
      info = {
        file: sources[0]?.path ?? path,
        virtualSize: chain.virtualSize,
        layers,
        warnings: [...chain.warnings],
      };
    } finally {
      await chain.close();
    }
    if (flag(args, 'json')) await writeJson(io.stdout, info);
    else await writeText(io.stdout, renderChainInfo(info));
    return 0;
  },
};
