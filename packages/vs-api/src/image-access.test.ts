import { windowsPath } from '@vskit/host';
import { describe, expect, it } from 'vitest';
import { testHost } from './__fixtures__/hosts.js';
import { VsError } from './errors.js';
import { holdToChange, openToChange, openToRead } from './image-access.js';

const PATH = 'C:\\d\\disk.vhd';
const at = windowsPath.parseAbsolute(PATH) as NonNullable<
  ReturnType<typeof windowsPath.parseAbsolute>
>;

async function hostWithFile() {
  const { host } = testHost();
  await host.mkdir('C:\\d');
  await host.writeFile(PATH, new Uint8Array(512));
  return host;
}

async function codeOf(opening: Promise<unknown>): Promise<string> {
  const error = await opening.then(
    () => undefined,
    (e: unknown) => e,
  );
  return error instanceof VsError ? error.name : String(error);
}

describe('opening an image to change it', () => {
  it('is E_SHARING_VIOLATION while another handle holds it', async () => {
    const host = await hostWithFile();
    const held = await host.open(PATH, 'read', { share: 'read' });
    expect(await codeOf(openToChange(host, at, 'disk'))).toBe('E_SHARING_VIOLATION');
    await held.close();
    const file = await openToChange(host, at, 'disk');
    await file.close();
  });

  it('is VM_E_FILE_READ_ONLY when the file has the read-only attribute', async () => {
    const host = await hostWithFile();
    await host.setReadOnly(PATH, true);
    expect(await codeOf(openToChange(host, at, 'disk'))).toBe('VM_E_FILE_READ_ONLY');
  });

  it('keeps every other writer and reader out while it is open', async () => {
    const host = await hostWithFile();
    const file = await openToChange(host, at, 'disk');
    expect(await codeOf(openToRead(host, at, 'disk'))).toBe('E_SHARING_VIOLATION');
    expect(await codeOf(openToChange(host, at, 'disk'))).toBe('E_SHARING_VIOLATION');
    await file.close();
  });
});

describe('opening an image to read it', () => {
  it('reads a read-only file', async () => {
    const host = await hostWithFile();
    await host.setReadOnly(PATH, true);
    const file = await openToRead(host, at, 'disk');
    await file.close();
  });

  it('is E_SHARING_VIOLATION while a writer holds it, and lets other readers in', async () => {
    const host = await hostWithFile();
    const writer = await host.open(PATH, 'readWrite', { share: 'readWrite' });
    expect(await codeOf(openToRead(host, at, 'disk'))).toBe('E_SHARING_VIOLATION');
    await writer.close();
    const one = await openToRead(host, at, 'disk');
    const two = await openToRead(host, at, 'disk');
    await Promise.all([one.close(), two.close()]);
  });

  it('leaves a missing file to the caller to name', async () => {
    const { host } = testHost();
    const error = await openToRead(host, at, 'disk').catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(VsError);
    expect((error as { code?: string }).code).toBe('ENOENT');
  });
});

describe('holding an image for a change in place', () => {
  it('holds a writable file writable, with nothing to refuse later', async () => {
    const host = await hostWithFile();
    const held = await holdToChange(host, at, 'disk');
    expect(held.readOnly).toBeUndefined();
    await held.file.write(new Uint8Array([1]), 0);
    expect(await codeOf(openToRead(host, at, 'disk'))).toBe('E_SHARING_VIOLATION');
    await held.file.close();
  });

  it('holds a read-only file for reading, keeping VM_E_FILE_READ_ONLY for later', async () => {
    const host = await hostWithFile();
    await host.setReadOnly(PATH, true);
    const held = await holdToChange(host, at, 'disk');
    expect(held.readOnly?.name).toBe('VM_E_FILE_READ_ONLY');
    expect(held.readOnly?.argument).toBe('disk');
    expect(await held.file.read(new Uint8Array(512), 0)).toBe(512);
    // Still nobody else's meanwhile.
    expect(await codeOf(openToRead(host, at, 'disk'))).toBe('E_SHARING_VIOLATION');
    await held.file.close();
  });

  it('is E_SHARING_VIOLATION for a file in use, read-only or not', async () => {
    const host = await hostWithFile();
    const other = await host.open(PATH, 'read', { share: 'readWrite' });
    expect(await codeOf(holdToChange(host, at, 'disk'))).toBe('E_SHARING_VIOLATION');
    await host.setReadOnly(PATH, true);
    expect(await codeOf(holdToChange(host, at, 'disk'))).toBe('E_SHARING_VIOLATION');
    await other.close();
  });
});
