/**
 * Text that came from a file (parent names, locator paths, creator fields, paths found through
 * locators, messages quoting them) made safe to print: an image must not be able to move the
 * cursor, retitle the window or rewrite the screen. Every place the CLI prints such text goes
 * through {@link printable} (or {@link printableJson} for `--json`).
 * @module
 */

/** DEL, C1 controls (U+0080 to U+009F, CSI among them), bidirectional marks and overrides. */
const BEYOND_C0 = '\\u007f-\\u009f\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069';

/** What a terminal may act on: C0 controls (ESC, CR, BEL, LF, ...) and {@link BEYOND_C0}. */
const UNPRINTABLE = new RegExp(`[\\u0000-\\u001f${BEYOND_C0}]`, 'g');

/** What JSON text may still hold raw: `JSON.stringify` escapes C0 controls, not these. */
const UNESCAPED_IN_JSON = new RegExp(`[${BEYOND_C0}]`, 'g');

/**
 * `text` with every character a terminal may act on written as an escape: `\x1b`, `\x0d`,
 * `\u202e`. Printable text, backslashes included, is unchanged, so escaping twice changes
 * nothing more.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * JSON text (from `JSON.stringify`) with DEL, C1 and bidirectional controls as `\uXXXX`
 * escapes (JSON already escapes C0 controls; its own line breaks stay). These characters occur
 * only inside strings, so the value it parses to is unchanged.
 */
export function printableJson(json: string): string {
  return json.replace(
    UNESCAPED_IN_JSON,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
