import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createDifferencing, memoryFile, openImage } from '@vskit/vhd-format';
import { describe, expect, it } from 'vitest';
import { builtCliAndTempFolder, vskit, vskitOk } from './__fixtures__/cli-process.js';
import { printable, printableJson } from './printable.js';

/** Anything a terminal acts on, besides the line feeds that end lines. */
const ACTIVE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

describe('printable', () => {
  it('escapes ESC, CR, BEL, LF, DEL, C1 controls and bidirectional overrides', () => {
    expect(printable('a\x1b]0;title\x07b\rc\nd\x7fe\x9bf\u202eg')).toBe(
      'a\\x1b]0;title\\x07b\\x0dc\\x0ad\\x7fe\\x9bf\\u202eg',
    );
  });

  it('leaves printable text alone, backslashes and non-ASCII letters included', () => {
    const text = '..\\base\\p.vhd Ünïcødé 日本 ✓';
    expect(printable(text)).toBe(text);
    expect(printable(printable('\x1b'))).toBe('\\x1b');
  });
});

describe('printableJson', () => {
  it('escapes what JSON.stringify leaves raw, and the value parses back unchanged', () => {
    const value = { name: 'p\x1b\x9b\u202e\x7f.vhd', list: [1, 'two'] };
    const json = printableJson(JSON.stringify(value, null, 2));
    expect(ACTIVE.test(json)).toBe(false);
    expect(JSON.parse(json)).toEqual(value);
  });
});

describe('text from an image reaches the terminal escaped', () => {
  const tmp = builtCliAndTempFolder();
  const hostileName = 'p\x1b]0;pwned\x07\r\x1b[2J\x9b31m\u202e.vhd';
  const hostileLocator = '.\\q\x1b[2J\r\x07.vhd';

  /**
   * A child whose creator, parent name and W2ru locator hold terminal controls; its parent,
   * `p.vhd`, is found by the W2ku locator.
   */
  async function hostileChild(dir: string): Promise<string> {
    await mkdir(dir, { recursive: true });
    const parentPath = join(dir, 'p.vhd');
    await vskitOk(['create', 'dynamic', parentPath, '4MiB']);
    const parent = await openImage(memoryFile(await readFile(parentPath)));
    const child = memoryFile();
    await createDifferencing(child, {
      creatorApplication: 'v\x1bk ',
      parent: {
        footer: parent.footer,
        modified: new Date(),
        unicodeName: hostileName,
        relativePath: hostileLocator,
        absolutePath: `Z:${parentPath.replaceAll('/', '\\')}`,
      },
    });
    const childPath = join(dir, 'c.vhd');
    await writeFile(childPath, child.bytes());
    return childPath;
  }

  /** Runs each command line, expecting no terminal control on stdout or stderr. */
  async function runQuietly(commands: string[][]) {
    const results = [];
    for (const args of commands) {
      const result = await vskit(args);
      expect(ACTIVE.test(result.stdout.toString()), result.stdout.toString()).toBe(false);
      expect(ACTIVE.test(result.stderr), result.stderr).toBe(false);
      results.push(result);
    }
    return results;
  }

  it('in info and check, and their --json, of a chain that opens', async () => {
    const child = await hostileChild(join(tmp.dir, 'opens'));
    const [info, , , infoJson] = await runQuietly([
      ['info', child],
      ['check', child],
      ['check', child, '--json'],
      ['info', child, '--json'],
    ]);
    expect(info?.code).toBe(0);
    expect(info?.stdout.toString()).toContain('W2ru .\\q\\x1b[2J\\x0d\\x07.vhd');
    expect(info?.stdout.toString()).toContain('v\\x1bk  1.0');
    const layers = JSON.parse(infoJson?.stdout.toString() ?? '').layers;
    expect(layers[0].parent.unicodeName).toBe(hostileName);
  });

  it('in the PARENT_NOT_FOUND line and in check when the parent is gone', async () => {
    const dir = join(tmp.dir, 'gone');
    const child = await hostileChild(dir);
    await rm(join(dir, 'p.vhd'));
    const [cat, info, check, checkJson] = await runQuietly([
      ['cat', child],
      ['info', child],
      ['check', child],
      ['check', child, '--json'],
    ]);
    for (const result of [cat, info]) {
      expect(result?.stderr).toContain('vskit: PARENT_NOT_FOUND: ');
      expect(result?.stderr).toContain('.\\q\\x1b[2J\\x0d\\x07.vhd');
    }
    expect(check?.stdout.toString()).toContain('PARENT_NOT_FOUND');
    const problems = JSON.parse(checkJson?.stdout.toString() ?? '').problems;
    expect(problems.map((p: { message: string }) => p.message).join()).toContain(hostileLocator);
  });
});
