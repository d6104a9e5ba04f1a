/// <reference lib="dom" />
/**
 * A company billing in two currencies: money is never summed across them, so the service asks
 * for one (400 currency-required listing them) and the console offers the choice instead of
 * failing — the dashboard, the clients list and the sales reps follow it, and so do the CSVs.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { browserSuite, buildConsole, CHROMIUM, CHROMIUM_ARGS, KEYS, startConsoleService, type ConsoleService } from './support.js';

const describeInBrowser = browserSuite('console currency browser test');

describeInBrowser('web console with two currencies, in Chromium', () => {
  let built: ReturnType<typeof buildConsole>;
  let service: ConsoleService;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const moneyRequests: string[] = [];

  beforeAll(async () => {
    built = buildConsole();
    // The simulated company bills in EUR; one client in USD beside it.
    service = await startConsoleService(built.dir, { subscribers: 12, months: 3 });
    const month = service.months.at(-1)!;
    await service.command('/v1/subscribers', {
      subscriberId: 'acme-us',
      name: 'Acme Monitoring US',
      segment: 'b2b',
      plan: { code: 'alarm-us', monthlyFee: 45000, currency: 'USD' },
      salesRepId: 'rep-usa',
      qualification: { needsService: true, valuesService: true, canPay: true },
      at: `${month}-02T09:00:00Z`,
    });
    await service.command('/v1/subscribers/acme-us/invoices', { invoiceId: `${month}-us`, period: month, amount: 45000, dueDate: `${month}-12`, at: `${month}-02T10:00:00Z` });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await service?.app.close();
    built?.dispose();
  });

  async function get(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`${service.baseUrl}${path}`, { headers: { Authorization: `Bearer ${KEYS.analyst}` } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  it('asks which currency, shows one at a time, and keeps the choice across screens and downloads', async () => {
    const from = service.months[0]!;
    const to = service.months.at(-1)!;
    // The API's side of it: without a currency the service refuses and lists both.
    const refused = await get(`/v1/analytics/churn?from=${from}&to=${to}&segment=all`);
    expect(refused.status).toBe(400);
    expect(refused.body['code']).toBe('currency-required');
    expect([...(refused.body['currencies'] as string[])].sort()).toEqual(['EUR', 'USD']);

    const context = await browser.newContext({ locale: 'en-GB', acceptDownloads: true });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('request', (r) => {
      if (r.url().includes('/v1/analytics/')) moneyRequests.push(r.url());
    });
    await page.goto(`${service.baseUrl}/console/`);
    await page.getByLabel('API key').fill(KEYS.analyst);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();

    // The dashboard does not stop at the refusal: it offers both and shows the first.
    const picker = page.getByLabel('Currency');
    await picker.waitFor({ timeout: 30_000 });
    expect(await picker.locator('option').allTextContents()).toEqual(refused.body['currencies']);
    const first = (refused.body['currencies'] as string[])[0]!;
    await page.locator('.kpi').first().waitFor({ timeout: 30_000 });
    await page.getByText(`Money in ${first}`).waitFor();
    expect(await page.locator('[role="alert"]').count()).toBe(0);

    // Switching asks the service for that currency alone.
    const other = first === 'EUR' ? 'USD' : 'EUR';
    moneyRequests.length = 0;
    await picker.selectOption(other);
    await page.getByText(`Money in ${other}`).waitFor({ timeout: 30_000 });
    await page.locator('.kpi').first().waitFor();
    expect(moneyRequests.length).toBeGreaterThan(0);
    for (const url of moneyRequests) expect(new URL(url).searchParams.get('currency')).toBe(other);

    // The CSV is the same currency's rows.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#mrr').getByRole('button', { name: 'Download CSV' }).click()]);
    const csv = await (await download.createReadStream()).toArray();
    const text = Buffer.concat(csv as Buffer[]).toString('utf8');
    expect(text).toContain(other);
    expect(text).not.toContain(first === 'EUR' ? ',EUR' : ',USD');

    // The clients list follows the same choice: in USD only the US client is there.
    await picker.selectOption('USD');
    await page.getByRole('link', { name: 'Clients' }).first().click();
    await page.getByRole('heading', { name: 'Clients' }).waitFor();
    await page.getByText('Acme Monitoring US').waitFor({ timeout: 30_000 });
    const usd = await get('/v1/analytics/clients?currency=USD&limit=1000');
    expect((usd.body['clients'] as unknown[]).length).toBe(1);
    expect(await page.locator('tbody tr').count()).toBe(1);
    await page.getByLabel('Currency').selectOption('EUR');
    await page.locator('tbody tr').nth(1).waitFor({ timeout: 30_000 });
    expect(await page.getByText('Acme Monitoring US').count()).toBe(0);

    await context.close();
    expect(pageErrors).toEqual([]);
  }, 180_000);
});
