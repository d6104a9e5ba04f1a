/// <reference lib="dom" />
/**
 * A work queue longer than one page (100 rows) in real Chromium: the operator sees the first page
 * and the count of the whole queue, and works through to the last row with "Show the next page";
 * the rows are the service's, in its order, none twice, none missing. The same for the executive's
 * approvals inbox: most of the open cases are abusive clients recommended for termination.
 */
import { chromium, type Browser } from 'playwright-core';
import { browserSuite, buildConsole, CHROMIUM, CHROMIUM_ARGS, KEYS, startConsoleService, type ConsoleService } from './support.js';

const describeInBrowser = browserSuite('console work-queue paging browser test');
const OPEN_CASES = 130;
/** Of the open cases, these are recommended for termination: more than one page of the approvals inbox. */
const AWAITING_APPROVAL = 105;

describeInBrowser('a work queue of more than one page in Chromium', () => {
  let built: ReturnType<typeof buildConsole>;
  let service: ConsoleService;
  let browser: Browser;

  beforeAll(async () => {
    built = buildConsole();
    service = await startConsoleService(built.dir, { subscribers: 0, months: 2 });
    const [month] = service.months as [string];
    for (let i = 0; i < OPEN_CASES; i++) {
      const id = `sub-${String(i).padStart(3, '0')}`;
      await service.command('/v1/subscribers', {
        subscriberId: id,
        name: `Cliente ${i}`,
        segment: 'b2c',
        plan: { code: 'alarm-300', monthlyFee: 30000, currency: 'EUR' },
        salesRepId: 'rep-ana',
        qualification: { needsService: true, valuesService: true, canPay: true },
        at: `${month}-01T09:00:00Z`,
      });
      if (i < OPEN_CASES - AWAITING_APPROVAL) {
        await service.command('/v1/cases', { caseId: `case-${id}`, subscriberId: id, kind: 'complaints', summary: 'Repeated complaints', at: `${month}-02T09:00:00Z` });
        continue;
      }
      // Abusive clients need neither remedy steps nor another provider before the recommendation.
      await service.command('/v1/cases', { caseId: `case-${id}`, subscriberId: id, kind: 'abusive', summary: 'Abuse of the support line', at: `${month}-02T09:00:00Z` });
      await service.command(`/v1/cases/case-${id}/termination-recommendation`, { reasons: ['threats to the support staff'], effectiveDate: '2030-01-31', transitionSupport: false, at: `${month}-03T09:00:00Z` });
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await service?.app.close();
    built?.dispose();
  });

  /** Every case id of a queue as the service pages it (its own cursor, 100 at a time): what the console must show, in order. */
  async function servedCaseIds(queue: string, key: string): Promise<string[]> {
    const served: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await fetch(`${service.baseUrl}/v1/work-queues/${queue}?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { headers: { Authorization: `Bearer ${key}` } });
      const body = (await res.json()) as { items: Array<{ caseId: string }>; nextCursor?: string };
      served.push(...body.items.map((item) => item.caseId));
      cursor = body.nextCursor;
    } while (cursor);
    return served;
  }

  it('given 130 open cases, when the operator opens the queue, then 100 show with the count 130, and the next page brings the other 30', async () => {
    const context = await browser.newContext({ locale: 'en-GB' });
    context.setDefaultTimeout(30_000);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await page.goto(`${service.baseUrl}/console/#/queues?queue=open-cases`);
      await page.getByLabel('API key').fill(KEYS.operator);
      await page.getByRole('button', { name: 'Sign in' }).click();
      const panel = page.locator('[data-queue-panel="open-cases"]');
      await panel.waitFor();
      await page.locator(`[data-queue="open-cases"][data-count="${OPEN_CASES}"]`).waitFor();
      expect(await panel.getAttribute('data-rows')).toBe('100');
      expect(await panel.locator('tbody tr').count()).toBe(100);

      await page.getByRole('button', { name: 'Show the next page' }).click();
      await page.locator(`[data-queue-panel="open-cases"][data-rows="${OPEN_CASES}"]`).waitFor();
      // The last page: no further button.
      expect(await page.getByRole('button', { name: 'Show the next page' }).count()).toBe(0);

      const shown = await panel.locator('tbody tr a[href*="#/cases/"]').evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).getAttribute('href')!));
      const served = await servedCaseIds('open-cases', KEYS.operator);
      expect(served).toHaveLength(OPEN_CASES);
      expect(new Set(served).size).toBe(OPEN_CASES);
      expect(shown.map((href) => decodeURIComponent(href.split('#/cases/')[1]!))).toEqual(served);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
  it('given 105 terminations awaiting approval, when the executive opens the inbox, then 100 show with "100+", and the next page brings the other 5', async () => {
    const context = await browser.newContext({ locale: 'en-GB' });
    context.setDefaultTimeout(30_000);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await page.goto(`${service.baseUrl}/console/#/approvals`);
      await page.getByLabel('API key').fill(KEYS.executive);
      await page.getByRole('button', { name: 'Sign in' }).click();
      const inbox = page.locator('[data-approvals][data-rows="100"]');
      await inbox.waitFor();
      await page.getByRole('link', { name: 'Approvals (100+)' }).waitFor();
      expect(await inbox.locator('article[data-case]').count()).toBe(100);

      await page.getByRole('button', { name: 'Show the next page' }).click();
      await page.locator(`[data-approvals][data-rows="${AWAITING_APPROVAL}"]`).waitFor();
      expect(await page.getByRole('button', { name: 'Show the next page' }).count()).toBe(0);

      const shown = await page.locator('[data-approvals] article[data-case]').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-case')!));
      const served = await servedCaseIds('approvals', KEYS.executive);
      expect(served).toHaveLength(AWAITING_APPROVAL);
      expect(new Set(served).size).toBe(AWAITING_APPROVAL);
      expect(shown).toEqual(served);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});
