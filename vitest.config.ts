import { defineConfig } from 'vitest/config';

/** Tests import workspace packages from their TypeScript sources, so no build is needed to test. */
const conditions = ['@vskit/source', 'module', 'node', 'import', 'default'];

const project = (name: string, root: string, extra: Record<string, unknown> = {}) => ({
  extends: true as const,
  test: { name, root, include: ['src/**/*.test.ts'], ...extra },
});

/** `.ci/run` asks for a JSON report to count passed and failed tests. */
const report = process.env.VSKIT_TEST_REPORT;

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    testTimeout: 60_000,
    reporters: report ? ['default', ['json', { outputFile: report }]] : ['default'],
    hookTimeout: 60_000,
    projects: [
      project('host', 'packages/host'),
      project('host-node', 'packages/host-node'),
      project('vhd-format', 'packages/vhd-format'),
      project('vs-api', 'packages/vs-api'),
      project('emulator', 'emulator'),
      project('conformance', 'conformance'),
      project('cli', 'packages/cli', { include: ['src/**/*.test.ts', 'bench/**/*.test.ts'] }),
      project('scripts', 'scripts'),
    ],
  },
});
