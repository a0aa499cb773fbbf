import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emulatedSubject } from '../subjects/emulated.js';
import { diskProperties, hdpArb, hdpIdOf } from './disk-properties.js';
import {
  floppyArb,
  floppyCreation,
  floppyIdOf,
  floppyType,
  floppyTypeArb,
  floppyTypeIdOf,
} from './floppy.js';
import { hostDriveArb, hostDriveCreation, hostDriveIdOf } from './host-drive.js';
import { fileSearch, searchArb, searchIdOf, settingArb, settingIdOf, settings } from './search.js';

// A case aimed at a requirement is drawn by filtering a property's own cases through the model:
// a requirement the model never charges a case to would make that filter draw forever. Each id
// a property covers is either charged to some of 3,000 of its own cases, or aimed otherwise.
const rows = [
  {
    property: diskProperties,
    arb: hdpArb(),
    idOf: hdpIdOf,
    other: ['HDP.E_POINTER', 'HDP.no-change'],
  },
  {
    property: floppyCreation,
    arb: floppyArb(emulatedSubject),
    idOf: floppyIdOf,
    other: ['FLOPPY.no-change'],
  },
  { property: floppyType, arb: floppyTypeArb(), idOf: floppyTypeIdOf, other: ['FTYPE.no-change'] },
  {
    property: hostDriveCreation,
    arb: hostDriveArb(emulatedSubject),
    idOf: hostDriveIdOf,
    other: ['HDRV.no-change', 'HDRV.HostDrives'],
  },
  { property: fileSearch, arb: searchArb(), idOf: searchIdOf, other: [] },
  {
    property: settings,
    arb: settingArb(),
    idOf: settingIdOf,
    other: ['SPATH.initial', 'DEFCFG.E_POINTER'],
  },
] as const;

describe('every requirement a surface property covers can be aimed at', () => {
  for (const { property, arb, idOf, other } of rows) {
    it(`${property.name}: the model charges some case to each id, or the id has its own aim`, () => {
      const charged = new Set(
        fc
          .sample(arb as fc.Arbitrary<never>, { numRuns: 3000, seed: 1 })
          .map((v) => (idOf as (v: never) => string)(v)),
      );
      const missing = property.covers.filter(
        (id) => !charged.has(id) && !(other as readonly string[]).includes(id),
      );
      expect(missing).toEqual([]);
    });
  }
});
