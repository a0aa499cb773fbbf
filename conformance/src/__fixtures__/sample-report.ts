/** A small report with one passing and one failing requirement, for the renderers' tests. */
import type { ConformanceReport } from '../runner.js';

/** One pass (CDVHD.S_OK) and one failure (CDVHD.E_DISK_FULL, with a scenario counterexample). */
export const SAMPLE_REPORT: ConformanceReport = {
  ok: false,
  unexercised: 0,
  subject: 'demo',
  subjectModule: './demo.mjs',
  requirements: [
    { id: 'CDVHD.S_OK', text: 'success', status: 'pass', cases: 12, exercised: true },
    {
      id: 'CDVHD.E_DISK_FULL',
      text: 'Less than 8 MB free gives E_DISK_FULL.',
      status: 'fail',
      cases: 3,
      exercised: true,
      counterexample: {
        property: 'model.differencing',
        message: 'expected E_DISK_FULL, got S_OK',
        value: {
          state: {
            volumes: [
              {
                drive: 'C',
                fileSystem: 'NTFS',
                free: { kind: 'edge', needBytes: 8 * 2 ** 20, short: true },
              },
            ],
            entries: [
              {
                kind: 'vhd',
                path: 'C:\\p.vhd',
                disk: {
                  type: 'dynamic',
                  sizeBytes: 3 * 2 ** 20,
                  corruption: null,
                  unreadable: false,
                },
              },
            ],
            shuttingDown: false,
          },
          call: {
            method: 'CreateDifferencingVirtualHardDisk',
            imagePath: 'C:\\c.vhd',
            parentPath: 'C:\\p.vhd',
            nullTask: false,
          },
        },
        seed: 7,
        path: '3:1',
        replay: '--seed 7 --path 3:1 --filter model.differencing',
      },
    },
  ],
  cases: 40,
  casesPerSecond: 20,
  durationMs: 2000,
  seed: 7,
  runs: 10,
};
