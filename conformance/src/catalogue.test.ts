import { describe, expect, it } from 'vitest';
import { CATALOGUE, METHOD_CHECKS, requirement } from './catalogue.js';
import { ALL_PROPERTIES } from './properties/index.js';

describe('requirement catalogue', () => {
  it('gives every requirement a unique id of the GROUP.name form and a sentence', () => {
    const ids = CATALOGUE.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of CATALOGUE) {
      expect(r.id).toMatch(/^[A-Z]+\.[A-Za-z0-9_.-]+$/);
      expect(r.text.length).toBeGreaterThan(10);
    }
  });

  it('leaves no requirement uncovered by a property', () => {
    const covered = new Set(ALL_PROPERTIES.flatMap((p) => p.covers));
    expect(CATALOGUE.map((r) => r.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  it('has no property naming an unknown requirement', () => {
    const unknown = ALL_PROPERTIES.flatMap((p) => [...p.covers, p.primary]).filter(
      (id) => requirement(id) === undefined,
    );
    expect(unknown).toEqual([]);
  });

  it('lists every row of the seed return-code table for CreateDifferencingVirtualHardDisk', () => {
    const codes = new Set(
      METHOD_CHECKS.CreateDifferencingVirtualHardDisk.flatMap((c) => c.variants.map((v) => v.code)),
    );
    for (const code of [
      'E_POINTER',
      'E_PATH_NOT_FOUND',
      'E_INVALID_NAME',
      'E_BAD_PATHNAME',
      'E_BUFFER_OVERFLOW',
      'E_ALREADY_EXISTS',
      'E_DISK_FULL',
      'VM_E_IMAGE_SIZE_TOO_LARGE',
      'VM_E_IMAGE_SIZE_TOO_SMALL',
      'VM_E_FILE_TOO_LARGE_FOR_VOLUME',
      'VM_E_APP_SHUTTING_DOWN',
    ] as const) {
      expect(codes.has(code)).toBe(true);
    }
    expect(requirement('CDVHD.S_OK')).toBeDefined();
    expect(requirement('CDVHD.DISP_E_EXCEPTION')).toBeDefined();
  });

  it('names the brief example ids', () => {
    for (const id of [
      'CDVHD.E_BAD_PATHNAME.both-relative',
      'CDVHD.order.invalid-name-before-bad-pathname',
      'CHILD.footer.creator',
      'TASK.wait.bad-timeout',
      'PATH.dotdot-at-root',
      'GHD.E_POINTER.path',
      'GHD.E_FILE_NOT_FOUND',
      'GHD.type',
      'GHD.parent.none',
      'GHD.VM_E_PARENT_CHILD_ID_MISMATCH',
      'OPEN.locator-order.w2ru',
      'OPEN.locator-order.w2ku',
      'OPEN.locator-order.name',
      'OPEN.confined',
    ]) {
      expect(requirement(id)?.id).toBe(id);
    }
  });
});
