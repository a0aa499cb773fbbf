/**
 * Byte units, defined once for the whole suite. "MB" in the methods' contract is {@link MIB}
 * (SEMANTICS.md: MB = MiB).
 * @module
 */

/** Bytes in a MiB, the contract's "MB". */
export const MIB = 2 ** 20;
/** Bytes in a GiB. */
export const GIB = 2 ** 30;
/** Bytes in a TiB. */
export const TIB = 2 ** 40;
