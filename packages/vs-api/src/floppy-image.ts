/**
 * Floppy images (`.vfd`): a headerless dump of the disk's sectors. Virtual Server does not say
 * what a new one holds; vs-api formats it FAT12, empty, as a DOS 5 `FORMAT` would
 * *(decision)*, so a guest can use it at once and `mtools` / `fsck.fat` accept it. The image
 * type of an existing file is told by its size alone.
 *
 * Boot sector (BIOS parameter block, DOS 4 extended):
 *
 * | offset | size | field               | 720 KB (LowDensity) | 1.44 MB (HighDensity) |
 * | ------ | ---- | ------------------- | ------------------- | --------------------- |
 * | 0      | 3    | jump                | EB 3C 90            | EB 3C 90              |
 * | 3      | 8    | OEM name            | `MSWIN4.1`          | `MSWIN4.1`            |
 * | 11     | 2    | bytes per sector    | 512                 | 512                   |
 * | 13     | 1    | sectors per cluster | 2                   | 1                     |
 * | 14     | 2    | reserved sectors    | 1                   | 1                     |
 * | 16     | 1    | FATs                | 2                   | 2                     |
 * | 17     | 2    | root entries        | 112                 | 224                   |
 * | 19     | 2    | total sectors       | 1440                | 2880                  |
 * | 21     | 1    | media descriptor    | 0xF9                | 0xF0                  |
 * | 22     | 2    | sectors per FAT     | 3                   | 9                     |
 * | 24     | 2    | sectors per track   | 9                   | 18                    |
 * | 26     | 2    | heads               | 2                   | 2                     |
 * | 28     | 4    | hidden sectors      | 0                   | 0                     |
 * | 32     | 4    | large total sectors | 0                   | 0                     |
 * | 36     | 1    | drive number        | 0x00                | 0x00                  |
 * | 38     | 1    | extended signature  | 0x29                | 0x29                  |
 * | 39     | 4    | volume serial       | 4 random bytes      | 4 random bytes        |
 * | 43     | 11   | volume label        | `NO NAME    `       | `NO NAME    `         |
 * | 54     | 8    | file system         | `FAT12   `          | `FAT12   `            |
 * | 62     | 4    | boot code           | CD 18 EB FE         | CD 18 EB FE           |
 * | 510    | 2    | signature           | 55 AA               | 55 AA                 |
 *
 * The boot code is `int 18h; jmp $`: "not a system disk", the BIOS tries the next device. Each
 * FAT starts F9 FF FF (720 KB) or F0 FF FF (1.44 MB); every other byte of the image is zero
 * (empty FATs, an empty root folder, no volume-label entry).
 * @module
 */
import { VMFloppyDiskImageType } from './hresult.js';

/** The geometry of a floppy format vs-api creates. */
interface FloppyFormat {
  readonly totalSectors: number;
  readonly sectorsPerCluster: number;
  readonly rootEntries: number;
  readonly media: number;
  readonly sectorsPerFat: number;
  readonly sectorsPerTrack: number;
}

const FORMATS: Readonly<Record<1 | 2, FloppyFormat>> = {
  [VMFloppyDiskImageType.LowDensity]: {
    totalSectors: 1440,
    sectorsPerCluster: 2,
    rootEntries: 112,
    media: 0xf9,
    sectorsPerFat: 3,
    sectorsPerTrack: 9,
  },
  [VMFloppyDiskImageType.HighDensity]: {
    totalSectors: 2880,
    sectorsPerCluster: 1,
    rootEntries: 224,
    media: 0xf0,
    sectorsPerFat: 9,
    sectorsPerTrack: 18,
  },
};

/** The file size of each floppy image type, in bytes (what GetFloppyDiskImageType reads). */
export const FLOPPY_IMAGE_BYTES: ReadonlyArray<readonly [VMFloppyDiskImageType, number]> = [
  [VMFloppyDiskImageType.LowDensitySingleSided, 80 * 1 * 9 * 512], // 360 KB, 3.5" single sided
  [VMFloppyDiskImageType.LowDensity, 80 * 2 * 9 * 512], // 720 KB
  [VMFloppyDiskImageType.MediumDensity, 80 * 2 * 15 * 512], // 1.2 MB
  [VMFloppyDiskImageType.HighDensity, 80 * 2 * 18 * 512], // 1.44 MB
  [VMFloppyDiskImageType.DMF, 80 * 2 * 21 * 512], // 1.68 MB
  [VMFloppyDiskImageType.HighDensityMSS, 3680 * 512], // 1.84 MB (XDF)
];

/** The type of a floppy image of `size` bytes, or `undefined` for a size no floppy has. */
export function floppyTypeOfSize(size: number): VMFloppyDiskImageType | undefined {
  return FLOPPY_IMAGE_BYTES.find(([, bytes]) => bytes === size)?.[0];
}

/** The file size of a new image of `type`. */
export function floppyImageBytes(type: 1 | 2): number {
  return FORMATS[type].totalSectors * 512;
}

/** Whether `type` is one vs-api can create: LowDensity (1) or HighDensity (2). */
export function isCreatableFloppyType(type: unknown): type is 1 | 2 {
  return type === VMFloppyDiskImageType.LowDensity || type === VMFloppyDiskImageType.HighDensity;
}

/** The bytes of a new, empty, FAT12-formatted image of `type` with volume serial `serial`. */
export function formatFloppy(type: 1 | 2, serial: Uint8Array): Uint8Array {
  const f = FORMATS[type];
  const image = new Uint8Array(f.totalSectors * 512);
  const view = new DataView(image.buffer);
  const ascii = (at: number, text: string) => {
    for (const [i, c] of [...text].entries()) image[at + i] = c.charCodeAt(0);
  };
  image.set([0xeb, 0x3c, 0x90], 0);
  ascii(3, 'MSWIN4.1');
  view.setUint16(11, 512, true);
  image[13] = f.sectorsPerCluster;
  view.setUint16(14, 1, true);
  image[16] = 2;
  view.setUint16(17, f.rootEntries, true);
  view.setUint16(19, f.totalSectors, true);
  image[21] = f.media;
  view.setUint16(22, f.sectorsPerFat, true);
  view.setUint16(24, f.sectorsPerTrack, true);
  view.setUint16(26, 2, true);
  image[38] = 0x29;
  image.set(serial.subarray(0, 4), 39);
  ascii(43, 'NO NAME    ');
  ascii(54, 'FAT12   ');
  image.set([0xcd, 0x18, 0xeb, 0xfe], 62);
  image.set([0x55, 0xaa], 510);
  for (let fat = 0; fat < 2; fat++) {
    image.set([f.media, 0xff, 0xff], (1 + fat * f.sectorsPerFat) * 512);
  }
  return image;
}
