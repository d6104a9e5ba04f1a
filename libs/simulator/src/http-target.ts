/**
 * Drives a running service through its public HTTP contract (api.md v1) with the global `fetch`.
 */
import type { DomainCommand } from '@libs/domain';
import { TargetError, type SimActor, type SimCommandResult, type SimulationTarget, type SubscriberSnapshot } from './target.js';

export interface HttpTargetOptions {
  /** e.g. `http://localhost:3000` (no trailing `/v1`). */
  baseUrl: string;
  /** API key per role (`operator`, `executive`, `admin`); `admin` is used for any role without its own key. */
  keys: Partial<Record<string, string>>;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
}

interface Route {
  method: 'POST';
  path: string;
  body: Record<string, unknown>;
}

function without(data: Record<string, unknown>, ...keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) if (!keys.includes(k) && v !== undefined) out[k] = v;
  return out;
}

/** The route and body of a command (api.md "Commands"); throws for commands only the service itself issues. */
export function routeOf(command: DomainCommand): Route {
  const data = command.data as Record<string, unknown>;
  const sub = (suffix: string): Route => ({
    method: 'POST',
    path: `/v1/subscribers/${encodeURIComponent(String(data['subscriberId']))}/${suffix}`,
    body: without(data, 'subscriberId'),
  });
  const kase = (suffix: string, body?: Record<string, unknown>): Route => ({
    method: 'POST',
    path: `/v1/cases/${encodeURIComponent(String(data['caseId']))}/${suffix}`,
    body: body ?? without(data, 'caseId'),
  });
  switch (command.type) {
    case 'EnrollSubscriber':
      return { method: 'POST', path: '/v1/subscribers', body: without(data) };
    case 'IssueInvoice':
      return sub('invoices');
    case 'RecordPayment':
      return sub('payments');
    case 'RecordMissedPayment':
      return sub('missed-payments');
    case 'SendPaymentReminder':
      return sub('reminders');
    case 'AgreePaymentArrangement':
      return sub('payment-arrangements');
    case 'SuspendService':
      return sub('suspension');
    case 'ReinstateService':
      return sub('reinstatement');
    case 'WriteOffDebt':
      return sub('debt-write-offs');
    case 'RecordCostToServe':
      return sub('costs');
    case 'LogComplaint':
      return sub('complaints');
    case 'ChangePlan':
      return sub('plan-changes');
    case 'MigrateClient':
      return sub('migrations');
    case 'RequestCancellation':
      return sub('cancellation-requests');
    case 'ReactivateSubscriber':
      return sub('reactivation');
    case 'OpenCase':
      // api.md: the service records who opened the case from the caller's key, not from the body.
      return { method: 'POST', path: '/v1/cases', body: without(data, 'openedBy') };
    case 'DocumentIncident':
      return kase('incidents');
    case 'TakeRemedyStep':
      return kase('remedy-steps');
    case 'SkipRemedyStep':
      return kase('remedy-steps', { step: data['step'], skipped: true, justification: data['justification'], at: data['at'] });
    case 'AnalyzeUsage':
      return kase('usage-analysis');
    case 'ProposeRetentionPlan':
      return kase('retention-plan');
    case 'AgreeRetentionPlan':
      return kase('retention-plan/agreement');
    case 'RejectRetentionPlan':
      return kase('retention-plan/rejection');
    case 'RecommendTermination':
      return kase('termination-recommendation');
    case 'ApproveTermination':
      // The approver is the caller (the executive's key); the body carries only the business time.
      return kase('termination-approval', { at: data['at'] });
    case 'CloseCase':
      return kase('closure');
    case 'WithdrawCancellation':
    case 'GiveTerminationNotice':
    case 'TerminateSubscriber':
      throw new TargetError(`${command.type} has no public route: the service issues it itself`, 'no-route', undefined);
    default: {
      const unreachable: never = command;
      throw new TargetError(`unknown command ${(unreachable as { type: string }).type}`, 'no-route', undefined);
    }
  }
}

/** A {@link SimulationTarget} over the service's HTTP API. */
export class HttpTarget implements SimulationTarget {
  private readonly baseUrl: string;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly options: HttpTargetOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetchFn = options.fetch ?? fetch;
    if (!options.keys['admin'] && !options.keys['operator']) throw new RangeError('HttpTarget needs an admin or an operator key');
  }

  private keyFor(role: string): string {
    const key = this.options.keys[role] ?? this.options.keys['admin'] ?? (role === 'admin' ? undefined : this.options.keys['operator']);
    if (!key) throw new TargetError(`no API key for role ${role}`, 'no-key', undefined);
    return key;
  }

  private async request(method: 'GET' | 'POST', path: string, role: string, body?: unknown, headers: Record<string, string> = {}): Promise<unknown> {
    const res = await this.fetchFn(`${this.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.keyFor(role)}`,
        accept: 'application/json',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body !== undefined ? JSON.stringify(body) : null,
    });
    const text = await res.text();
    let json: unknown = undefined;
    if (text.length > 0) {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }
    if (!res.ok) {
      const problem = (json ?? {}) as { code?: unknown; detail?: unknown; title?: unknown };
      const detail = typeof problem.detail === 'string' ? problem.detail : typeof problem.title === 'string' ? problem.title : text.slice(0, 300);
      throw new TargetError(`${method} ${path} → ${res.status}: ${detail}`, typeof problem.code === 'string' ? problem.code : undefined, res.status);
    }
    return json;
  }

  async execute(command: DomainCommand, options: { actor: SimActor; idempotencyKey?: string }): Promise<SimCommandResult> {
    const route = routeOf(command);
    const headers: Record<string, string> = options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : {};
    const answer = (await this.request(route.method, route.path, options.actor.role, route.body, headers)) as Partial<SimCommandResult> | undefined;
    return {
      id: String(answer?.id ?? ''),
      version: Number(answer?.version ?? -1),
      position: String(answer?.position ?? ''),
      events: Array.isArray(answer?.events) ? answer.events.map(String) : [],
    };
  }

  async tick(now: string): Promise<unknown> {
    return this.request('POST', '/v1/admin/tick', 'admin', { now });
  }

  async openCases(subscriberId: string): Promise<Array<{ caseId: string; kind: string }>> {
    const answer = (await this.request('GET', `/v1/cases?subscriberId=${encodeURIComponent(subscriberId)}&status=open`, 'operator')) as {
      cases?: Array<{ caseId: string; kind: string; status?: string }>;
    };
    return (answer?.cases ?? []).filter((c) => c.status === undefined || c.status === 'open').map((c) => ({ caseId: c.caseId, kind: c.kind }));
  }

  async getSubscriber(subscriberId: string): Promise<SubscriberSnapshot> {
    return (await this.request('GET', `/v1/subscribers/${encodeURIComponent(subscriberId)}`, 'operator')) as SubscriberSnapshot;
  }
}
