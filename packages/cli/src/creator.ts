/**
 * What the CLI writes into the footers of the images it creates.
 *
 * Creator application `vskt` *(decision)*: the images are made by vskit, not by Virtual Server
 * (vs-api writes `vs  `). It also keeps readers honest: QEMU sizes `vpc `, `vs  ` and `qemu`
 * images by their CHS geometry, which is smaller than the size asked for, but takes the footer's
 * current size for any other creator, so `qemu-img` sees exactly the size given to `vskit create`.
 * Creator version 1.0 (0x00010000), host OS `Wi2k` (the locators are Windows paths).
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
