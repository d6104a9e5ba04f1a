/// <reference lib="dom" />
/**
 * The web console in real Chromium against the real service: sign-in and roles, the analysts'
 * dashboard, clients and sales reps, a client's state as of an instant with its timeline and
 * integrity badge, a case, the live feed, both languages, and the session rules (a 401 sends back
 * to sign-in, sign-out forgets the key).
 */
import { readFileSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { SqlDatabase } from '@libs/sql';
import { SQL_DATABASE } from '../../apps/service/src/infrastructure/tokens.js';
import { browserSuite, buildConsole, CHROMIUM, CHROMIUM_ARGS, KEYS, startConsoleService, writeStory, type ConsoleService } from './support.js';

const describeInBrowser = browserSuite('console browser tests');

describeInBrowser('web console in Chromium', () => {
  let built: ReturnType<typeof buildConsole>;
  let service: ConsoleService;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let story: Awaited<ReturnType<typeof writeStory>>;
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    built = buildConsole();
    service = await startConsoleService(built.dir);
    story = await writeStory(service);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await service?.app.close();
    built?.dispose();
  });
  beforeEach(async () => {
    context = await browser.newContext({ locale: 'en-GB', acceptDownloads: true });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    // Chromium logs every 4xx/5xx fetch as "Failed to load resource": those are the refusals the
    // tests provoke on purpose; anything else logged as an error is the console's fault.
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) consoleErrors.push(m.text());
    });
  });
  afterEach(async () => {
    await context.close();
    expect(pageErrors).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  async function api<T>(path: string, key: string): Promise<T> {
    const res = await fetch(`${service.baseUrl}${path}`, { headers: { Authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  }

  async function signIn(key: string, hash = ''): Promise<void> {
    await page.goto(`${service.baseUrl}/console/${hash}`);
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  }

  it('serves the console at /console/ with long-lived hashed assets and an uncached page', async () => {
    const index = await fetch(`${service.baseUrl}/console/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const html = await index.text();
    const asset = /src="(\/console\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const js = await fetch(`${service.baseUrl}${asset}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const root = await fetch(`${service.baseUrl}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/console/');
  });

  it('refuses an unknown key, keeps the key out of the URL, and forgets it on sign-out', async () => {
    await page.goto(`${service.baseUrl}/console/`);
    await page.getByLabel('API key').fill('not-a-real-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'the key was refused' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);

    await signIn(KEYS.analyst);
    expect(page.url()).not.toContain(KEYS.analyst);
    expect(await page.evaluate(() => Object.values(sessionStorage))).toEqual([KEYS.analyst]);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });

  it('sends a refused key (401) back to the sign-in', async () => {
    await signIn(KEYS.analyst);
    await page.evaluate(() => sessionStorage.setItem('client-lifecycle.api-key', 'revoked-key-000'));
    await page.reload();
    await page.getByRole('alert').filter({ hasText: 'Sign in again' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });

  it('shows an analyst the four headline numbers, the charts with their tables, and CSV of the same rows', async () => {
    const started = Date.now();
    await signIn(KEYS.analyst);
    const kpis = page.locator('.kpi');
    await kpis.first().waitFor();
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await kpis.count()).toBe(4);
    const labels = await page.locator('.kpi-label').allTextContents();
    expect(labels).toEqual(['Customer churn rate', 'Default rate', 'ARPU', 'New sales']);
    for (const value of await page.locator('.kpi-value').allTextContents()) expect(value).toMatch(/\d/);
    // The figures are the API's, for the same month, formatted for the reader.
    const last = service.months.at(-1)!;
    const from = service.months[0]!;
    const churnApi = await api<{ months: Array<{ month: string; customerChurnRate: number | null }> }>(`/v1/analytics/churn?from=${from}&to=${last}&segment=all`, KEYS.analyst);
    const defaultApi = await api<{ months: Array<{ month: string; defaultRate: number | null }> }>(`/v1/analytics/default-rate?from=${from}&to=${last}&segment=all`, KEYS.analyst);
    const pct = (v: number | null | undefined) => (v === null || v === undefined ? '—' : new Intl.NumberFormat('en-GB', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(v));
    const shown = await page.locator('.kpi-value').allTextContents();
    expect(shown[0]).toBe(pct(churnApi.months.find((m) => m.month === last)?.customerChurnRate));
    expect(shown[1]).toBe(pct(defaultApi.months.find((m) => m.month === last)?.defaultRate));
    // Every chart draws (ECharts' SVG renderer) and has its table of numbers beneath.
    await page.locator('.chart svg').nth(4).waitFor();
    expect(await page.locator('.chart').count()).toBe(5);
    const month = service.months.at(-1)!;
    const monthLabel = new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${month}-01T00:00:00Z`));
    await page.locator('#mrr').getByText('Numbers as a table').click();
    await page.locator('#mrr-table').getByRole('cell', { name: monthLabel, exact: true }).waitFor();

    const download = page.waitForEvent('download');
    await page.locator('#churn').getByRole('button', { name: 'Download CSV' }).click();
    const file = await (await download).path();
    const csv = readFileSync(file, 'utf8');
    expect(csv.split('\n')[0]).toContain('month');
    expect(csv).toContain(month);

    // The segment control asks again, for b2b only.
    const b2b = page.waitForResponse((r) => r.url().includes('/v1/analytics/churn') && r.url().includes('segment=b2b'));
    await page.getByLabel('Segment').selectOption('b2b');
    expect((await b2b).status()).toBe(200);
    if (process.env['UPDATE_SCREENSHOTS']) {
      await page.getByLabel('Segment').selectOption('all');
      await page.setViewportSize({ width: 1280, height: 1000 });
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.locator('.chart svg').nth(1).waitFor();
      await page.screenshot({ path: 'docs/console.png' });
    }
  });

  it('lists every client with search, flags and sorting, and opens one', async () => {
    await signIn(KEYS.analystAuditor, '#/clients');
    const table = page.locator('table').first();
    await table.getByRole('link', { name: 'Alarmas Pérez' }).waitFor();
    const rows = await table.locator('tbody tr').count();
    expect(rows).toBeGreaterThan(20);
    await page.getByLabel('Search').fill('alarmas perez');
    await page.waitForFunction(() => document.querySelectorAll('table tbody tr').length === 1);
    await page.getByLabel('Search').fill('');
    const sorted = page.waitForResponse((r) => r.url().includes('/v1/analytics/clients') && r.url().includes('sort=billed'));
    await page.getByRole('button', { name: /^Billed/ }).click();
    expect((await sorted).status()).toBe(200);
    await page.getByRole('link', { name: 'Alarmas Pérez' }).click();
    await page.getByRole('heading', { name: /Client Alarmas Pérez/ }).waitFor();
  });

  it("tells an auditor the client's story in words, as of any instant, with the chain verified", async () => {
    await signIn(KEYS.auditor, `#/clients/${story.id}`);
    await page.getByRole('heading', { name: /Client Alarmas Pérez/ }).waitFor();
    await page.locator('[data-field="status"]').filter({ hasText: 'Suspended' }).waitFor();
    const timeline = page.locator('ol.timeline');
    await timeline.getByText(/Payment of €300\.00 received for invoice/).waitFor();
    await timeline.getByText(/Service suspended for non-payment; €300\.00 outstanding/).waitFor();
    await timeline.getByText(/€300\.00 written off/).waitFor();
    expect(await timeline.locator('li').first().textContent()).toMatch(/by key-[0-9a-f]{12} \(operator\)/);
    const history = await api<{ events: unknown[] }>(`/v1/subscribers/${story.id}/history`, KEYS.auditor);
    expect(await timeline.locator('li').count()).toBe(history.events.length);
    await page.locator('[data-integrity="valid"]').filter({ hasText: /Chain verified: \d+ events/ }).waitFor();

    // As of an instant before the suspension: the state then, and the later events greyed.
    await page.getByLabel(/As of/).fill(story.beforeSuspension.slice(0, 16));
    await page.getByRole('button', { name: 'As of', exact: true }).click();
    await page.locator('[data-field="status"]').filter({ hasText: 'Active' }).waitFor();
    expect(page.url()).toContain(`asOf=${encodeURIComponent(story.beforeSuspension)}`);
    await page.locator('li.after[data-type="ServiceSuspended"]').waitFor();
    expect(await page.locator('li.after[data-type="PaymentReceived"]').count()).toBe(0);

    // The raw envelope is there for whoever wants it.
    await timeline.locator('li').first().getByText('Raw envelope').click();
    expect(await timeline.locator('li').first().locator('pre').textContent()).toContain('"hash"');

    // History as JSON Lines.
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download history (JSON Lines)' }).click();
    const lines = readFileSync(await (await download).path(), 'utf8').trim().split('\n');
    expect(JSON.parse(lines[0]!).type).toBe('SubscriberEnrolled');
  });

  it('names the first broken version when the chain was altered behind the service', async () => {
    const db = service.app.get<SqlDatabase>(SQL_DATABASE);
    await service.command('/v1/subscribers', {
      subscriberId: 'tampered-1',
      name: 'Cuenta Alterada',
      segment: 'b2b',
      plan: { code: 'alarm-pro', monthlyFee: 90000, currency: 'EUR' },
      salesRepId: 'rep-ana',
      qualification: { needsService: true, valuesService: true, canPay: true },
      at: `${service.months.at(-1)}-02T09:00:00Z`,
    });
    await service.command('/v1/subscribers/tampered-1/invoices', { invoiceId: 'i-1', period: service.months.at(-1), amount: 90000, dueDate: `${service.months.at(-1)}-12`, at: `${service.months.at(-1)}-02T10:00:00Z` });
    await db.query(`UPDATE cl_events SET data = data || '{"amount": 1}'::jsonb WHERE stream_id = 'subscriber-tampered-1' AND version = 1`);
    await signIn(KEYS.auditor, '#/clients/tampered-1');
    await page.locator('[data-integrity="broken"]').filter({ hasText: 'Chain broken at version 1' }).waitFor();
  });

  it('shows a case with its remedy steps and timeline', async () => {
    await signIn(KEYS.auditor, `#/cases/${story.caseId}`);
    await page.getByRole('heading', { name: new RegExp(`Case ${story.caseId}`) }).waitFor();
    await page.locator('[data-step="reassess"].taken').filter({ hasText: 'no change' }).waitFor();
    await page.locator('[data-step="educate"].pending').waitFor();
    await page.getByText(/Case opened \(complaints\): Repeated complaints/).waitFor();
  });

  it('switches to Spanish, with money and dates in the Spanish way', async () => {
    await signIn(KEYS.auditor, `#/clients/${story.id}`);
    await page.getByLabel('Language').selectOption('es');
    await page.getByRole('button', { name: 'Cerrar sesión' }).waitFor();
    await page.getByText(/Pago de 300,00\s€ recibido para la factura/).waitFor();
    await page.getByText(/Servicio suspendido por impago/).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('es');
  });

  it('streams lifecycle events live, pausable, each linking to its client', async () => {
    await signIn(KEYS.auditor, '#/feed');
    await page.locator('[data-connection="connected"]').waitFor();
    await service.command(`/v1/subscribers/${story.id}/complaints`, { category: 'service', description: 'Live complaint one', at: `${service.months.at(-1)}-25T09:00:00Z` });
    const first = page.locator('ol.feed li', { hasText: 'Live complaint one' });
    await first.waitFor();
    expect(await page.locator('ol.feed li').count()).toBe(1);
    await first.getByRole('link', { name: story.id }).waitFor();

    await page.getByRole('button', { name: 'Pause' }).click();
    await service.command(`/v1/subscribers/${story.id}/complaints`, { category: 'service', description: 'Live complaint two', at: `${service.months.at(-1)}-26T09:00:00Z` });
    await page.getByText('Paused (1 waiting)').waitFor();
    expect(await page.locator('ol.feed li', { hasText: 'Live complaint two' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.locator('ol.feed li', { hasText: 'Live complaint two' }).waitFor();
  });

  it('offers only what the key may see and is usable from the keyboard', async () => {
    await signIn(KEYS.operator);
    const nav = page.getByRole('navigation');
    // Operators work from their queues (the count is every queue's rows) and enrol clients.
    await nav.getByRole('link', { name: /^Work queues \(\d+\)$/ }).waitFor();
    expect((await nav.getByRole('link').allTextContents()).map((l) => l.replace(/\d+/, 'n'))).toEqual(['Work queues (n)', 'Enrol', 'Cases']);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(KEYS.executive);
    await page.getByRole('navigation').getByRole('link', { name: /^Approvals \(\d+\+?\)$/ }).waitFor();
    expect(await page.getByRole('navigation').getByRole('link').count()).toBe(1);
    await page.getByRole('heading', { name: 'Approvals' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(KEYS.analyst);
    expect(await page.getByRole('navigation').getByRole('link').allTextContents()).toEqual(['Dashboard', 'Clients', 'Sales reps']);
    await page.getByRole('navigation').getByRole('link', { name: 'Sales reps' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Sales reps' }).waitFor();
    await page.locator('table tbody tr').first().waitFor();
    expect(await page.locator('table caption').first().textContent()).toBe('Sales reps');
  });

  it('says clearly what is wrong: a refused screen, an unknown client, a failed request', async () => {
    await signIn(KEYS.analyst, '#/cases');
    await page.getByRole('alert').filter({ hasText: 'Your key has no role that may see this' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(KEYS.auditor, '#/clients/nobody-here');
    await page.getByRole('alert').filter({ hasText: 'No client with id nobody-here' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.route('**/v1/analytics/churn?**', (route) =>
      route.fulfill({ status: 503, contentType: 'application/problem+json', body: JSON.stringify({ status: 503, code: 'store-unavailable', detail: 'the database is unavailable' }) }),
    );
    await signIn(KEYS.analyst);
    await page.getByRole('alert').filter({ hasText: 'the database is unavailable (store-unavailable)' }).waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Retry' }).waitFor();
  });

  it.each([360, 1920])('keeps its layout at %i px wide', async (width) => {
    await page.setViewportSize({ width, height: 900 });
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    await signIn(KEYS.admin);
    await page.locator('.chart svg').first().waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.goto(`${service.baseUrl}/console/#/clients/${story.id}`);
    await page.locator('ol.timeline li').first().waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.goto(`${service.baseUrl}/console/#/clients`);
    await page.locator('table tbody tr').first().waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
  });

  it('shows an empty store as empty, not as a blank page', async () => {
    const empty = await startConsoleService(built.dir, { subscribers: 0, months: 0 });
    try {
      await page.goto(`${empty.baseUrl}/console/`);
      await page.getByLabel('API key').fill(KEYS.analyst);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.locator('.kpi').first().waitFor();
      expect(await page.locator('.kpi-value').allTextContents()).toEqual(['—', '—', '—', '0']);
      await page.getByText('No data for this range yet.').first().waitFor();
      await page.goto(`${empty.baseUrl}/console/#/clients`);
      await page.getByText('0 clients shown').waitFor();
    } finally {
      await empty.app.close();
    }
  });
});
