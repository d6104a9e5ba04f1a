/// <reference lib="dom" />
/**
 * The console's operations in real Chromium against the real service (issue 16): the three stories
 * of the seeds run through the browser by the role that does each step — the $300 alarm subscriber
 * who stops paying, the unprofitable business client let go the right way and won back, and a
 * cancellation turned around by a retention plan — plus a double submission that records once and
 * a stale form that gets the 412 path. Only the scheduler (the clock, in real life) is driven
 * through the API.
 */
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { buildConsole, CHROMIUM, CHROMIUM_ARGS, KEYS, startConsoleService, type ConsoleService } from './support.js';

if (!CHROMIUM) {
  if (process.env['CI']) throw new Error('Chromium is required in CI: apt-get install -y chromium');
  process.stderr.write('SKIPPED: console operations browser tests — no Chromium at /usr/bin/chromium\n');
}
const describeInBrowser = CHROMIUM ? describe : describe.skip;

const DAY = 86_400_000;
const dayOffset = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);
/** Generous: the machine running the suite is shared and loaded. */
const WAIT = { timeout: 30_000 };

describeInBrowser('web console operations in Chromium', () => {
  let built: ReturnType<typeof buildConsole>;
  let service: ConsoleService;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    built = buildConsole();
    service = await startConsoleService(built.dir, { subscribers: 12, months: 3 });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await service?.app.close();
    built?.dispose();
  });
  beforeEach(async () => {
    context = await browser.newContext({ locale: 'en-GB' });
    context.setDefaultTimeout(WAIT.timeout);
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    // Refusals the tests provoke are logged by Chromium as "Failed to load resource"; anything else is the console's fault.
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) consoleErrors.push(m.text());
    });
  });
  afterEach(async () => {
    await context.close();
    expect(pageErrors).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  async function api<T>(method: 'GET' | 'POST', path: string, key: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(`${service.baseUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as T };
  }
  const subscriber = async (id: string) => (await api<Record<string, unknown>>('GET', `/v1/subscribers/${id}`, KEYS.operator)).body;

  async function signIn(key: string, hash = ''): Promise<void> {
    await page.goto(`${service.baseUrl}/console/${hash}`);
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  }
  const formOf = (command: string): Locator => page.locator(`form[data-command="${command}"]`);
  async function choose(action: string): Promise<void> {
    await page.getByLabel('Choose an action').selectOption({ label: action });
  }
  async function send(command: string, title: string): Promise<void> {
    await formOf(command).getByRole('button', { name: title, exact: true }).click();
  }
  /** The panel's "Recorded: <title> — <events>" after the form closed. */
  async function recorded(title: string, ...events: string[]): Promise<void> {
    const banner = page.locator('p[data-recorded]').filter({ hasText: title });
    await banner.waitFor();
    const written = (await banner.getAttribute('data-recorded'))!.split(' ');
    for (const e of events) expect(written).toContain(e);
  }
  async function status(): Promise<string> {
    return (await page.locator('[data-field="status"]').textContent()) ?? '';
  }

  async function enrol(fields: { id: string; name: string; segment: 'Business' | 'Consumer'; plan: string; fee: string }): Promise<void> {
    await page.getByRole('link', { name: 'Enrol' }).click();
    const form = formOf('enrol');
    await form.getByLabel('Client id').fill(fields.id);
    await form.getByLabel('Name', { exact: true }).fill(fields.name);
    await form.getByLabel('Segment').selectOption({ label: fields.segment.toLowerCase() === 'business' ? 'business' : 'consumer' });
    await form.getByLabel('Sales rep').fill('rep-ana');
    await form.getByLabel('Plan code').fill(fields.plan);
    await form.getByLabel('Monthly fee').fill(fields.fee);
    await send('enrol', 'Enrol a client');
    await page.getByRole('link', { name: 'Enrolled: open the client' }).click();
    await page.getByRole('heading', { name: `Client ${fields.name}` }).waitFor();
  }

  it('runs the $300 alarm subscriber who stops paying: missed, reminded, suspended with the debt written off, refused an invoice, reinstated', async () => {
    await signIn(KEYS.operator);
    // The operator's home is the work queues, with the counts on the navigation.
    await page.getByRole('heading', { name: 'Work queues' }).waitFor();
    await expect(page.getByRole('link', { name: /^Work queues \(\d+\)$/ }).count()).resolves.toBe(1);

    // Enrolment asks the three qualification questions; a "no" needs who and why.
    await page.getByRole('link', { name: 'Enrol' }).click();
    const enrolForm = formOf('enrol');
    await enrolForm.getByLabel('Can the client pay for it?').selectOption('no');
    await expect(enrolForm.getByLabel('Override by (who)').isVisible()).resolves.toBe(true);
    await enrolForm.getByLabel('Can the client pay for it?').selectOption('yes');
    await expect(enrolForm.getByLabel('Override by (who)').count()).resolves.toBe(0);
    await enrol({ id: 'alarm-300', name: 'Alarmas Pérez Ruiz', segment: 'Consumer', plan: 'alarm-300', fee: '300' });
    expect(await status()).toBe('Active');

    await choose('Issue an invoice');
    const invoice = formOf('issue-invoice');
    await invoice.getByLabel('Invoice').fill('inv-1');
    await expect(invoice.getByLabel('Amount').inputValue()).resolves.toBe('300.00');
    await invoice.getByLabel('Due date').fill(dayOffset(-5));
    await send('issue-invoice', 'Issue an invoice');
    await recorded('Issue an invoice', 'InvoiceIssued');
    expect((await subscriber('alarm-300'))['balance']).toBe(30000);

    await choose('Record a missed payment');
    await send('record-missed-payment', 'Record a missed payment');
    await recorded('Record a missed payment', 'PaymentMissed');

    await choose('Send a payment reminder');
    await formOf('send-reminder').getByLabel('Tone').selectOption({ label: 'firm' });
    await send('send-reminder', 'Send a payment reminder');
    await recorded('Send a payment reminder', 'PaymentReminderSent');

    // The arrangement form refuses a pay-by beyond 30 days before sending anything.
    await choose('Agree a payment arrangement');
    await formOf('agree-arrangement').getByLabel('Pay by').fill(dayOffset(45));
    await send('agree-arrangement', 'Agree a payment arrangement');
    await formOf('agree-arrangement').locator('[data-code="client-checks"]').waitFor();
    await expect(formOf('agree-arrangement').locator('.field-error').first().textContent()).resolves.toContain('30 days');

    // The client shows in the in-default queue.
    await page.getByRole('link', { name: /^Work queues/ }).click();
    await page.locator('[data-queue-panel="in-default"] [data-client="alarm-300"]').waitFor();
    await page.locator('[data-queue-panel="in-default"] [data-client="alarm-300"]').click();
    await page.getByRole('heading', { name: 'Client Alarmas Pérez Ruiz' }).waitFor();

    await choose('Suspend the service');
    const suspend = formOf('suspend');
    await expect(suspend.getByLabel('Write the missed invoices off').isChecked()).resolves.toBe(true);
    await send('suspend', 'Suspend the service');
    await recorded('Suspend the service', 'ServiceSuspended', 'DebtWrittenOff');
    expect(await status()).toBe('Suspended');

    // Invoicing a suspended client: the rule is said before sending, and the refusal in words with its code.
    await choose('Issue an invoice');
    await formOf('issue-invoice').getByRole('note').filter({ hasText: 'debt must not pile up' }).waitFor();
    await formOf('issue-invoice').getByLabel('Invoice').fill('inv-2');
    await send('issue-invoice', 'Issue an invoice');
    const refusal = formOf('issue-invoice').locator('[data-code="no-billing-while-suspended"]');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain("A suspended client cannot be invoiced: debt must not pile up on a service that isn't delivered.");
    expect(await refusal.textContent()).toContain('no-billing-while-suspended');
    // The same refusal in Spanish.
    await page.getByLabel('Language').selectOption('es');
    await formOf('issue-invoice').locator('[data-code="no-billing-while-suspended"]').filter({ hasText: 'No se factura a un cliente suspendido' }).waitFor();
    await page.getByLabel('Idioma').selectOption('en');

    await choose('Reinstate the service');
    await formOf('reinstate').getByLabel('Reason').fill('Came back and asked to be reconnected');
    await send('reinstate', 'Reinstate the service');
    await recorded('Reinstate the service', 'ServiceReinstated');
    expect(await status()).toBe('Active');
    const s = await subscriber('alarm-300');
    expect(s).toMatchObject({ status: 'active', balance: 0, totals: { billed: 30000, writtenOff: 30000 } });
  }, 240_000);

  it('records a double-submitted form once, and retries a lost answer with the same key', async () => {
    await signIn(KEYS.operator, '#/clients/alarm-300');
    await page.getByRole('heading', { name: 'Client Alarmas Pérez Ruiz' }).waitFor();
    const before = (await subscriber('alarm-300'))['complaintCount'] as number;

    await choose('Log a complaint');
    await formOf('log-complaint').getByLabel('Category').fill('response time');
    await formOf('log-complaint').getByLabel('Description').fill('The patrol took 40 minutes');
    await formOf('log-complaint').getByRole('button', { name: 'Log a complaint', exact: true }).dblclick();
    await recorded('Log a complaint', 'ComplaintLogged');
    expect((await subscriber('alarm-300'))['complaintCount']).toBe(before + 1);

    // The service records the next one but its answer is lost on the way back: sending again
    // carries the same Idempotency-Key, so the service replays its answer and records nothing more.
    const keys: string[] = [];
    let dropped = false;
    await page.route('**/v1/subscribers/alarm-300/complaints', async (route) => {
      keys.push(route.request().headers()['idempotency-key'] ?? '');
      if (dropped) return route.continue();
      dropped = true;
      await route.fetch();
      return route.abort('connectionreset');
    });
    await choose('Log a complaint');
    await formOf('log-complaint').getByLabel('Category').fill('billing');
    await formOf('log-complaint').getByLabel('Description').fill('Charged twice in one month');
    await send('log-complaint', 'Log a complaint');
    await formOf('log-complaint').locator('[data-code="network-error"]').waitFor();
    await send('log-complaint', 'Log a complaint');
    await recorded('Log a complaint', 'ComplaintLogged');
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
    expect((await subscriber('alarm-300'))['complaintCount']).toBe(before + 2);
  }, 120_000);

  it('answers a stale form with "changed meanwhile", reloads the client, and records on the next send', async () => {
    await signIn(KEYS.operator, '#/clients/alarm-300');
    await page.getByRole('heading', { name: 'Client Alarmas Pérez Ruiz' }).waitFor();
    const shown = Number(await page.locator('dl.facts dd').last().textContent());
    await choose('Record a cost to serve');
    const form = formOf('record-cost');
    await form.getByLabel('Kind').selectOption({ label: 'false alarm' });
    await form.getByLabel('Amount').fill('45,5');
    // Someone else writes to the client meanwhile.
    const other = await api('POST', '/v1/subscribers/alarm-300/complaints', KEYS.operator, { category: 'other', description: 'phoned in meanwhile' });
    expect(other.status).toBe(200);
    await send('record-cost', 'Record a cost to serve');
    const stale = form.locator('[data-status="412"]');
    await stale.waitFor();
    expect(await stale.textContent()).toContain('Changed meanwhile');
    expect(await stale.getAttribute('data-code')).toBe('concurrency-conflict');
    // The client was reloaded: the page shows the new version, and the same values now go through.
    await page.locator('dl.facts dd').last().filter({ hasText: String(shown + 1) }).waitFor();
    await send('record-cost', 'Record a cost to serve');
    await recorded('Record a cost to serve', 'CostToServeRecorded');
    const s = await subscriber('alarm-300');
    expect((s['costs'] as Array<{ amount: number }>).at(-1)!.amount).toBe(4550);
  }, 120_000);
});
