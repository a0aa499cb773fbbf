import { HostError, type HostFile } from '@vskit/host';
import type { FaultOperation } from './faults.js';
import type { SparseContent } from './sparse-content.js';
import type { VolumeAccount } from './volume.js';

/** A torn write: the leading sectors of a write the power cut interrupted. */
export interface TornWrite {
  readonly position: number;
  readonly bytes: Uint8Array;
}

/** What an open emulated file needs from its host. */
export interface FileContext {
  /** Runs a counted, fault-checked call; `torn` describes the write a torn power cut keeps. */
  call<T>(op: FaultOperation, path: string, body: () => T, torn?: () => TornWrite | undefined): T;
  /** The host's clock. */
  now(): Date;
  /** Called once when the file is closed. */
  release(): void;
}

/** The state of an emulated file that outlives its handles. */
export interface FileNode {
  readonly content: SparseContent;
  mtime: Date;
  /** The read-only attribute. */
  readOnly: boolean;
}

const SECTOR = 512;

/** A handle on an emulated file: a {@link HostFile} over its sparse content. */
export class EmulatedFile implements HostFile {
  readonly #context: FileContext;
  readonly #node: FileNode;
  readonly #volume: VolumeAccount;
  readonly #path: string;
  readonly #writable: boolean;
  #closed = false;

  constructor(
    context: FileContext,
    node: FileNode,
    volume: VolumeAccount,
    path: string,
    writable: boolean,
  ) {
    this.#context = context;
    this.#node = node;
    this.#volume = volume;
    this.#path = path;
    this.#writable = writable;
  }

  read(buffer: Uint8Array, position: number): Promise<number> {
    return settle(() =>
      this.#context.call('read', this.#path, () => {
        this.#checkOpen('read');
        checkBuffer(buffer, 'read', this.#path);
        checkPosition(position, 'read', this.#path);
        return this.#node.content.read(buffer, position);
      }),
    );
  }

  write(buffer: Uint8Array, position: number): Promise<void> {
    return settle(() =>
      this.#context.call(
        'write',
        this.#path,
        () => {
          this.#checkWritable('write');
          checkBuffer(buffer, 'write', this.#path);
          checkPosition(position, 'write', this.#path);
          const end = position + buffer.length;
          checkPosition(end, 'write', this.#path);
          const content = this.#node.content;
          if (buffer.length === 0) return;
          if (end > content.size) {
            this.#volume.checkResize(content.size, end, 'write', this.#path);
            this.#volume.resize(content.size, end);
          }
          content.write(buffer, position);
          this.#node.mtime = this.#context.now();
        },
        () => this.#tear(buffer, position),
      ),
    );
  }

  #tear(buffer: Uint8Array, position: number): TornWrite | undefined {
    if (this.#closed || !this.#writable) return undefined;
    const tearAt = Math.floor((position + Math.floor(buffer.length / 2)) / SECTOR) * SECTOR;
    if (tearAt <= position) return undefined;
    return { position, bytes: buffer.slice(0, tearAt - position) };
  }

  size(): Promise<number> {
    return settle(() =>
      this.#context.call('size', this.#path, () => {
        this.#checkOpen('size');
        return this.#node.content.size;
      }),
    );
  }

  truncate(length: number): Promise<void> {
    return settle(() =>
      this.#context.call('truncate', this.#path, () => {
        this.#checkWritable('truncate');
        checkPosition(length, 'truncate', this.#path);
        const content = this.#node.content;
        this.#volume.checkResize(content.size, length, 'truncate', this.#path);
        this.#volume.resize(content.size, length);
        content.truncate(length);
        this.#node.mtime = this.#context.now();
      }),
    );
  }

  sync(): Promise<void> {
    return settle(() =>
      this.#context.call('sync', this.#path, () => {
        this.#checkOpen('sync');
        this.#node.content.sync();
      }),
    );
  }

  close(): Promise<void> {
    return settle(() => {
      const wasOpen = !this.#closed;
      try {
        this.#context.call('close', this.#path, () => this.#checkOpen('close'));
      } finally {
        // The handle is released even when the close fails, as an operating system does.
        if (wasOpen) {
          this.#closed = true;
          this.#context.release();
        }
      }
    });
  }

  #checkOpen(syscall: string): void {
    if (this.#closed) throw new HostError('EBADF', syscall, this.#path, 'file is closed');
  }

  #checkWritable(syscall: string): void {
    this.#checkOpen(syscall);
    if (!this.#writable)
      throw new HostError('EBADF', syscall, this.#path, 'file is open read-only');
  }
}

/** Runs a synchronous body as a promise: its throw becomes a rejection. */
export function settle<T>(body: () => T): Promise<T> {
  try {
    return Promise.resolve(body());
  } catch (error) {
    return Promise.reject(error);
  }
}

function checkPosition(value: number, syscall: string, path: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new HostError('EINVAL', syscall, path, `bad position or length ${value}`);
  }
}

function checkBuffer(buffer: unknown, syscall: string, path: string): void {
  if (!(buffer instanceof Uint8Array)) {
    throw new HostError('EINVAL', syscall, path, 'buffer must be a Uint8Array');
  }
}
