/**
 * The code blocks of the READMEs, as the test that runs them reads them: which blocks run and
 * how, the `// =>` expectations of TypeScript blocks, and the transcripts of `console` blocks.
 *
 * - `ts`/`typescript`/`js`/`javascript` blocks of one README run as one ES module, in order;
 *   a line `expression; // => value` also checks that the expression equals the value.
 * - `sh`/`bash`/`shell` blocks run with bash (`set -e`) in a temporary folder, `vskit` on PATH.
 * - `console` blocks are transcripts: each `$ command` runs with bash in the README's folder,
 *   and what it prints (stdout and stderr) must match the lines below it (see {@link matches}).
 * - A block preceded by `<!-- not-run: reason -->` does not run; any other language that is
 *   code (`html`, ...) must carry that marker. Blocks without a language, or `text`, are text.
 * @module
 */

/** Languages whose blocks run as one ES module per README (TypeScript, types stripped). */
export const MODULE_LANGUAGES = ['ts', 'typescript', 'js', 'javascript', 'mjs'] as const;
/** Languages whose blocks run as bash scripts. */
export const SHELL_LANGUAGES = ['sh', 'bash', 'shell'] as const;
/** The language of transcripts: `$ command` lines and the output expected from them. */
export const TRANSCRIPT_LANGUAGE = 'console';
/** Languages of blocks that are text, not code: they never run. */
export const TEXT_LANGUAGES = ['', 'text', 'txt', 'json'] as const;

/** How a block is run. */
export type BlockKind = 'module' | 'shell' | 'transcript' | 'text' | 'unrunnable';

/** One fenced code block of a Markdown file. */
export interface CodeBlock {
  /** The fence's language (first word of the info string), lower case; `''` when none. */
  readonly language: string;
  /** The lines between the fences. */
  readonly code: string;
  /** The 1-based line of the first code line. */
  readonly line: number;
  /** The reason of a `<!-- not-run: reason -->` marker right before the fence, if any. */
  readonly notRun: string | undefined;
  /** How it runs, from its language. */
  readonly kind: BlockKind;
}

const NOT_RUN = /^<!--\s*not-run:\s*(.*?)\s*-->$/;

function kindOf(language: string): BlockKind {
  if ((MODULE_LANGUAGES as readonly string[]).includes(language)) return 'module';
  if ((SHELL_LANGUAGES as readonly string[]).includes(language)) return 'shell';
  if (language === TRANSCRIPT_LANGUAGE) return 'transcript';
  if ((TEXT_LANGUAGES as readonly string[]).includes(language)) return 'text';
  return 'unrunnable';
}

/** The fenced code blocks of `markdown`, in order. */
export function readBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^( *)(`{3,}|~{3,})\s*([^\s`]*)/.exec(lines[i] as string);
    if (open === null) continue;
    const indent = (open[1] as string).length;
    const fence = open[2] as string;
    const language = (open[3] as string).toLowerCase();
    let previous = i - 1;
    while (previous >= 0 && (lines[previous] as string).trim() === '') previous--;
    const marker = previous >= 0 ? NOT_RUN.exec((lines[previous] as string).trim()) : null;
    let end = i + 1;
    while (end < lines.length && !(lines[end] as string).trimStart().startsWith(fence)) end++;
    blocks.push({
      language,
      // A block inside a list item is indented with it: the indent is not code.
      code: lines
        .slice(i + 1, end)
        .map((text) => text.slice(Math.min(indent, text.length - text.trimStart().length)))
        .join('\n'),
      line: i + 2,
      notRun: marker === null ? undefined : (marker[1] as string),
      kind: kindOf(language),
    });
    i = end;
  }
  return blocks;
}

const EXPECTATION = /^(\s*)(.+?);\s*\/\/ => (.+)$/;

/**
 * The module blocks as one ES module: each `expression; // => value` line becomes a check that
 * the expression deep-equals the value (`__docExpect`, defined by `prelude`), naming `file` and
 * the line. Blocks are separated by a comment giving their first line.
 */
export function toModule(blocks: readonly CodeBlock[], file: string, prelude: string): string {
  const parts = [prelude];
  for (const block of blocks) {
    parts.push(`// ${file}:${block.line}`);
    block.code.split('\n').forEach((text, index) => {
      const expectation = EXPECTATION.exec(text);
      if (expectation === null) {
        parts.push(text);
        return;
      }
      const [, indent, expression, value] = expectation;
      const where = JSON.stringify(`${file}:${block.line + index}`);
      parts.push(`${indent}__docExpect(${expression}, ${value}, ${where});`);
    });
  }
  return `${parts.join('\n')}\n`;
}

/** One command of a transcript and the output shown under it. */
export interface TranscriptStep {
  /** The command, continuation lines (`\` at the end) joined. */
  readonly command: string;
  /** The output lines shown. */
  readonly expected: readonly string[];
}

/** The `$ command` steps of a `console` block. */
export function readTranscript(code: string): TranscriptStep[] {
  const steps: Array<{ command: string; expected: string[] }> = [];
  const lines = code.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.startsWith('$ ')) {
      let command = line.slice(2);
      while (command.endsWith('\\') && i + 1 < lines.length) command += `\n${lines[++i]}`;
      steps.push({ command, expected: [] });
    } else if (steps.length > 0) {
      steps[steps.length - 1]?.expected.push(line);
    } else if (line.trim() !== '') {
      throw new Error(`a console block must start with a $ command line, not ${line}`);
    }
  }
  return steps;
}

/** What varies from run to run, written the same way in the README and in the output. */
export function normalize(text: string): string {
  return text
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z/g, '<time>');
}

function lineMatches(pattern: string, actual: string): boolean {
  if (!pattern.includes('...')) return pattern === actual;
  const parts = pattern.split('...').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*')}$`).test(actual);
}

function trimLines(lines: readonly string[]): string[] {
  const out = lines.map((l) => l.trimEnd());
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}

/**
 * Whether `actual` output matches the `expected` lines of a transcript, after
 * {@link normalize}: line by line, trailing spaces and blank lines ignored; a line `...` stands
 * for any number of lines, and `...` inside a line for any text.
 */
export function matches(expected: readonly string[], actual: string): boolean {
  const want = trimLines(expected.map(normalize));
  const got = trimLines(normalize(actual).split('\n'));
  const match = (w: number, g: number): boolean => {
    if (w === want.length) return g === got.length;
    if (want[w] === '...') {
      for (let skip = g; skip <= got.length; skip++) if (match(w + 1, skip)) return true;
      return false;
    }
    return (
      g < got.length && lineMatches(want[w] as string, got[g] as string) && match(w + 1, g + 1)
    );
  };
  return match(0, 0);
}
