/**
 * VHD timestamps: unsigned 32-bit seconds since 2000-01-01T00:00:00Z.
 * @module
 */
import { VHD_EPOCH_MS } from '../constants.js';
import { VhdFormatError } from '../errors.js';

/**
 * VHD seconds for `date` (whole seconds, rounded down). Dates before 2000 clamp to 0 and dates
 * after 2136-02-07 clamp to 0xFFFFFFFF, since the field cannot hold them.
 */
export function vhdTimestamp(date: Date): number {
  const ms = date instanceof Date ? date.getTime() : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new VhdFormatError('INVALID_ARGUMENT', 'not a valid Date', {
      field: 'date',
      value: date,
    });
  }
  const seconds = Math.floor((ms - VHD_EPOCH_MS) / 1000);
  return Math.min(0xffffffff, Math.max(0, seconds));
}

/** The date `seconds` VHD seconds after 2000-01-01T00:00:00Z. */
export function dateFromVhdTimestamp(seconds: number): Date {
  return new Date(VHD_EPOCH_MS + seconds * 1000);
}

/**
 * Whether a parent modified at `modified` differs from the time its child recorded, in VHD
 * seconds. A recorded 0 means "not recorded" (Windows and vhd-lib write 0), so it never differs.
 */
export function parentTimeDiffers(recorded: number, modified: Date): boolean {
  return recorded !== 0 && vhdTimestamp(modified) !== recorded;
}
