/**
 * What the browser test runs in the page, written as a web tool would use the package: a bare
 * import that the page's import map resolves to the built files, images in memory, a picked
 * `File` read through `blobFile`, and created images offered for download as `Blob`s.
 * Plain JavaScript, no bundler: the browser loads it as it is.
 */
import {
  blobFile,
  check,
  createDifferencing,
  createDynamic,
  inspect,
  memoryFile,
  openChain,
  openImage,
} from '@vskit/vhd-format';

/** A view of `file` whose `close()` leaves it open, so the same bytes can be opened again. */
function keepOpen(file) {
  return {
    read: (buffer, position) => file.read(buffer, position),
    write: (buffer, position) => file.write(buffer, position),
    size: () => file.size(),
    truncate: (length) => file.truncate(length),
    sync: () => file.sync(),
    close: async () => undefined,
  };
}

/** The bytes of one write: `(seed + i) % 251`, so a shifted or misplaced byte shows. */
export function pattern({ length, seed }) {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (seed + i) % 251;
  return bytes;
}

/** The SHA-256 of `bytes`, in hex. */
async function sha256(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Index of the first byte where `a` and `b` differ, or -1. */
function firstDifference(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

/** The stable code a promise rejects with, or `'resolved'`. */
async function rejection(promise) {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return error?.code ?? String(error);
  }
}

/** Offers an image for download, as the README shows. */
function download(image, name) {
  const blob = new Blob([image.bytes()], { type: 'application/octet-stream' });
  const link = Object.assign(document.createElement('a'), {
    href: URL.createObjectURL(blob),
    download: name,
  });
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000); // not at once: the download reads it
}

/** Reads the whole virtual disk of a chain. */
async function readAll(chain) {
  const disk = new Uint8Array(chain.virtualSize);
  await chain.read(disk, 0);
  return disk;
}

/**
 * Creates a dynamic base and a differencing child in memory, writes `baseWrites` into the base
 * and `childWrites` through the child, reads the disk back, inspects and checks both images,
 * reads the image picked in `#image`, and offers `base.vhd` and `child.vhd` for download.
 * Resolves with plain facts for the test to judge; rejects when any step fails.
 */
export async function run({ sizeBytes, baseWrites, childWrites }) {
  const base = memoryFile();
  await createDynamic(base, { sizeBytes });
  const baseWriter = await openChain(keepOpen(base), {
    writable: true,
    openParent: async () => undefined,
  });
  for (const w of baseWrites) await baseWriter.write(pattern(w), w.offset);
  await baseWriter.close();
  const baseBefore = await sha256(base.bytes());

  const parent = await openImage(keepOpen(base));
  const child = memoryFile();
  await createDifferencing(child, {
    parent: {
      footer: parent.footer,
      blockSizeBytes: parent.blockSize,
      modified: new Date(),
      unicodeName: 'base.vhd',
      absolutePath: 'C:\\vms\\base.vhd',
      relativePath: '.\\base.vhd',
    },
  });
  await parent.close();

  const chain = await openChain(keepOpen(child), {
    writable: true,
    openParent: async () => keepOpen(base),
  });
  for (const w of childWrites) await chain.write(pattern(w), w.offset);
  const disk = await readAll(chain);
  const info = inspect(chain);
  await chain.close();

  const expected = new Uint8Array(sizeBytes);
  for (const w of [...baseWrites, ...childWrites]) expected.set(pattern(w), w.offset);

  // Opened again from a copy of its bytes: the writes are in the file, not only in memory.
  const reopened = await openChain(memoryFile(child.bytes()), {
    openParent: async () => memoryFile(base.bytes()),
  });
  const again = await readAll(reopened);
  await reopened.close();

  const checks = {
    base: await check(keepOpen(base)),
    child: await check(keepOpen(child), { openParent: async () => keepOpen(base) }),
  };

  const picked = document.querySelector('#image').files?.[0];
  if (picked === undefined) throw new Error('no image was picked in #image');
  const pickedChain = await openChain(blobFile(picked), { openParent: async () => undefined });
  const pickedDisk = await readAll(pickedChain);
  const pickedInfo = inspect(pickedChain);
  await pickedChain.close();

  download(base, 'base.vhd');
  download(child, 'child.vhd');

  return {
    created: {
      size: disk.length,
      sha256: await sha256(disk),
      firstDifference: firstDifference(disk, expected),
      reopenedFirstDifference: firstDifference(again, expected),
      parentUnchanged: (await sha256(base.bytes())) === baseBefore,
      inspect: info,
      checks,
      files: { 'base.vhd': await sha256(base.bytes()), 'child.vhd': await sha256(child.bytes()) },
    },
    picked: {
      name: picked.name,
      size: picked.size,
      virtualSize: pickedDisk.length,
      sha256: await sha256(pickedDisk),
      inspect: pickedInfo,
      check: await check(blobFile(picked)),
      write: await rejection(blobFile(picked).write(new Uint8Array(1), 0)),
    },
  };
}
