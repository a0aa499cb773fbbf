/**
 * `@vskit/emulator`: hosts for vs-api. Emulated Windows volumes on memfs, and a host over real
 * folders.
 * @packageDocumentation
 */
export { openNodeFile } from './node-file.js';
