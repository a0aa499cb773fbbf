import { createDynamic, createFixed, memoryFile } from '@vskit/vhd-format';
import { describe, expect, it } from 'vitest';
import { IDENTIFY_BYTES, identifyFormat } from './formats.js';

/** `size` zero bytes with `text` (Latin-1) written at `offset`. */
function withText(text: string, offset = 0, size = IDENTIFY_BYTES): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < text.length; i++) bytes[offset + i] = text.charCodeAt(i);
  return bytes;
}

/** A first sector holding an MBR with one partition of `type`. */
function mbr(type: number, status = 0x80): Uint8Array {
  const bytes = new Uint8Array(IDENTIFY_BYTES);
  bytes[446] = status;
  bytes[446 + 4] = type;
  bytes[510] = 0x55;
  bytes[511] = 0xaa;
  return bytes;
}

describe('identifyFormat', () => {
  it('names VHDX, qcow, qcow2, QED, VMDK and VDI by their signatures', () => {
    const qcow2 = withText('QFI\xfb');
    qcow2[7] = 3;
    const qcow1 = withText('QFI\xfb');
    qcow1[7] = 1;
    const vdi = withText('<<< Oracle VM VirtualBox Disk Image >>>\n');
    vdi.set([0x7f, 0x10, 0xda, 0xbe], 0x40);
    const cases: Array<[Uint8Array, string, string]> = [
      [withText('vhdxfile'), 'vhdx', 'a VHDX image'],
      [qcow2, 'qcow2', 'a qcow2 image (version 3)'],
      [qcow1, 'qcow', 'a qcow (version 1) image'],
      [withText('QED\0'), 'qed', 'a QED image'],
      [withText('KDMV'), 'vmdk', 'a VMDK sparse extent'],
      [withText('COWD'), 'vmdk', 'a VMDK ESX sparse extent'],
      [withText('# Disk DescriptorFile\nversion=1\n', 0, 40), 'vmdk', 'a VMDK descriptor'],
      [vdi, 'vdi', 'a VirtualBox VDI image'],
    ];
    for (const [bytes, format, description] of cases) {
      const guess = identifyFormat(bytes);
      expect(guess?.format, description).toBe(format);
      expect(guess?.description).toContain(description);
    }
  });

  it('names a raw disk by its GPT (512-byte or 4 KiB sectors) or its MBR', () => {
    const gpt = mbr(0xee, 0);
    gpt.set(withText('EFI PART', 0, 8), 512);
    const gpt4k = mbr(0xee, 0);
    gpt4k.set(withText('EFI PART', 0, 8), 4096);
    expect(identifyFormat(gpt)?.format).toBe('gpt');
    expect(identifyFormat(gpt4k)?.format).toBe('gpt');
    expect(identifyFormat(mbr(0x83))).toEqual({
      format: 'mbr',
      description: 'a raw disk with an MBR partition table',
    });
  });

  it('does not take a boot signature without a plausible partition table for an MBR', () => {
    expect(identifyFormat(mbr(0))).toBeUndefined();
    expect(identifyFormat(mbr(0x83, 0x12))).toBeUndefined();
  });

  it('recognises nothing in zeros, text, short input or a VHD', async () => {
    expect(identifyFormat(new Uint8Array(IDENTIFY_BYTES))).toBeUndefined();
    expect(identifyFormat(withText('hello, world\n', 0, 13))).toBeUndefined();
    expect(identifyFormat(new Uint8Array(0))).toBeUndefined();
    expect(identifyFormat(Uint8Array.of(0x51, 0x46))).toBeUndefined();
    const dynamic = memoryFile();
    await createDynamic(dynamic, { sizeBytes: 2 ** 20 });
    expect(identifyFormat(dynamic.bytes().subarray(0, IDENTIFY_BYTES))).toBeUndefined();
    const fixed = memoryFile();
    await createFixed(fixed, { sizeBytes: 2 ** 20 });
    expect(identifyFormat(fixed.bytes().subarray(0, IDENTIFY_BYTES))).toBeUndefined();
  });
});
