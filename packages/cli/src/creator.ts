/**
 * What the CLI writes into the footers of the images it creates.
 *
 * Creator application `vskt` *(decision)*: the images are made by vskit, not by Virtual Server
 * (vs-api writes `vs  `), and a reader can tell them apart. Creator version 1.0 (0x00010000),
 * host OS `Wi2k` (the locators are Windows paths).
 *
 * Note for QEMU users: QEMU takes the footer's current size only from creators it knows to mean
 * it (`win `, `qem2`, `d2v `, `CTXS`, `tap`); for every other creator, `vskt` and Virtual
 * Server's `vs  ` included, it presents the CHS capacity (cylinders x heads x sectors x 512),
 * which can be a few KiB smaller than the size asked for. Open with
 * `--image-opts driver=vpc,force_size_calc=current_size,file.filename=disk.vhd` to see the exact
 * size. vhd-format sizes the BAT for the larger of the two, so QEMU opens every image.
 * @module
 */
import type { CreateOptions } from '@vskit/vhd-format';

/** Creator fields for every image `vskit create` writes. */
export const CLI_CREATOR: Pick<
  CreateOptions,
  'creatorApplication' | 'creatorVersion' | 'creatorHostOs'
> = {
  creatorApplication: 'vskt',
  creatorVersion: 0x00010000,
  creatorHostOs: 'Wi2k',
};
