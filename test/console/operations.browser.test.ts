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
import { browserSuite, buildConsole, CHROMIUM, CHROMIUM_ARGS, KEYS, startConsoleService, type ConsoleService } from './support.js';

const describeInBrowser = browserSuite('console operations browser tests');

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

  it('lets the unprofitable business client go the right way: steps first, notice and a provider, an executive approves, the scheduler terminates, won back later', async () => {
    await signIn(KEYS.operator);
    await enrol({ id: 'norte-it', name: 'Norte IT', segment: 'Business', plan: 'msp-gold', fee: '500' });
    await choose('Record a cost to serve');
    await formOf('record-cost').getByLabel('Amount').fill('900');
    await formOf('record-cost').getByLabel('Minutes spent').fill('240');
    await send('record-cost', 'Record a cost to serve');
    await recorded('Record a cost to serve', 'CostToServeRecorded');

    await choose('Open a case');
    await formOf('open-case').getByLabel('Kind').selectOption({ label: 'unprofitable' });
    await formOf('open-case').getByLabel('Summary').fill('Service visits cost more than the fee');
    await formOf('open-case').getByLabel('Case id').fill('norte-unprofitable');
    await send('open-case', 'Open a case');
    await page.getByRole('heading', { name: 'Case norte-unprofitable' }).waitFor();

    // Termination is the last resort: not on offer until each step is taken or skipped.
    const recommendOption = page.getByLabel('Choose an action').locator('option', { hasText: 'Recommend termination' });
    expect(await recommendOption.isDisabled()).toBe(true);
    expect(await page.locator('[data-blocked="recommend-termination"]').textContent()).toContain('Reassess, Educate, Renegotiate, Migrate');
    const steps: Array<[string, string, string]> = [
      ['Reassess', 'Visits are false alarms from a faulty sensor they will not replace', 'no change'],
      ['Educate', 'Walked the office manager through arming and the app', 'no change'],
      ['Renegotiate', 'Offered a plan with paid visits', 'declined'],
    ];
    for (const [step, notes, outcome] of steps) {
      await choose(`Take: ${step}`);
      await formOf('take-step').getByLabel('Notes').fill(notes);
      await formOf('take-step').getByLabel('Outcome').selectOption({ label: outcome });
      await send('take-step', `Take: ${step}`);
      await recorded(`Take: ${step}`, 'RemedyStepTaken');
      await page.locator(`li[data-step="${step.toLowerCase()}"].taken`).waitFor();
    }
    expect(await recommendOption.isDisabled()).toBe(true);
    await choose('Skip: Migrate');
    await formOf('skip-step').getByLabel('Justification').fill('No other plan or partner covers their sites');
    await send('skip-step', 'Skip: Migrate');
    await recorded('Skip: Migrate', 'RemedyStepSkipped');
    await page.locator('li[data-step="migrate"].skipped').waitFor();
    expect(await recommendOption.isDisabled()).toBe(false);

    // The form knows the notice a business client is owed (60 days) and that a provider must be named.
    const earliest = (await page.locator('[data-earliest]').getAttribute('data-earliest'))!;
    expect(earliest).toBe(dayOffset(60));
    await choose('Recommend termination');
    const recommend = formOf('recommend-termination');
    expect(await recommend.getByLabel('Effective date').inputValue()).toBe(earliest);
    await recommend.getByLabel('Reasons').fill('Cost to serve exceeded what the client paid\nA plan with paid visits was declined');
    await recommend.getByLabel('Effective date').fill(dayOffset(59));
    await send('recommend-termination', 'Recommend termination');
    await recommend.locator('[data-code="client-checks"]').waitFor();
    const fieldErrors = (await recommend.locator('.field-error').allTextContents()).join(' ');
    expect(fieldErrors).toContain(`Too little notice: the earliest allowed date is ${earliest} (60 days)`);
    expect(fieldErrors).toContain('Recommend another provider');
    // The service refuses the same, whoever sends it.
    const short = await api<{ code: string }>('POST', '/v1/cases/norte-unprofitable/termination-recommendation', KEYS.operator, { reasons: ['r'], effectiveDate: dayOffset(59), recommendedProvider: 'X', transitionSupport: true });
    expect([short.status, short.body.code]).toEqual([409, 'notice-too-short']);
    const noProvider = await api<{ code: string }>('POST', '/v1/cases/norte-unprofitable/termination-recommendation', KEYS.operator, { reasons: ['r'], effectiveDate: earliest, transitionSupport: true });
    expect([noProvider.status, noProvider.body.code]).toEqual([409, 'recommendation-required']);

    await recommend.getByLabel('Effective date').fill(earliest);
    await recommend.getByLabel('Recommended provider').fill('Soporte Norte S.L.');
    await send('recommend-termination', 'Recommend termination');
    await recorded('Recommend termination', 'TerminationRecommended');
    // An operator cannot approve: the page says who does, and the service refuses the operator.
    expect(await page.locator('[data-awaiting-approval]').textContent()).toContain('Only an executive approves a termination');
    expect(await page.getByRole('button', { name: 'Approve the termination' }).count()).toBe(0);
    const byOperator = await api<{ code: string }>('POST', '/v1/cases/norte-unprofitable/termination-approval', KEYS.operator, {});
    expect([byOperator.status, byOperator.body.code]).toEqual([403, 'forbidden']);
    await page.goto(`${service.baseUrl}/console/#/queues?queue=open-cases`);
    await page.locator('[data-queue-panel="open-cases"] tr', { has: page.locator('[data-case="norte-unprofitable"]') }).locator('[data-next-step="await-approval"]').waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();

    // The executive's inbox has the whole case on one page; one action approves.
    await signIn(KEYS.executive);
    const card = page.locator('article[data-case="norte-unprofitable"]');
    await card.locator('[data-reasons] li').first().waitFor();
    expect(await card.locator('[data-reasons] li').allTextContents()).toEqual(['Cost to serve exceeded what the client paid', 'A plan with paid visits was declined']);
    expect(await card.textContent()).toContain('Recommended provider: Soporte Norte S.L.');
    expect(await card.locator('li[data-step].taken').count()).toBe(3);
    expect(await card.locator('li[data-step].skipped').count()).toBe(1);
    await card.getByRole('button', { name: 'Approve the termination', exact: true }).click();
    const approved = page.locator('p[data-recorded][data-case="norte-unprofitable"]');
    await approved.waitFor();
    expect((await approved.getAttribute('data-recorded'))!.split(' ')).toEqual(expect.arrayContaining(['TerminationApproved', 'TerminationNoticeGiven']));
    await card.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Sign out' }).click();

    // The operator sees the notice on the client and drafts the letter from the case.
    await signIn(KEYS.operator, '#/clients/norte-it');
    await page.getByRole('heading', { name: 'Client Norte IT' }).waitFor();
    expect(await status()).toBe('Under notice');
    await page.goto(`${service.baseUrl}/console/#/cases/norte-unprofitable`);
    await page.getByRole('link', { name: 'Draft the notice letter' }).click();
    const letter = page.getByLabel('Notice letter');
    await letter.waitFor();
    const draft = await letter.inputValue();
    for (const part of ['Dear Norte IT,', '- Cost to serve exceeded what the client paid', '- A plan with paid visits was declined', 'we recommend Soporte Norte S.L.', 'documentation', 'Thank you']) expect(draft).toContain(part);
    await letter.fill(`${draft}\nP.S. Our technician will collect the equipment.`);
    expect(await page.locator('.letter-print').textContent()).toContain('P.S. Our technician will collect the equipment.');
    await page.getByLabel('Letter language').selectOption('es');
    expect(await page.getByLabel('Notice letter').inputValue()).toContain('Estimado/a Norte IT:');

    // The scheduler (the clock, in real life) terminates at the effective date; the client comes back later.
    const tick = await api<{ events: string[] }>('POST', '/v1/admin/tick', KEYS.admin, { now: `${earliest}T00:00:00Z` });
    expect(tick.body.events).toContain('SubscriberTerminated');
    await page.goto(`${service.baseUrl}/console/#/clients/norte-it`);
    await page.reload();
    await page.getByRole('heading', { name: 'Client Norte IT' }).waitFor();
    expect(await status()).toBe('Terminated');
    await choose('Reactivate (win back)');
    const reactivate = formOf('reactivate');
    expect(await reactivate.getByLabel('Plan code').inputValue()).toBe('msp-gold');
    // Business time after the termination the scheduler recorded at the effective date.
    await reactivate.getByLabel('Business time (UTC)').fill(`${dayOffset(90)}T09:00`);
    await send('reactivate', 'Reactivate (win back)');
    await recorded('Reactivate (win back)', 'SubscriberReactivated');
    expect(await status()).toBe('Active');
  }, 300_000);

  it('turns a cancellation around: retention case, usage analysed, a plan with both sides’ actions, agreed, cancellation withdrawn', async () => {
    await signIn(KEYS.operator);
    await enrol({ id: 'gomez-saas', name: 'Gómez Asesores', segment: 'Consumer', plan: 'saas-basic', fee: '49' });
    await choose('Request a cancellation');
    await formOf('request-cancellation').getByLabel('Reason').fill('Too expensive for what we use');
    await send('request-cancellation', 'Request a cancellation');
    await recorded('Request a cancellation', 'CancellationRequested', 'CaseOpened');
    await page.locator('a.chip', { hasText: 'retention' }).click();
    await page.getByRole('heading', { level: 1, name: /^Case / }).waitFor();

    await choose('Record the usage analysis');
    const analysis = formOf('analyze-usage');
    await analysis.getByLabel('Findings').fill('Only one of five users ever logged in; reports are never opened');
    await analysis.getByLabel('neglect').check();
    await analysis.getByLabel('unaware of features').check();
    await send('analyze-usage', 'Record the usage analysis');
    await recorded('Record the usage analysis', 'UsageAnalyzed');

    // The plan editor: a plan with only the provider's commitments is caught before sending.
    await choose('Propose the retention plan');
    const plan = formOf('propose-plan');
    await plan.getByLabel('What 1').fill('Two training sessions for the whole office');
    await plan.getByRole('button', { name: 'Remove' }).nth(1).click();
    await send('propose-plan', 'Propose the retention plan');
    await plan.locator('[data-code="client-checks"]').waitFor();
    expect(await plan.locator('.field-error').allTextContents()).toContain('Add at least one action the client commits to.');
    await plan.getByRole('button', { name: 'Add a client action' }).click();
    await plan.getByLabel('What 2').fill('Name a person who runs the monthly report');
    await plan.getByLabel('By 2').fill(dayOffset(30));
    await plan.getByLabel('Goodwill gesture').fill('One month at half price');
    await send('propose-plan', 'Propose the retention plan');
    await recorded('Propose the retention plan', 'RetentionPlanProposed');
    expect(await page.locator('#plan tbody tr').count()).toBe(2);

    await choose('Agree the plan');
    await formOf('agree-plan').getByLabel('Agreed by').fill('Laura Gómez');
    await send('agree-plan', 'Agree the plan');
    await recorded('Agree the plan', 'RetentionPlanAgreed', 'CancellationWithdrawn');
    const s = await subscriber('gomez-saas');
    expect(s['pendingCancellation']).toBeNull();
    expect(s['status']).toBe('active');

    await choose('Close the case');
    expect(await formOf('close-case').getByLabel('Outcome').inputValue()).toBe('retained');
    await send('close-case', 'Close the case');
    await recorded('Close the case', 'CaseClosed');
    await page.goto(`${service.baseUrl}/console/#/queues?queue=pending-cancellations`);
    await page.locator('[data-queue-panel="pending-cancellations"]').waitFor();
    expect(await page.locator('[data-queue-panel="pending-cancellations"] [data-client="gomez-saas"]').count()).toBe(0);
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
