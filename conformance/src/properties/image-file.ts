/**
 * What CreateDynamicVirtualHardDisk and CreateFixedVirtualHardDisk write: the disk type, the size
 * in MiB, a 2 MiB-block dynamic layout with an empty BAT, and all-zero contents.
 * @module
 */
import { windowsPath } from '@vskit/host';
import { everyByteIs } from '../_internal/bytes.js';
import { openHostChain } from '../_internal/chain-access.js';
import { prepare } from '../_internal/setup.js';
import { MIB } from '../_internal/units.js';
import { checksum, FOOTER, HEADER, readAscii, readU32, readU64 } from '../_internal/vhd-bytes.js';
import type { Scenario } from '../arbitraries/scenario.js';
import { happyArb } from '../arbitraries/scenario.js';
import { defineProperty } from '../property.js';
import { waitForTask } from './_helpers/calls.js';
import { happyPrediction, start } from './_helpers/happy.js';

/** Dynamic and fixed images hold what SEMANTICS.md says. */
export const imageFile = defineProperty<Scenario>({
  name: 'image.file',
  covers: ['CDYN.file', 'CFIX.file', 'UNITS.mb-is-mib'],
  primary: 'CDYN.file',
  arbitrary: () => happyArb(['CreateDynamicVirtualHardDisk', 'CreateFixedVirtualHardDisk']),
  async check(subject, scenario, ctx) {
    const prepared = await prepare(subject, scenario.state);
    try {
      const prediction = happyPrediction(scenario, prepared);
      if (
        prediction?.image === undefined ||
        scenario.call.method === 'CreateDifferencingVirtualHardDisk'
      )
        return;
      const fixed = scenario.call.method === 'CreateFixedVirtualHardDisk';
      const id = fixed ? 'CFIX.file' : 'CDYN.file';
      const size = scenario.call.sizeMB * MIB;
      const task = await start(prepared, scenario, ctx, id);
      await waitForTask(ctx, id, task, scenario.call.method);
      const path = windowsPath.format(prediction.image);
      const file = await prepared.host.open(path, 'read');
      let footer: Uint8Array;
      let length: number;
      try {
        length = await file.size();
        footer = new Uint8Array(512);
        await file.read(footer, length - 512);
        ctx.exercise(id);
        ctx.exercise('UNITS.mb-is-mib');
        ctx.expect(
          'UNITS.mb-is-mib',
          readU64(footer, FOOTER.currentSize) === size &&
            readU64(footer, FOOTER.originalSize) === size,
          () =>
            `${scenario.call.method === 'CreateFixedVirtualHardDisk' ? 'fixed' : 'dynamic'} size ${readU64(footer, FOOTER.currentSize)} for ${size / MIB} MB`,
        );
        ctx.expect(
          id,
          readAscii(footer, FOOTER.cookie, 8) === 'conectix' &&
            readU32(footer, FOOTER.checksum) === checksum(footer, FOOTER.checksum) &&
            readU32(footer, FOOTER.diskType) === (fixed ? 2 : 3),
          () =>
            `footer cookie '${readAscii(footer, 0, 8)}', type ${readU32(footer, FOOTER.diskType)}`,
        );
        if (fixed) {
          ctx.expect(
            id,
            length === size + 512,
            () => `fixed file of ${length} bytes for ${size} bytes`,
          );
          const probe = new Uint8Array(4096);
          for (const at of [0, Math.max(0, size - 4096)]) {
            await file.read(probe, at);
            ctx.expect(id, everyByteIs(probe, 0), () => `fixed image data at ${at} is not zero`);
          }
        } else {
          const header = new Uint8Array(1024);
          await file.read(header, 512);
          const entries = readU32(header, HEADER.maxTableEntries);
          ctx.expect(
            id,
            readAscii(header, HEADER.cookie, 8) === 'cxsparse' &&
              readU32(header, HEADER.blockSize) === 2 * MIB &&
              entries === Math.ceil(size / (2 * MIB)),
            () =>
              `header cookie '${readAscii(header, 0, 8)}', block ${readU32(header, HEADER.blockSize)}, entries ${entries}`,
          );
          const bat = new Uint8Array(Math.min(entries * 4, 1 << 20));
          await file.read(bat, readU64(header, HEADER.tableOffset));
          ctx.expect(
            id,
            everyByteIs(bat, 0xff),
            () => 'a BAT entry of a new dynamic image is allocated',
          );
        }
      } finally {
        await file.close();
      }
      if (!fixed) {
        const opened = await openHostChain(prepared.host, path);
        try {
          const head = new Uint8Array(4096);
          await opened.chain.read(head, 0);
          ctx.expect(id, everyByteIs(head, 0), () => 'a new dynamic image does not read as zeros');
        } finally {
          await opened.chain.close();
        }
      }
    } finally {
      await prepared.dispose();
    }
  },
});
