/**
 * Escaping for XML 1.0 text and attribute values: the five markup characters as entities, and
 * every character XML 1.0 cannot carry at all (controls other than tab, line feed and carriage
 * return; lone surrogates; U+FFFE and U+FFFF) written out as `\u{…}` so the document stays
 * well-formed and the reader still sees what was there.
 * @module
 */

/** Characters XML 1.0 cannot carry, even escaped (a surrogate pair is fine; a lone half is not). */
const UNREPRESENTABLE =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** `text` as XML character data or an attribute value (either quote style). */
export function escapeXml(text: string): string {
  return text
    .replace(UNREPRESENTABLE, (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16).toUpperCase()}}`)
    .replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}
