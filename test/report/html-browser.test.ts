/**
 * The HTML report as a person sees it: rendered in Debian's headless Chromium (driven by playwright-core, which
 * never downloads a browser). Not skippable: when it runs without /usr/bin/chromium it fails and says how to install it.
 * `npm test` leaves it out on a machine without chromium and says so; CI always runs it (test/helpers/browser-test.ts).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html.js';
import { CHROMIUM } from '../helpers/browser-test.js';
import { failingRun } from './html-fixture.js';

const SCREENSHOT = join(tmpdir(), 'scim-check-html-report.png');
const SCREENSHOT_TOP = join(tmpdir(), 'scim-check-html-report-top.png');
const LAUNCH_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

describe('HTML report in headless Chromium', () => {
  let workDir: string;
  let context: BrowserContext;
  let page: Page;
  const networkRequests: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install -y chromium; .ci/run does this)`);
    }
    workDir = mkdtempSync(join(tmpdir(), 'scim-check-html-'));
    const reportFile = join(workDir, 'report.html');
    writeFileSync(reportFile, renderHtml(failingRun()));
    // launchPersistentContext is how playwright takes a fresh --user-data-dir.
    context = await chromium.launchPersistentContext(join(workDir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: LAUNCH_FLAGS,
      viewport: { width: 1200, height: 900 },
      offline: true,
    });
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      networkRequests.push(url);
      return route.abort();
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    await page.goto(pathToFileURL(reportFile).href, { waitUntil: 'load' });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('shows the verdict and the counts', async () => {
    expect((await page.locator('#verdict').innerText()).trim()).toBe('FAILED');
    expect(await page.locator('.counts li.failed .num').innerText()).toBe('2');
    expect(await page.title()).toContain('FAILED');
  });

  it('has one collapsed row per check', async () => {
    expect(await page.locator('details.check').count()).toBe(18);
    expect(await page.locator('details.check[open]').count()).toBe(0);
  });

  it('reveals the request and the failure when a failed check is expanded', async () => {
    const failed = page.locator('details.check', { hasText: 'okta-spec/duplicate-user' });
    const requestLine = failed.locator('.exchange .request .line');
    expect(await requestLine.isVisible()).toBe(false);
    await failed.locator('summary').click();
    expect(await failed.getAttribute('open')).not.toBeNull();
    expect(await requestLine.isVisible()).toBe(true);
    expect(await requestLine.innerText()).toContain('POST https://scim.example.test/scim/v2/Users');
    expect(await failed.locator('.failure .assertion').innerText()).toContain('status is 409');
    expect(await failed.locator('.exchange .response .http-status').innerText()).toBe('201');
  });

  it('draws both charts with a real size', async () => {
    for (const selector of ['svg.suite-chart', 'svg.latency-chart']) {
      const box = await page.locator(selector).boundingBox();
      expect(box, selector).not.toBeNull();
      expect(box!.width).toBeGreaterThan(300);
      expect(box!.height).toBeGreaterThan(40);
    }
    expect(await page.locator('svg.suite-chart .suite-row').count()).toBe(2);
    const rows = await page.locator('svg.latency-chart .latency-row').count();
    expect(rows).toBeGreaterThanOrEqual(6);
    const medianBar = await page.locator('svg.latency-chart .bar-median').first().boundingBox();
    expect(medianBar!.width).toBeGreaterThan(0);
  });

  it('lists the OIN readiness steps in order', async () => {
    const steps = page.locator('tr.oin-step');
    expect(await steps.count()).toBe(12);
    expect(await steps.nth(7).locator('.badge').innerText()).toMatch(/would fail/i);
    expect(await page.locator('.oin-verdict').innerText()).toContain('would fail');
  });

  it('filters rows by status with its own script (allowed by the CSP)', async () => {
    await page.locator('button[data-filter="failed"]').click();
    expect(await page.locator('details.check:visible').count()).toBe(2);
    await page.locator('button[data-filter="all"]').click();
    expect(await page.locator('details.check:visible').count()).toBe(18);
  });

  it('runs no injected markup, loads nothing from the network and logs no errors', async () => {
    expect(await page.evaluate(() => (globalThis as { __injected?: boolean }).__injected)).toBeUndefined();
    expect(await page.locator('.exchange img').count()).toBe(0);
    expect(networkRequests).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  it('takes a screenshot for a human to look at', async () => {
    await page.locator('details.check', { hasText: 'rfc-users/filter-timeout' }).locator('summary').click();
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    // The first screen at full resolution: verdict, suite picture, OIN readiness.
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: SCREENSHOT_TOP });
    expect(existsSync(SCREENSHOT)).toBe(true);
    expect(existsSync(SCREENSHOT_TOP)).toBe(true);
  });
});
