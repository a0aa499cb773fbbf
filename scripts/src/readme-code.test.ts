/**
 * Every code block of every README runs, so a README that stops working fails the tests (the
 * rules are in `doc-blocks.ts`). TypeScript runs through tsx against the built packages, as a
 * user's program would import them; shell blocks and transcripts run the built `vskit`.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../../packages/cli/src/__fixtures__/cli-process.js';
import { matches, normalize, readBlocks, readTranscript, toModule } from './doc-blocks.js';
import { packageDirs, readManifest, repoRoot } from './workspace.js';

/** The root README and each package's. */
const READMES = ['README.md', ...packageDirs.map((dir) => `${dir}/README.md`)];

/** Where transcripts say they run; the test's own folder stands in for it. */
const DEMO = '/tmp/demo';

/** Defines `__docExpect` for the `// =>` lines. */
const PRELUDE = `import { inspect as __docInspect, isDeepStrictEqual as __docEqual } from 'node:util';
function __docExpect(actual: unknown, expected: unknown, where: string): void {
  if (!__docEqual(actual, expected)) {
    throw new Error(\`\${where}: got \${__docInspect(actual)}, the README says \${__docInspect(expected)}\`);
  }
}`;

interface Ran {
  readonly code: number;
  readonly output: string;
}

/** Runs `file` with `args` in `cwd`; resolves with the exit status and stdout + stderr. */
function runIn(
  cwd: string,
  file: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, env, maxBuffer: 64 * 2 ** 20 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

let root: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  await ensureBuilt();
  root = await realpath(await mkdtemp(join(tmpdir(), 'vskit-readme-')));
  // `vskit` on PATH is the built bin (the bundle, as installed).
  const bin = join(root, 'bin');
  await mkdir(bin);
  const vskit = join(bin, 'vskit');
  const entry = join(repoRoot, 'packages', 'cli', 'dist', 'vskit.cjs');
  await writeFile(vskit, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} "${entry}" "$@"\n`);
  await chmod(vskit, 0o755);
  // Programs import the workspace packages by name, from their built dist.
  await mkdir(join(root, 'node_modules', '@vskit'), { recursive: true });
  for (const dir of packageDirs) {
    await symlink(join(repoRoot, dir), join(root, 'node_modules', readManifest(dir).name));
  }
  env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` };
}, 300_000);

afterAll(() => (root ? rm(root, { recursive: true, force: true }) : undefined));

describe.each(READMES)('%s', (file) => {
  const blocks = readBlocks(readFileSync(join(repoRoot, file), 'utf8'));
  const runnable = blocks.filter((b) => b.notRun === undefined);
  const modules = runnable.filter((b) => b.kind === 'module');
  const shells = runnable.filter((b) => b.kind === 'shell');
  const transcripts = runnable.filter((b) => b.kind === 'transcript');
  const folder = () => join(root, file.replace(/[/.]/g, '-'));

  it('runs every code block, or says before it why not', () => {
    const unmarked = runnable.filter((b) => b.kind === 'unrunnable').map((b) => b.line);
    expect(unmarked, 'code blocks no runner takes need <!-- not-run: reason -->').toEqual([]);
    const reasonless = blocks.filter((b) => b.notRun === '').map((b) => b.line);
    expect(reasonless, 'a not-run marker gives its reason').toEqual([]);
  });

  if (modules.length > 0) {
    it('runs its TypeScript and JavaScript blocks as one program', async () => {
      const cwd = join(folder(), 'program');
      await mkdir(cwd, { recursive: true });
      const program = join(root, `${file.replace(/[/.]/g, '-')}.mts`);
      await writeFile(program, toModule(modules, file, PRELUDE));
      const tsx = join(repoRoot, 'node_modules', '.bin', 'tsx');
      const result = await runIn(cwd, tsx, [program], env);
      expect(result.code, result.output).toBe(0);
    });
  }

  if (shells.length > 0) {
    it('runs its shell blocks with vskit on PATH', async () => {
      const cwd = join(folder(), 'shell');
      await mkdir(cwd, { recursive: true });
      for (const block of shells) {
        const result = await runIn(cwd, 'bash', ['-e', '-o', 'pipefail', '-c', block.code], env);
        expect(result.code, `${file}:${block.line}\n${result.output}`).toBe(0);
      }
    });
  }

  if (transcripts.length > 0) {
    it(`prints what its console blocks show (run in a folder standing for ${DEMO})`, async () => {
      const cwd = join(folder(), 'demo');
      await mkdir(cwd, { recursive: true });
      for (const block of transcripts) {
        for (const step of readTranscript(block.code)) {
          const command = step.command.replaceAll(DEMO, cwd);
          const result = await runIn(cwd, 'bash', ['-c', `{ ${command}\n} 2>&1`], env);
          const output = result.output
            .replaceAll(cwd, DEMO)
            .replaceAll(cwd.replaceAll('/', '\\'), DEMO.replaceAll('/', '\\'));
          if (!matches(step.expected, output)) {
            const where = `${file}:${block.line}: $ ${step.command}`;
            expect(normalize(output).trimEnd(), where).toBe(
              normalize(step.expected.join('\n')).trimEnd(),
            );
            expect.fail(`${where}: the output does not match the README's ... lines`);
          }
        }
      }
    }, 300_000);
  }
});
