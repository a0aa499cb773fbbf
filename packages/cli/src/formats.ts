/**
 * What a file that is not a VHD is, from its first bytes: other virtual-disk formats, and raw
 * disks that start with a partition table. Pure: bytes in, a description out.
 *
 * It lives in the CLI, not in vhd-format, on purpose: vhd-format reads VHD and says precisely
 * what is wrong with one (`BAD_COOKIE`, ...); naming qcow2 or VMDK is a courtesy to a person at
 * a terminal who handed `vskit` the wrong file, which no library caller needs to branch on.
 * @module
 */

/** How many leading bytes {@link identifyFormat} looks at (a GPT header after 4 KiB sectors). */
export const IDENTIFY_BYTES = 8192;

/** A format recognised by {@link identifyFormat}. */
export interface FormatGuess {
  /** A short stable name: `vhdx`, `qcow2`, `vmdk`, `vdi`, `qed`, `gpt`, `mbr`. */
  readonly format: string;
  /** What the file is, for people: `a VHDX image`, `a raw disk with a GPT partition table`. */
  readonly description: string;
}

function ascii(bytes: Uint8Array, offset: number, text: string): boolean {
  if (offset + text.length > bytes.length) return false;
  for (let i = 0; i < text.length; i++) {
    if (bytes[offset + i] !== text.charCodeAt(i)) return false;
  }
  return true;
}

function u32(bytes: Uint8Array, offset: number, littleEndian: boolean): number | undefined {
  if (offset + 4 > bytes.length) return undefined;
  return new DataView(bytes.buffer, bytes.byteOffset + offset, 4).getUint32(0, littleEndian);
}

/** The partition types of an MBR's four entries, when the table is plausible (status 0 or 0x80). */
function mbrPartitionTypes(bytes: Uint8Array): number[] | undefined {
  if (bytes.length < 512 || bytes[510] !== 0x55 || bytes[511] !== 0xaa) return undefined;
  const types: number[] = [];
  for (let entry = 0; entry < 4; entry++) {
    const at = 446 + 16 * entry;
    const status = bytes[at] as number;
    if (status !== 0x00 && status !== 0x80) return undefined;
    const type = bytes[at + 4] as number;
    if (type !== 0) types.push(type);
  }
  return types.length === 0 ? undefined : types;
}

/**
 * Names the format of a file from its first bytes (up to {@link IDENTIFY_BYTES}), or
 * `undefined` when none of these is recognised: VHDX, qcow and qcow2, QED, VMDK (sparse
 * extent, ESX COWD, descriptor text), VirtualBox VDI, and a raw disk starting with a GPT or an
 * MBR partition table. VHD itself is not among them: this is asked about files that did not
 * open as VHD.
 */
export function identifyFormat(head: Uint8Array): FormatGuess | undefined {
  if (ascii(head, 0, 'vhdxfile')) return { format: 'vhdx', description: 'a VHDX image' };
  if (ascii(head, 0, 'QFI\xfb')) {
    const version = u32(head, 4, false);
    return version === 1
      ? { format: 'qcow', description: 'a qcow (version 1) image' }
      : { format: 'qcow2', description: `a qcow2 image (version ${version ?? '?'})` };
  }
  if (ascii(head, 0, 'QED\0')) return { format: 'qed', description: 'a QED image' };
  if (ascii(head, 0, 'KDMV')) return { format: 'vmdk', description: 'a VMDK sparse extent' };
  if (ascii(head, 0, 'COWD')) return { format: 'vmdk', description: 'a VMDK ESX sparse extent' };
  if (ascii(head, 0, '# Disk DescriptorFile')) {
    return { format: 'vmdk', description: 'a VMDK descriptor (text naming its extent files)' };
  }
  if (u32(head, 0x40, true) === 0xbeda107f) {
    return { format: 'vdi', description: 'a VirtualBox VDI image' };
  }
  if (ascii(head, 512, 'EFI PART') || ascii(head, 4096, 'EFI PART')) {
    return { format: 'gpt', description: 'a raw disk with a GPT partition table' };
  }
  if (mbrPartitionTypes(head) !== undefined) {
    return { format: 'mbr', description: 'a raw disk with an MBR partition table' };
  }
  return undefined;
}
