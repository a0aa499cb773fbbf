import { afterAll, beforeAll, expect, it } from 'vitest';
import { BROWSER_TIMEOUT_MS, describeInChromium, launchChromium } from './__fixtures__/chromium.js';
import { SAMPLE_REPORT } from './__fixtures__/sample-report.js';
import { pageStatus, renderHtml } from './html.js';
import { requirementGroup } from './junit.js';
import type { ConformanceReport } from './runner.js';

/** Text that would run script, add elements or break out of attributes if it were not escaped. */
const HOSTILE = `"'><script>window.pwned=1</script><img src=x onerror="window.pwned=2"><b class=evil>&amp;`;

const failure = SAMPLE_REPORT.requirements[1]?.counterexample;
if (failure === undefined) throw new Error('the sample has a failure');

const report: ConformanceReport = {
  ...SAMPLE_REPORT,
  subject: `demo ${HOSTILE}`,
  requirements: [
    { id: 'CDVHD.S_OK', text: 'success', status: 'pass', cases: 12, exercised: true },
    {
      id: 'CDVHD.E_DISK_FULL',
      text: `Less than 8 MB free gives E_DISK_FULL. ${HOSTILE}`,
      status: 'fail',
      cases: 3,
      exercised: true,
      counterexample: { ...failure, message: `expected E_DISK_FULL, got S_OK ${HOSTILE}` },
    },
    {
      id: 'CDVHD.remark.relative-image',
      text: 'relative',
      status: 'pass',
      cases: 4,
      exercised: true,
      chargedTo: 'CDVHD.E_DISK_FULL',
    },
    { id: 'GHD.type', text: 'type', status: 'pass', cases: 0, exercised: false },
    { id: 'GHD.S_OK', text: 'found', status: 'pass', cases: 9, exercised: true },
  ],
};

/** The page's window, typed by what the test reads of it (the package builds without DOM types). */
interface PageWindow {
  getComputedStyle(element: unknown): { userSelect: string };
  getSelection(): { toString(): string } | null;
  pwned?: number;
}

const replay = `vskit conformance --subject ./demo.mjs ${failure.replay}`;

describeInChromium('renderHtml read in headless Chromium', () => {
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  beforeAll(async () => {
    browser = await launchChromium();
  }, BROWSER_TIMEOUT_MS);
  afterAll(async () => {
    await browser?.close();
  });

  it("shows each requirement group with the report's pass, fail and n/a counts, each failure with its counterexample and a replay command to copy, escapes every text, and logs no error", async () => {
    const page = await browser.context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('request', (request) => {
      if (!request.url().startsWith('data:') && request.url() !== 'about:blank') {
        problems.push(`request to ${request.url()}`);
      }
    });
    await page.setContent(renderHtml(report, { command: 'vskit conformance' }), {
      waitUntil: 'load',
    });

    // the groups and counts shown are the report's
    const rows = await page.$$eval('#groups tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
    );
    const expected = [...new Set(report.requirements.map((r) => requirementGroup(r.id)))].map(
      (group) => {
        const rs = report.requirements.filter((r) => requirementGroup(r.id) === group);
        const n = (s: string) => String(rs.filter((r) => pageStatus(r) === s).length);
        return [group, n('pass'), n('fail'), n('n/a')];
      },
    );
    expect(rows).toEqual(expected);
    expect(expected).toEqual([
      ['CDVHD', '1', '1', '1'],
      ['GHD', '1', '0', '1'],
    ]);

    // the failure: its counterexample, and the replay command as one selectable block
    const cause = page.locator('section.cause[data-cause="CDVHD.E_DISK_FULL"]');
    expect(await cause.locator('pre.counterexample').textContent()).toContain(
      'C: NTFS (free one cluster short of 8 MiB)',
    );
    expect(await cause.locator('p.also').textContent()).toContain('CDVHD.remark.relative-image');
    const replayBlock = cause.locator('pre.replay');
    expect(await replayBlock.textContent()).toBe(replay);
    expect(
      await replayBlock.evaluate(
        (el) => (globalThis as unknown as PageWindow).getComputedStyle(el).userSelect,
      ),
    ).toBe('all');
    await replayBlock.click();
    expect(
      await page.evaluate(() => (globalThis as unknown as PageWindow).getSelection()?.toString()),
    ).toBe(replay);

    // hostile text shows as text: no script ran, no element was added
    expect(await page.evaluate(() => (globalThis as unknown as PageWindow).pwned)).toBeUndefined();
    expect(await page.locator('script, img, b.evil').count()).toBe(0);
    expect(await page.locator('h1').textContent()).toBe(`Conformance of demo ${HOSTILE}`);
    expect(await cause.locator('p.message').textContent()).toContain(HOSTILE);
    expect(await page.title()).toBe(`Conformance of demo ${HOSTILE}`);

    // to look at the page: VSKIT_SCREENSHOT=/tmp/report.png npx vitest run conformance/src/html.test.ts
    const shot = process.env.VSKIT_SCREENSHOT;
    if (shot !== undefined) await page.screenshot({ path: shot, fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });
});
