/**
 * How Virtual Server 2005 signs the images it creates.
 * @module
 */

/** Creator fields of every image vs-api writes: `vs  `, version 1.0 *(decision)*, `Wi2k`. */
export const VS_CREATOR = {
  creatorApplication: 'vs  ',
  creatorVersion: 0x00010000,
  creatorHostOs: 'Wi2k',
} as const;
