import { describe, expect, it } from 'vitest';
import { SAMPLE_REPORT } from './__fixtures__/sample-report.js';
import { elements, parseXml } from './__fixtures__/xml-tree.js';
import { renderJunit } from './junit.js';
import type { ConformanceReport } from './runner.js';

const HOSTILE = 'a]]>b</failure><x a="1">&amp;\u0000\u001b[31m\'"\uD800 ✓ 😀';

const report: ConformanceReport = {
  ...SAMPLE_REPORT,
  unexercised: 1,
  requirements: [
    ...SAMPLE_REPORT.requirements,
    { id: 'GHD.type', text: 'type', status: 'pass', cases: 0, exercised: false },
    {
      id: 'STATE.free-space-exact',
      text: 'free space',
      status: 'pass',
      cases: 0,
      exercised: false,
      applicable: false,
    },
  ],
};

describe('renderJunit', () => {
  it('writes one testcase per requirement id, grouped in a testsuite per requirement group, with totals that match', () => {
    const root = parseXml(renderJunit(report));
    expect(root.name).toBe('testsuites');
    expect(root.attributes).toMatchObject({ tests: '4', failures: '1', skipped: '2', errors: '0' });
    expect(root.children.map((s) => s.name)).toEqual(['testsuite', 'testsuite', 'testsuite']);
    expect(root.children.map((s) => s.attributes.name)).toEqual(['CDVHD', 'GHD', 'STATE']);
    expect(root.children.map((s) => s.attributes.tests)).toEqual(['2', '1', '1']);
    const cases = root.children.flatMap((s) => s.children.filter((c) => c.name === 'testcase'));
    expect(cases.map((c) => c.attributes.name)).toEqual(report.requirements.map((r) => r.id));
    expect(cases.map((c) => c.attributes.classname)).toEqual([
      'conformance.CDVHD',
      'conformance.CDVHD',
      'conformance.GHD',
      'conformance.STATE',
    ]);
  });
  it('gives a failure its message, counterexample and the replay command, and an n/a its reason as skipped', () => {
    const root = parseXml(renderJunit(report, { command: 'vskit conformance' }));
    const failures = elements(root, 'failure');
    expect(failures).toHaveLength(1);
    expect(failures[0]?.attributes.message).toBe('expected E_DISK_FULL, got S_OK');
    const text = failures[0]?.text ?? '';
    expect(text).toContain('C: NTFS (free one cluster short of 8 MiB)');
    expect(text).toContain(
      'replay: vskit conformance --subject ./demo.mjs --seed 7 --path 3:1 --filter model.differencing',
    );
    const skipped = elements(root, 'skipped').map((s) => s.attributes.message);
    expect(skipped).toHaveLength(2);
    expect(skipped[0]).toMatch(/^not exercised/);
    expect(skipped[1]).toMatch(/^not applicable/);
  });
  it('stays well-formed, and keeps the text readable, when every text holds markup, quotes, controls and lone surrogates', () => {
    const hostile: ConformanceReport = {
      ...report,
      subject: HOSTILE,
      subjectModule: HOSTILE,
      requirements: report.requirements.map((r) =>
        r.counterexample === undefined
          ? { ...r, text: HOSTILE }
          : {
              ...r,
              text: HOSTILE,
              counterexample: { ...r.counterexample, message: HOSTILE, value: { s: HOSTILE } },
            },
      ),
    };
    const root = parseXml(renderJunit(hostile));
    expect(elements(root, 'x')).toHaveLength(0);
    expect(elements(root, 'failure')[0]?.text).toContain('a]]>b</failure><x a="1">&amp;');
    expect(elements(root, 'failure')[0]?.attributes.message).toBe(
      'a]]>b</failure><x a="1">&amp;\\u{0}\\u{1B}[31m\'"\\u{D800} ✓ 😀',
    );
    expect(root.attributes.name).toContain('</failure><x a="1">');
  });
});
