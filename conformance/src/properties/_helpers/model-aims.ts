/**
 * Aiming a model-based property at one requirement: its own cases, kept when the model judges
 * them by that requirement.
 * @module
 */
import type fc from 'fast-check';

/**
 * `aimAt` for a property whose cases the model charges to one id each (`idOf`): `undefined`
 * for an id it does not cover, the plain cases for an id every case exercises (`everyCase`),
 * else the cases `idOf` gives that id.
 */
export function aimByModel<T>(
  ids: readonly string[],
  cases: () => fc.Arbitrary<T>,
  idOf: (value: T) => string,
  everyCase: readonly string[] = [],
): (id: string) => fc.Arbitrary<T> | undefined {
  return (id) => {
    if (!ids.includes(id)) return undefined;
    if (everyCase.includes(id)) return cases();
    return cases().filter((value) => idOf(value) === id);
  };
}
