/**
 * Every property of the suite, in report order.
 * @module
 */
import type { PropertyDefinition } from '../property.js';
import { childFile } from './child-file.js';
import { differencingModel, dynamicModel, fixedModel } from './creation-model.js';

/** The suite's properties. */
export const ALL_PROPERTIES: readonly PropertyDefinition<unknown>[] = [
  differencingModel,
  dynamicModel,
  fixedModel,
  childFile,
] as PropertyDefinition<unknown>[];
