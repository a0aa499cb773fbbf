/**
 * Renders a {@link ConformanceReport} as one HTML page a person reads at a glance: the verdict,
 * a table of requirement groups with pass, fail and n/a counts, the failures by cause (smallest
 * counterexample first) with the counterexample and the replay command to copy, then every
 * requirement by group. Self-contained: inline CSS, no script, no request. Every text is escaped.
 * @module
 */
import { describeValue } from './_internal/describe-value.js';
import { replayCommand } from './_internal/replay.js';
import { escapeXml as text } from './_internal/xml.js';
import { requirementGroup, skipReason } from './junit.js';
import { type ConformanceReport, groupFailures, type RequirementResult } from './runner.js';

/** Options of {@link renderHtml}. */
export interface HtmlOptions {
  /** How the replay command starts (default `pnpm conformance`). */
  readonly command?: string;
}

/** How a requirement reads in the page: `pass`, `fail` or `n/a` (not shown to hold). */
export function pageStatus(r: RequirementResult): 'pass' | 'fail' | 'n/a' {
  if (r.status === 'fail') return 'fail';
  return skipReason(r) === undefined ? 'pass' : 'n/a';
}

const STYLE = `
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.5rem;margin:0 0 .3rem}h2{font-size:1.2rem;margin-top:2rem}
.verdict{font-weight:600;padding:.5rem .8rem;border-radius:.3rem;display:inline-block}
.ok{background:#e3f5e1;color:#17611a}.notok{background:#fde4e1;color:#8c1d10}
table{border-collapse:collapse;margin:.5rem 0}th,td{padding:.25rem .8rem;border-bottom:1px solid #ddd;text-align:right}
th:first-child,td:first-child{text-align:left}
.pass{color:#17611a}.fail{color:#b3261e;font-weight:600}.na{color:#8a6d00}
.cause{border-left:4px solid #b3261e;padding:.2rem 1rem;margin:1rem 0;background:#fbf7f6}
pre{background:#f3f3f3;padding:.5rem;overflow-x:auto;white-space:pre-wrap;word-break:break-all}
pre.replay{user-select:all;cursor:text;border:1px solid #ccc}
details{margin:.3rem 0}summary{cursor:pointer}
ul.reqs{list-style:none;padding-left:1rem}ul.reqs li{font-family:ui-monospace,monospace;font-size:13px}
`;

interface Counts {
  pass: number;
  fail: number;
  na: number;
}

function counts(rs: readonly RequirementResult[]): Counts {
  const c = { pass: 0, fail: 0, na: 0 };
  for (const r of rs) {
    const s = pageStatus(r);
    if (s === 'n/a') c.na++;
    else c[s]++;
  }
  return c;
}

function groupRow(name: string, c: Counts): string {
  return `<tr data-group="${text(name)}"><td>${text(name)}</td><td class="pass">${c.pass}</td><td class="fail">${c.fail}</td><td class="na">${c.na}</td></tr>`;
}

function causeSection(report: ConformanceReport, command: string): string[] {
  const groups = report.causes ?? groupFailures(report.requirements);
  if (groups.length === 0) return [];
  const out = ['<h2>Failures by cause, smallest counterexample first</h2>'];
  for (const [n, group] of groups.entries()) {
    const r = report.requirements.find((x) => x.id === group.cause);
    const ce = r?.counterexample;
    if (r === undefined || ce === undefined) continue;
    const others = group.ids.filter((id) => id !== group.cause);
    out.push(
      `<section class="cause" data-cause="${text(r.id)}">`,
      `<h3>${n + 1}. <span class="fail">FAIL</span> ${text(r.id)}</h3>`,
      `<p class="rule">Suspected rule: ${text(group.rule)}</p>`,
      others.length === 0
        ? ''
        : `<p class="also">Also failed through it (${others.length}): ${others.map(text).join(', ')}</p>`,
      `<p class="message">${text(ce.message)}</p>`,
      `<p>Counterexample (${text(ce.property)}):</p>`,
      `<pre class="counterexample">${text(describeValue(ce.value).join('\n'))}</pre>`,
      '<p>Replay:</p>',
      `<pre class="replay">${text(replayCommand(report, ce, command))}</pre>`,
      '</section>',
    );
  }
  return out;
}

function requirementList(name: string, rs: readonly RequirementResult[]): string {
  const items = rs.map((r) => {
    const s = pageStatus(r);
    const cls = s === 'n/a' ? 'na' : s;
    const why = skipReason(r);
    return `<li data-id="${text(r.id)}" data-status="${s}"><span class="${cls}">${s === 'n/a' ? 'n/a ' : s === 'fail' ? 'FAIL' : 'pass'}</span> ${text(r.id)} <small>${r.cases} cases${why === undefined ? '' : `; ${text(why)}`}</small><br><small>${text(r.text)}</small></li>`;
  });
  const open = rs.some((r) => r.status === 'fail') ? ' open' : '';
  return `<details${open}><summary>${text(name)}</summary><ul class="reqs">${items.join('')}</ul></details>`;
}

/** The report as a self-contained HTML page. */
export function renderHtml(report: ConformanceReport, options: HtmlOptions = {}): string {
  const command = options.command ?? 'pnpm conformance';
  const groups = new Map<string, RequirementResult[]>();
  for (const r of report.requirements) {
    const g = requirementGroup(r.id);
    groups.set(g, [...(groups.get(g) ?? []), r]);
  }
  const total = counts(report.requirements);
  const title = `Conformance of ${report.subject}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${text(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${text(title)}</h1>
<p class="verdict ${report.ok ? 'ok' : 'notok'}">${report.ok ? 'Every requirement passes' : `${total.fail} failing, ${total.na} not shown to hold`}</p>
<p class="summary">${total.pass}/${report.requirements.length} requirements pass, ${total.fail} fail, ${total.na} n/a; ${report.cases} cases in ${(report.durationMs / 1000).toFixed(1)} s (${report.casesPerSecond} cases/s); seed ${report.seed}, ${report.runs} runs per property${report.shard === undefined ? '' : `, shard ${report.shard.index}/${report.shard.count}`}</p>
<h2>Requirement groups</h2>
<table id="groups"><thead><tr><th>group</th><th>pass</th><th>fail</th><th>n/a</th></tr></thead><tbody>
${[...groups].map(([name, rs]) => groupRow(name, counts(rs))).join('\n')}
</tbody><tfoot>${groupRow('all', total).replace('<tr ', '<tr class="total" ')}</tfoot></table>
${causeSection(report, command).join('\n')}
<h2>Every requirement</h2>
${[...groups].map(([name, rs]) => requirementList(name, rs)).join('\n')}
</body>
</html>
`;
}
