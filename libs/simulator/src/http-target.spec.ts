import { HttpTarget, routeOf } from './http-target.js';
import { classifyError, TargetError } from './target.js';

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

function fakeFetch(answer: (call: Call) => { status: number; body: unknown }) {
  const calls: Call[] = [];
  const fn = (async (url: string, init: { method: string; headers: Record<string, string>; body: string | null }) => {
    const call = { url, method: init.method, headers: init.headers, body: init.body === null ? undefined : JSON.parse(init.body) };
    calls.push(call);
    const a = answer(call);
    return new Response(a.body === undefined ? null : JSON.stringify(a.body), {
      status: a.status,
      headers: { 'content-type': a.status >= 400 ? 'application/problem+json' : 'application/json' },
    });
  }) as unknown as typeof fetch;
  return { fn, calls };
}

const at = '2024-03-01T09:00:00.000Z';
const ok = { status: 201, body: { id: 's1', version: 3, position: '42', events: ['PaymentReceived', 'ServiceReinstated'] } };

describe('HttpTarget', () => {
  it('posts each command to its api.md route with the body minus path ids', async () => {
    const { fn, calls } = fakeFetch(() => ok);
    const t = new HttpTarget({ baseUrl: 'http://svc:3000/', keys: { operator: 'op-key', executive: 'ex-key', admin: 'ad-key' }, fetch: fn });
    const answer = await t.execute(
      { type: 'RecordPayment', data: { subscriberId: 's1', invoiceId: 'inv-2024-03', amount: 2990, at } },
      { actor: { id: 'o', role: 'operator' }, idempotencyKey: 'k-1' },
    );
    expect(answer).toEqual(ok.body);
    expect(calls[0]).toMatchObject({
      url: 'http://svc:3000/v1/subscribers/s1/payments',
      method: 'POST',
      body: { invoiceId: 'inv-2024-03', amount: 2990, at },
    });
    expect(calls[0]!.headers['authorization']).toBe('Bearer op-key');
    expect(calls[0]!.headers['idempotency-key']).toBe('k-1');

    await t.execute({ type: 'ApproveTermination', data: { caseId: 'c1', approvedBy: 'exec', at } }, { actor: { id: 'e', role: 'executive' } });
    expect(calls[1]).toMatchObject({ url: 'http://svc:3000/v1/cases/c1/termination-approval', body: { at } });
    expect(calls[1]!.headers['authorization']).toBe('Bearer ex-key');
    expect(calls[1]!.headers['idempotency-key']).toBeUndefined();
  });

  it('maps every command the simulator sends to a route', () => {
    const routes: Array<[string, Record<string, unknown>, string, Record<string, unknown>]> = [
      ['EnrollSubscriber', { subscriberId: 's', name: 'n' }, '/v1/subscribers', { subscriberId: 's', name: 'n' }],
      ['IssueInvoice', { subscriberId: 's', invoiceId: 'i' }, '/v1/subscribers/s/invoices', { invoiceId: 'i' }],
      ['RecordMissedPayment', { subscriberId: 's', invoiceId: 'i' }, '/v1/subscribers/s/missed-payments', { invoiceId: 'i' }],
      ['SendPaymentReminder', { subscriberId: 's', tone: 'firm' }, '/v1/subscribers/s/reminders', { tone: 'firm' }],
      ['AgreePaymentArrangement', { subscriberId: 's', payBy: 'd' }, '/v1/subscribers/s/payment-arrangements', { payBy: 'd' }],
      ['SuspendService', { subscriberId: 's', reason: 'non_payment' }, '/v1/subscribers/s/suspension', { reason: 'non_payment' }],
      ['ReinstateService', { subscriberId: 's', reason: 'r' }, '/v1/subscribers/s/reinstatement', { reason: 'r' }],
      ['WriteOffDebt', { subscriberId: 's', invoiceIds: ['i'] }, '/v1/subscribers/s/debt-write-offs', { invoiceIds: ['i'] }],
      ['RecordCostToServe', { subscriberId: 's', kind: 'false_alarm' }, '/v1/subscribers/s/costs', { kind: 'false_alarm' }],
      ['LogComplaint', { subscriberId: 's', category: 'c' }, '/v1/subscribers/s/complaints', { category: 'c' }],
      ['ChangePlan', { subscriberId: 's', reason: 'upgrade' }, '/v1/subscribers/s/plan-changes', { reason: 'upgrade' }],
      ['MigrateClient', { subscriberId: 's', target: 'prepaid' }, '/v1/subscribers/s/migrations', { target: 'prepaid' }],
      ['RequestCancellation', { subscriberId: 's', reason: 'r' }, '/v1/subscribers/s/cancellation-requests', { reason: 'r' }],
      ['ReactivateSubscriber', { subscriberId: 's', plan: 'p' }, '/v1/subscribers/s/reactivation', { plan: 'p' }],
      ['OpenCase', { caseId: 'c', subscriberId: 's', kind: 'complaints' }, '/v1/cases', { caseId: 'c', subscriberId: 's', kind: 'complaints' }],
      ['DocumentIncident', { caseId: 'c', description: 'd' }, '/v1/cases/c/incidents', { description: 'd' }],
      ['TakeRemedyStep', { caseId: 'c', step: 'educate' }, '/v1/cases/c/remedy-steps', { step: 'educate' }],
      ['SkipRemedyStep', { caseId: 'c', step: 'educate', justification: 'j', at }, '/v1/cases/c/remedy-steps', { step: 'educate', skipped: true, justification: 'j', at }],
      ['AnalyzeUsage', { caseId: 'c', findings: 'f' }, '/v1/cases/c/usage-analysis', { findings: 'f' }],
      ['ProposeRetentionPlan', { caseId: 'c', actions: [] }, '/v1/cases/c/retention-plan', { actions: [] }],
      ['AgreeRetentionPlan', { caseId: 'c', agreedBy: 'a' }, '/v1/cases/c/retention-plan/agreement', { agreedBy: 'a' }],
      ['RejectRetentionPlan', { caseId: 'c', reason: 'r' }, '/v1/cases/c/retention-plan/rejection', { reason: 'r' }],
      ['RecommendTermination', { caseId: 'c', reasons: ['r'] }, '/v1/cases/c/termination-recommendation', { reasons: ['r'] }],
      ['CloseCase', { caseId: 'c', outcome: 'resolved' }, '/v1/cases/c/closure', { outcome: 'resolved' }],
    ];
    for (const [type, data, path, body] of routes) {
      const r = routeOf({ type, data } as never);
      expect([type, r.path, r.body]).toEqual([type, path, body]);
    }
    expect(() => routeOf({ type: 'TerminateSubscriber', data: { subscriberId: 's', at } })).toThrow(TargetError);
  });

  it('turns problem+json answers into errors with code and status: 409 is a refusal, 5xx a failure', async () => {
    const { fn } = fakeFetch((c) =>
      c.url.endsWith('/payments')
        ? { status: 409, body: { type: 'about:blank', title: 'Conflict', status: 409, detail: 'exceeds', code: 'overpayment' } }
        : { status: 503, body: { title: 'Unavailable', status: 503 } },
    );
    const t = new HttpTarget({ baseUrl: 'http://svc', keys: { admin: 'ad' }, fetch: fn });
    const refused = await t
      .execute({ type: 'RecordPayment', data: { subscriberId: 's', invoiceId: 'i', amount: 1, at } }, { actor: { id: 'o', role: 'operator' } })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TargetError);
    expect(refused).toMatchObject({ code: 'overpayment', status: 409 });
    expect(classifyError(refused)).toEqual({ kind: 'refusal', code: 'overpayment' });
    const failed = await t.tick(at).catch((e: unknown) => e);
    expect(failed).toMatchObject({ status: 503 });
    expect(classifyError(failed)).toMatchObject({ kind: 'failure', code: 'http-503' });
    // A 400 (the simulator sent something malformed) is a failure, not a refusal.
    expect(classifyError(new TargetError('bad', 'invalid-command', 400)).kind).toBe('failure');
  });

  it('ticks as admin, lists open cases and reads subscribers', async () => {
    const { fn, calls } = fakeFetch((c) =>
      c.url.includes('/v1/cases?')
        ? { status: 200, body: { cases: [{ caseId: 'c1', subscriberId: 's 1', kind: 'retention', status: 'open' }] } }
        : { status: 200, body: { now: at, events: ['PaymentMissed'] } },
    );
    const t = new HttpTarget({ baseUrl: 'http://svc', keys: { operator: 'op', admin: 'ad' }, fetch: fn });
    expect(await t.tick(at)).toEqual({ now: at, events: ['PaymentMissed'] });
    expect(calls[0]).toMatchObject({ url: 'http://svc/v1/admin/tick', method: 'POST', body: { now: at } });
    expect(calls[0]!.headers['authorization']).toBe('Bearer ad');
    expect(await t.openCases('s 1')).toEqual([{ caseId: 'c1', kind: 'retention' }]);
    expect(calls[1]!.url).toBe('http://svc/v1/cases?subscriberId=s%201&status=open');
    expect(calls[1]!.method).toBe('GET');
    expect(calls[1]!.headers['authorization']).toBe('Bearer op');
  });
});
