/**
 * What the preloads of the failure tests (`sigint-at.mjs`, `write-fails-at.mjs`) share: whether
 * a path is the file a command creates or the temporary file it is written under before its
 * rename (`~vskit-XXXXXXXX-XXXXXXXX.tmp` in the same folder).
 */

/** Whether `path` is `target` or a temporary file `target` is written under. */
export function isTargetOrTemporary(path, target) {
  const text = String(path);
  if (text === target) return true;
  const slash = text.lastIndexOf('/');
  const folder = target.slice(0, target.lastIndexOf('/'));
  return (
    text.slice(0, slash) === folder &&
    /^~vskit-[0-9a-f]{8}-[0-9a-f]{8}\.tmp$/.test(text.slice(slash + 1))
  );
}
