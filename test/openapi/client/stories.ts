/**
 * The seed stories (test/http/stories.test.ts) driven through a client generated from the OpenAPI
 * document: `generated/schema.d.ts` is written by test/openapi/openapi.test.ts with
 * openapi-typescript, and `tsc -p test/openapi/client` checks this file against it — a route,
 * field or answer that drifts from the document fails the type check, not only the run.
 */
import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './generated/schema.js';

export type LifecycleClient = Client<paths>;

/** A typed client for one API key. */
export function clientFor(baseUrl: string, key: string, fetchImpl?: typeof fetch): LifecycleClient {
  return createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${key}` }, ...(fetchImpl ? { fetch: fetchImpl } : {}) });
}

/** The JSON answer of a route that also speaks CSV or JSON Lines (the client types both). */
function json<T>(data: T | string | undefined): T {
  if (typeof data !== 'object' || data === null) throw new Error('story: expected a JSON answer');
  return data;
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(`story: ${message}`);
}

export interface StoryClients {
  operator: LifecycleClient;
  executive: LifecycleClient;
  admin: LifecycleClient;
  auditor: LifecycleClient;
  analyst: LifecycleClient;
}

/** 1. The alarm subscriber who stops paying: missed, reminded, suspended with the debt written off, reinstated. */
export async function alarmStory({ operator, admin, auditor }: StoryClients): Promise<void> {
  const id = 'client-alarm-1';
  const enrolled = await operator.POST('/v1/subscribers', {
    body: {
      subscriberId: id,
      name: 'Alarmas Pérez',
      segment: 'b2c',
      plan: { code: 'alarm-monitoring', monthlyFee: 30000, currency: 'USD' },
      salesRepId: 'rep-1',
      qualification: { needsService: true, valuesService: true, canPay: true },
      at: '2026-01-01T09:00:00Z',
    },
  });
  check(enrolled.response.status === 201 && enrolled.data?.id === id, `enrol answered ${enrolled.response.status}`);
  const invoice = await operator.POST('/v1/subscribers/{id}/invoices', {
    params: { path: { id } },
    body: { invoiceId: '2026-01', period: '2026-01', amount: 30000, dueDate: '2026-01-05', at: '2026-01-01T10:00:00Z' },
  });
  check(invoice.data?.events[0] === 'InvoiceIssued', 'invoice issued');

  const missed = await admin.POST('/v1/admin/tick', { body: { now: '2026-01-06T00:00:00Z' } });
  check(JSON.stringify(missed.data?.events) === JSON.stringify(['PaymentMissed', 'PaymentReminderSent']), `tick: ${JSON.stringify(missed.data)}`);
  const suspended = await admin.POST('/v1/admin/tick', { body: { now: '2026-01-20T00:00:00Z' } });
  check(JSON.stringify(suspended.data?.events) === JSON.stringify(['ServiceSuspended', 'DebtWrittenOff']), 'suspended by the scheduler');

  const state = await operator.GET('/v1/subscribers/{id}', { params: { path: { id } } });
  check(state.data?.status === 'suspended' && state.data.balance === 0, `state ${state.data?.status}`);
  const version = state.data!.version;

  const refused = await operator.POST('/v1/subscribers/{id}/invoices', {
    params: { path: { id } },
    body: { invoiceId: '2026-02', period: '2026-02', amount: 30000, dueDate: '2026-02-05', at: '2026-02-01T08:00:00Z' },
  });
  check(refused.response.status === 409 && refused.error?.code === 'no-billing-while-suspended', 'no billing while suspended');

  const back = await operator.POST('/v1/subscribers/{id}/reinstatement', {
    params: { path: { id }, header: { 'If-Match': `"${version}"` } },
    body: { reason: 'client came back and asked to be reconnected', at: '2026-03-02T10:00:00Z' },
  });
  check(back.data?.events[0] === 'ServiceReinstated', 'reinstated');
  const stale = await operator.POST('/v1/subscribers/{id}/complaints', {
    params: { path: { id }, header: { 'If-Match': `"${version}"` } },
    body: { category: 'billing', description: 'charged while suspended' },
  });
  check(stale.response.status === 412 && stale.error?.code === 'concurrency-conflict', `stale If-Match answered ${stale.response.status}`);

  const then = await auditor.GET('/v1/subscribers/{id}', { params: { path: { id }, query: { asOf: '2026-02-15T00:00:00Z' } } });
  check(then.data?.status === 'suspended', 'as of February: suspended');
  const history = await auditor.GET('/v1/subscribers/{id}/history', { params: { path: { id } } });
  check(json(history.data).events.length >= 5, 'history');
  const integrity = await auditor.GET('/v1/subscribers/{id}/integrity', { params: { path: { id } } });
  check(integrity.data?.valid === true, 'integrity');
}

/** 2. The unprofitable business client: remedy first, executive approval, notice, termination by the scheduler. */
export async function unprofitableStory({ operator, executive, admin }: StoryClients): Promise<void> {
  const id = 'client-msp-1';
  await operator.POST('/v1/subscribers', {
    body: {
      subscriberId: id,
      name: 'Talleres Gómez SL',
      segment: 'b2b',
      plan: { code: 'msp-pro', monthlyFee: 90000, currency: 'EUR' },
      salesRepId: 'rep-2',
      qualification: { needsService: true, valuesService: true, canPay: true },
      at: '2025-09-01T09:00:00Z',
    },
  });
  const cost = await operator.POST('/v1/subscribers/{id}/costs', {
    params: { path: { id } },
    body: { kind: 'service_visit', amount: 150000, minutes: 240, note: 'third on-site visit', at: '2026-01-10T10:00:00Z' },
  });
  check(JSON.stringify(cost.data?.events) === JSON.stringify(['CostToServeRecorded', 'CaseOpened']), 'a case opens');
  const subscriber = await operator.GET('/v1/subscribers/{id}', { params: { path: { id } } });
  const caseId = subscriber.data!.openCases![0]!.caseId;
  const path = { id: caseId };
  for (const [step, at] of [
    ['reassess', '2026-01-12T10:00:00Z'],
    ['educate', '2026-01-20T10:00:00Z'],
    ['renegotiate', '2026-01-27T10:00:00Z'],
  ] as const) {
    const taken = await operator.POST('/v1/cases/{id}/remedy-steps', { params: { path }, body: { step, notes: 'tried', outcome: 'no_change', at } });
    check(taken.response.status === 200, `remedy ${step}`);
  }
  await operator.POST('/v1/cases/{id}/remedy-steps', { params: { path }, body: { step: 'migrate', skipped: true, justification: 'no plan fits', at: '2026-02-01T10:00:00Z' } });
  const recommended = await operator.POST('/v1/cases/{id}/termination-recommendation', {
    params: { path },
    body: { reasons: ['cost to serve exceeds revenue after every remedy'], effectiveDate: '2026-04-15', recommendedProvider: 'Soporte Integral SA', transitionSupport: true, at: '2026-02-02T10:00:00Z' },
  });
  check(recommended.response.status === 200, 'recommended');
  const byOperator = await operator.POST('/v1/cases/{id}/termination-approval', { params: { path }, body: { at: '2026-02-03T10:00:00Z' } });
  check(byOperator.response.status === 403, 'operators may not approve');
  const approved = await executive.POST('/v1/cases/{id}/termination-approval', { params: { path }, body: { at: '2026-02-03T10:00:00Z' } });
  check(JSON.stringify(approved.data?.events) === JSON.stringify(['TerminationApproved', 'TerminationNoticeGiven']), 'approved');
  const terminated = await admin.POST('/v1/admin/tick', { body: { now: '2026-04-15T00:00:00Z' } });
  check(terminated.data?.events.includes('SubscriberTerminated') === true, 'terminated on the effective date');
  const kase = await operator.GET('/v1/cases/{id}', { params: { path } });
  check(kase.data?.kind === 'unprofitable', 'the case');
}

/** 3. A cancellation request: retention case, usage analysed, a two-sided plan agreed, cancellation withdrawn. */
export async function retentionStory({ operator, analyst }: StoryClients): Promise<void> {
  const id = 'client-isp-1';
  await operator.POST('/v1/subscribers', {
    body: {
      subscriberId: id,
      name: 'Lucía Martín',
      segment: 'b2c',
      plan: { code: 'isp-100', monthlyFee: 3000, currency: 'EUR' },
      salesRepId: 'rep-3',
      qualification: { needsService: true, valuesService: true, canPay: true },
      at: '2026-01-02T09:00:00Z',
    },
  });
  const request = await operator.POST('/v1/subscribers/{id}/cancellation-requests', {
    params: { path: { id } },
    body: { reason: 'the service is too slow', requestedEffectiveDate: '2026-02-28', at: '2026-01-15T10:00:00Z' },
  });
  check(JSON.stringify(request.data?.events) === JSON.stringify(['CancellationRequested', 'CaseOpened']), 'retention case');
  // The case list is a read model: read it after the command's position (read-your-writes).
  const open = await operator.GET('/v1/cases', { params: { query: { subscriberId: id, status: 'open', minPosition: request.data!.position } } });
  const caseId = json(open.data).cases[0]!.caseId;
  const path = { id: caseId };
  await operator.POST('/v1/cases/{id}/usage-analysis', { params: { path }, body: { findings: 'old router', causes: ['unaware_of_features'], at: '2026-01-16T10:00:00Z' } });
  await operator.POST('/v1/cases/{id}/retention-plan', {
    params: { path },
    body: {
      actions: [
        { owner: 'provider', description: 'replace the router free of charge', dueDate: '2026-01-25' },
        { owner: 'client', description: 'report speeds for two weeks', dueDate: '2026-02-10' },
      ],
      goodwillGesture: 'half price in February',
      at: '2026-01-17T10:00:00Z',
    },
  });
  const agreed = await operator.POST('/v1/cases/{id}/retention-plan/agreement', { params: { path }, body: { agreedBy: 'Lucía Martín', at: '2026-01-18T10:00:00Z' } });
  check(JSON.stringify(agreed.data?.events) === JSON.stringify(['RetentionPlanAgreed', 'CancellationWithdrawn']), 'cancellation withdrawn');
  const list = await analyst.GET('/v1/subscribers', { params: { query: { segment: 'b2c', limit: '1', minPosition: agreed.data!.position } } });
  check(json(list.data).subscribers.length === 1, 'one row per page');
  // The stories bill in USD and EUR: money is never summed across currencies, so the analyst names one.
  const churn = await analyst.GET('/v1/analytics/churn', { params: { query: { from: '2026-01', to: '2026-02', currency: 'EUR', minPosition: agreed.data!.position } } });
  check(json(churn.data).months.length === 2, 'churn months');
}
