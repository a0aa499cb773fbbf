import { describe, expect, it } from 'vitest';
import { matches, normalize, readBlocks, readTranscript, toModule } from './doc-blocks.js';

const FENCE = '```';

describe('readBlocks', () => {
  it('reads each fenced block with its language, first line, marker and kind', () => {
    const markdown = [
      '# Title',
      `${FENCE}ts`,
      'const a = 1;',
      FENCE,
      '<!-- not-run: needs a real volume -->',
      '',
      `${FENCE}sh`,
      'mount /dev/sdb1',
      FENCE,
      `${FENCE}`,
      'src/a.ts   layout',
      FENCE,
      `${FENCE}HTML`,
      '<p>',
      FENCE,
    ].join('\n');
    expect(readBlocks(markdown)).toEqual([
      { language: 'ts', code: 'const a = 1;', line: 3, notRun: undefined, kind: 'module' },
      {
        language: 'sh',
        code: 'mount /dev/sdb1',
        line: 8,
        notRun: 'needs a real volume',
        kind: 'shell',
      },
      { language: '', code: 'src/a.ts   layout', line: 11, notRun: undefined, kind: 'text' },
      { language: 'html', code: '<p>', line: 14, notRun: undefined, kind: 'unrunnable' },
    ]);
  });

  it('takes a block inside a list item without its indent, and a marker only right before', () => {
    const markdown = [
      '- item',
      '',
      '  <!-- not-run: why -->',
      `  ${FENCE}sh`,
      '  echo a',
      '    echo b',
      `  ${FENCE}`,
      '<!-- not-run: too far -->',
      'text between',
      `${FENCE}console`,
      '$ vskit --help',
      FENCE,
    ].join('\n');
    const [first, second] = readBlocks(markdown);
    expect(first).toMatchObject({ code: 'echo a\n  echo b', notRun: 'why' });
    expect(second).toMatchObject({ kind: 'transcript', notRun: undefined });
  });

  it('gives an empty reason for a marker without one', () => {
    expect(readBlocks(`<!-- not-run: -->\n${FENCE}sh\nx\n${FENCE}`)[0]?.notRun).toBe('');
  });
});

describe('toModule', () => {
  it('turns `expression; // => value` lines into checks naming the README line', () => {
    const [block] = readBlocks(
      `${FENCE}ts\nconst a = 1;\na + 1; // => 2\n  f(x);  // => { y: 1 }\n${FENCE}`,
    );
    const module = toModule(block ? [block] : [], 'README.md', '// prelude');
    expect(module).toBe(
      [
        '// prelude',
        '// README.md:2',
        'const a = 1;',
        '__docExpect(a + 1, 2, "README.md:3");',
        '  __docExpect(f(x), { y: 1 }, "README.md:4");',
        '',
      ].join('\n'),
    );
  });
});

describe('readTranscript', () => {
  it('splits $ commands from their output, joining continued lines', () => {
    expect(readTranscript('$ a \\\n  --b\nout 1\nout 2\n$ c\n')).toEqual([
      { command: 'a \\\n  --b', expected: ['out 1', 'out 2'] },
      { command: 'c', expected: [''] },
    ]);
  });

  it('refuses output before the first command', () => {
    expect(() => readTranscript('stray\n$ a')).toThrow(/must start with a \$ command/);
  });
});

describe('matches', () => {
  it('compares line by line, ignoring trailing spaces and blank lines', () => {
    expect(matches(['a', 'b'], 'a  \nb\n\n')).toBe(true);
    expect(matches(['a', 'b'], 'a\nc\n')).toBe(false);
    expect(matches(['a'], 'a\nb\n')).toBe(false);
  });

  it('reads ids and times as the same whatever their value', () => {
    expect(
      matches(
        ['id 0ffb4610-5da1-449b-86ba-645160d6142a at 2026-01-01T00:00:00.000Z'],
        'id 4f651a95-ba08-4ce0-8f32-cad9521f3f3e at 2027-11-29T00:39:10.000Z',
      ),
    ).toBe(true);
    expect(normalize('2026-01-01T00:00:00Z')).toBe('<time>');
  });

  it('takes a line `...` for any lines, and `...` in a line for any text', () => {
    expect(matches(['head', '...', 'tail'], 'head\nx\ny\ntail')).toBe(true);
    expect(matches(['head', '...', 'tail'], 'head\ntail')).toBe(true);
    expect(matches(['head', '...', 'tail'], 'head\nx')).toBe(false);
    expect(matches(['free  ... bytes)'], 'free  78.6 GiB (84413353984 bytes)')).toBe(true);
    expect(matches(['free  ... bytes)'], 'used  1 GiB (1 bytes)')).toBe(false);
    expect(matches(['a.b (c)'], 'aXb (c)')).toBe(false);
  });
});
