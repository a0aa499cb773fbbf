/**
 * Cause probes: rules of the contract that say two inputs are the same call, so a subject keeping
 * the rule answers both alike. A failing case that passes once the probe has rewritten it into
 * its equivalent form failed because of that rule: the failure is charged to the rule's
 * requirement, not to the requirement whose check happened to see it.
 * @module
 */
import { windowsPath } from '@vskit/host';
import type { ComServer, Subject } from '../subject.js';
import { toCom } from '../subject.js';

/** A path argument as a subject receives it. */
type Path = string | null | undefined;

/** One rule a failure can be traced to. */
export interface CauseProbe {
  /** The requirement that states the rule. */
  readonly id: string;
  /** The rule, as the report's sentence names it. */
  readonly rule: string;
  /**
   * The equivalent form of a differencing call's paths, or `undefined` when the rule says nothing
   * about them (the call is passed on as it is).
   */
  rewrite(imagePath: Path, parentPath: Path): [Path, Path] | undefined;
}

const relative = (p: unknown): p is string => typeof p === 'string' && !windowsPath.isAbsolute(p);
const absolute = (p: unknown): p is string => typeof p === 'string' && windowsPath.isAbsolute(p);
const clean = (p: string) => windowsPath.findInvalidCharacter(p) === undefined;

/** Every probe, in the order they are tried. */
export const CAUSE_PROBES: readonly CauseProbe[] = [
  {
    id: 'CDVHD.remark.relative-image',
    rule: 'a relative imagePath is the same call as that path resolved against the folder of the absolute parentPath',
    rewrite(image, parent) {
      if (!relative(image) || image === '') return undefined;
      if (absolute(parent) && clean(image) && clean(parent)) {
        const folder = windowsPath.dirname(
          windowsPath.parseAbsolute(parent) as windowsPath.WindowsPath,
        );
        return [windowsPath.format(windowsPath.resolve(image, folder)), parent];
      }
      // no folder to resolve against: a check made before resolving cannot depend on the form
      return [`C:\\${image.replace(/^\\+/, '')}`, parent];
    },
  },
  {
    id: 'CDVHD.remark.relative-parent',
    rule: 'a relative parentPath is the same call as that path resolved against the folder of the absolute imagePath',
    rewrite(image, parent) {
      if (!relative(parent) || !absolute(image) || !clean(image) || !clean(parent))
        return undefined;
      const folder = windowsPath.dirname(
        windowsPath.parseAbsolute(image) as windowsPath.WindowsPath,
      );
      return [image, windowsPath.format(windowsPath.resolve(parent, folder))];
    },
  },
];

/** A subject that makes every differencing call in the probe's equivalent form, and tells whether it did. */
export function probedSubject(
  subject: Subject,
  probe: CauseProbe,
): { subject: Subject; rewritten: () => boolean } {
  let rewrote = false;
  const probed: Subject = {
    ...subject,
    async createServer(host) {
      const com: ComServer = toCom(await subject.createServer(host));
      const differencing: ComServer['CreateDifferencingVirtualHardDisk'] = (
        imagePath,
        parentPath,
        out,
      ) => {
        const equivalent = probe.rewrite(imagePath, parentPath);
        if (equivalent === undefined) {
          return com.CreateDifferencingVirtualHardDisk(imagePath, parentPath, out);
        }
        rewrote = true;
        return com.CreateDifferencingVirtualHardDisk(equivalent[0], equivalent[1], out);
      };
      // every other member as the subject has it, bound to it
      return new Proxy(com, {
        get(target, name) {
          if (name === 'CreateDifferencingVirtualHardDisk') return differencing;
          const value: unknown = Reflect.get(target, name, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    },
  };
  return { subject: probed, rewritten: () => rewrote };
}
