/**
 * The HTML report in a real browser: Debian's Chromium, driven by playwright-core. `.ci/run` installs Chromium when
 * it can; without it this test skips and says so.
 */
import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatHtml } from '../src/reporters/html.js';
import { fixtureReport } from './helpers/fixtures.js';
import { waived } from './helpers/reports.js';

const CHROMIUM = '/usr/bin/chromium';
const present = existsSync(CHROMIUM);

const base = fixtureReport(['network-firewall/gap.rules', 'network-firewall/any-service.rules', 'network-firewall/obsolete-wlm.rules']);
const anyRule = base.findings.find((f) => f.check === 'any-rule')!;
const report = waived(base, '2025-01-01', { id: anyRule.id, justification: 'Migration <ticket 42>', approvedBy: 'CISO', expires: '2030-01-01' });
const count = (severity: string) => report.findings.filter((f) => f.severity === severity).length;

describe.skipIf(!present)(`HTML report in Chromium${present ? '' : ` (skipped: no ${CHROMIUM}; apt-get install chromium, as .ci/run does)`}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'edge-audit-html-'));
  const file = join(dir, 'report.html');
  const url = pathToFileURL(file).href;
  let browser: Browser;
  const problems: string[] = [];

  beforeAll(async () => {
    writeFileSync(file, formatHtml(report));
    // As root (CI containers) Chromium's sandbox cannot start; the page is our own file.
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  async function open(javaScriptEnabled = true, at = url): Promise<Page> {
    const page = await (await browser.newContext({ javaScriptEnabled, viewport: { width: 1280, height: 900 } })).newPage();
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('request', (r) => r.url() !== at && problems.push(`request: ${r.url()}`));
    await page.goto(at);
    return page;
  }

  it('renders the matrix coloured by status and every finding, runs its script under its own policy, and fetches nothing', async () => {
    const page = await open();
    await expect(page.locator('table.matrix tbody tr').count()).resolves.toBe(report.requirements.length);
    const background = (status: string) => page.locator(`tr.status-${status} td.status`).first().evaluate((td) => getComputedStyle(td).backgroundColor);
    const [missing, satisfied, stillOpen, closed] = await Promise.all(['missing', 'satisfied', 'obsolete-open', 'obsolete-closed'].map(background));
    expect(missing).not.toBe('rgba(0, 0, 0, 0)');
    expect(satisfied).not.toBe('rgba(0, 0, 0, 0)');
    expect(missing).not.toBe(satisfied);
    // An obsolete flow still open needs action as a missing one does; a closed one is as good as satisfied.
    expect([stillOpen, closed]).toEqual([missing, satisfied]);
    await expect(page.locator('details.finding').count()).resolves.toBe(report.findings.length);
    await expect(page.locator('#filter').isVisible()).resolves.toBe(true); // the script ran
    await expect(page.locator('details.finding .badge.waived').count()).resolves.toBe(1);
    await page.screenshot({ path: join(dir, 'report.png'), fullPage: true });
    expect(statSync(join(dir, 'report.png')).size).toBeGreaterThan(10_000);
    expect(problems).toEqual([]);
  }, 30_000);

  it('loads a report with no finding without a script error, and prints it', async () => {
    const clean = fixtureReport(['network-firewall/compliant.rules']);
    expect(clean.findings).toEqual([]);
    const cleanFile = join(dir, 'clean.html');
    writeFileSync(cleanFile, formatHtml(clean));
    const before = problems.length;
    const page = await open(true, pathToFileURL(cleanFile).href);
    await page.emulateMedia({ media: 'print' });
    await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
    await expect(page.locator('#filter').count()).resolves.toBe(0);
    expect(problems.slice(before)).toEqual([]);
  }, 30_000);

  it('expands a finding to its evidence', async () => {
    const page = await open();
    const first = page.locator('details.finding').first();
    const evidence = first.locator('pre.evidence');
    await expect(evidence.isVisible()).resolves.toBe(false);
    await first.locator('summary').click();
    await expect(evidence.isVisible()).resolves.toBe(true);
    await expect(evidence.innerText()).resolves.toContain(report.findings.find((f) => f.file === report.inputs[0]!.file)!.evidence[0]!.text);
  }, 30_000);

  it('filters findings by severity', async () => {
    const page = await open();
    const visible = (severity: string) => page.locator(`details.finding[data-severity="${severity}"]:visible`).count();
    expect(count('critical')).toBeGreaterThan(0);
    expect(count('high')).toBeGreaterThan(0);
    await expect(visible('critical')).resolves.toBe(count('critical'));
    await page.locator('#filter input[value="critical"]').uncheck();
    await expect(visible('critical')).resolves.toBe(0);
    await expect(visible('high')).resolves.toBe(count('high'));
    await page.locator('#filter input[value="high"]').uncheck();
    await expect(visible('high')).resolves.toBe(0);
    await page.locator('#filter input[value="critical"]').check();
    await expect(visible('critical')).resolves.toBe(count('critical'));
    await page.screenshot({ path: join(dir, 'filtered.png') });
  }, 30_000);

  it('shows everything without JavaScript, the filter being absent', async () => {
    const page = await open(false);
    await expect(page.locator('#filter').isVisible()).resolves.toBe(false);
    await expect(page.locator('details.finding:visible').count()).resolves.toBe(report.findings.length);
  }, 30_000);

  it('prints without the filter and with every finding open', async () => {
    const page = await open();
    await page.emulateMedia({ media: 'print' });
    await expect(page.locator('#filter').isVisible()).resolves.toBe(false);
    await expect(page.locator('pre.evidence:visible').count()).resolves.toBe(report.findings.filter((f) => f.evidence.length > 0).length);
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  }, 30_000);
});
