import { describe, expect, it } from 'vitest';
import { type CheckReport, checkExitCode, renderCheck } from './check.js';

const base: CheckReport = {
  file: '/x.vhd',
  usable: true,
  ok: true,
  layers: ['/x.vhd'],
  problems: [],
};
const warning = {
  code: 'PARENT_TIMESTAMP_MISMATCH',
  severity: 'warning',
  message: 'w',
  layer: 0,
  path: '/x.vhd',
} as const;
const error = {
  code: 'BAD_CHECKSUM',
  severity: 'error',
  message: 'e',
  layer: 1,
  path: '/p.vhd',
} as const;

describe('checkExitCode', () => {
  it('is 0 when clean or only warned, 1 with errors or strict warnings, 2 when unusable', () => {
    expect(checkExitCode(base, false)).toBe(0);
    expect(checkExitCode({ ...base, problems: [warning] }, false)).toBe(0);
    expect(checkExitCode({ ...base, problems: [warning] }, true)).toBe(1);
    expect(checkExitCode({ ...base, problems: [error] }, false)).toBe(1);
    expect(checkExitCode({ ...base, usable: false, problems: [error] }, false)).toBe(2);
  });
});

describe('renderCheck', () => {
  it('names the layer of a problem found below the top', () => {
    const text = renderCheck({ ...base, layers: ['/x.vhd', '/p.vhd'], problems: [error] }, 1);
    expect(text).toBe(
      '/x.vhd: problems found (1 error, 0 warnings)\n  chain   /x.vhd -> /p.vhd\n  error   BAD_CHECKSUM: parent 1 (/p.vhd): e\n',
    );
  });
});
