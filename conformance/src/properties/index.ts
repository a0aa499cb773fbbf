/**
 * Every property of the suite, in report order.
 * @module
 */
import type { PropertyDefinition } from '../property.js';
import { chainOpening } from './chain-open.js';
import { childFile } from './child-file.js';
import { codecNumbers, codecStructures } from './codec.js';
import { concurrentCreation, shutdownInFlight } from './concurrency.js';
import { differencingModel, dynamicModel, fixedModel } from './creation-model.js';
import { diskMethodModel } from './disk-method-model.js';
import { diskMethods } from './disk-methods.js';
import { diskProperties } from './disk-properties.js';
import { floppyCreation, floppyType } from './floppy.js';
import { getHardDiskProperty } from './get-hard-disk.js';
import { hostDriveCreation } from './host-drive.js';
import { imageFile } from './image-file.js';
import { openThroughSubject } from './open-subject.js';
import { fileSearch, settings } from './search.js';
import { statefulChains } from './stateful.js';
import { taskFaults } from './task-faults.js';
import { taskLifecycle } from './tasks.js';

/** The suite's properties. */
export const ALL_PROPERTIES: readonly PropertyDefinition<unknown>[] = [
  differencingModel,
  dynamicModel,
  fixedModel,
  childFile,
  imageFile,
  taskLifecycle,
  taskFaults,
  concurrentCreation,
  shutdownInFlight,
  statefulChains,
  codecStructures,
  codecNumbers,
  chainOpening,
  openThroughSubject,
  getHardDiskProperty,
  diskProperties,
  diskMethods,
  diskMethodModel,
  floppyCreation,
  floppyType,
  hostDriveCreation,
  fileSearch,
  settings,
] as PropertyDefinition<unknown>[];
