/**
 * The table of operations: each route's operationId (the method name a generated client gets), its
 * success answer and the media types it negotiates. The document builder applies it; the OpenAPI
 * test fails on a route missing here, so a new route cannot ship undocumented. Keys are
 * `METHOD /path` as the document writes them; operationIds are stable — clients are built on them.
 */
export type Media = 'json' | 'json+csv' | 'json+ndjson' | 'sse' | 'text';

export interface OperationSpec {
  id: string;
  /** Component (response-schemas.ts, or a DTO) of the success body; absent = keep what the route declares. */
  ok?: string;
  media?: Media;
  /** For routes whose controller declares none. */
  summary?: string;
}

const command = (id: string): OperationSpec => ({ id });

export const OPERATIONS: Record<string, OperationSpec> = {
  'GET /health': { id: 'getHealth', ok: 'Health', summary: 'Readiness (same as /health/ready)' },
  'GET /health/live': { id: 'getLiveness', ok: 'Health', summary: 'Liveness: the process answers' },
  'GET /health/ready': { id: 'getReadiness', ok: 'Health', summary: 'Readiness: the event store answers and the projections keep up' },
  'GET /metrics': { id: 'getMetrics', media: 'text', summary: 'Prometheus metrics' },

  'POST /v1/subscribers': command('enrollSubscriber'),
  'GET /v1/subscribers': { id: 'listSubscribers', ok: 'SubscriberList', media: 'json+csv' },
  'GET /v1/subscribers/{id}': { id: 'getSubscriber', ok: 'SubscriberView' },
  'POST /v1/subscribers/{id}/invoices': command('issueInvoice'),
  'POST /v1/subscribers/{id}/payments': command('recordPayment'),
  'POST /v1/subscribers/{id}/missed-payments': command('recordMissedPayment'),
  'POST /v1/subscribers/{id}/reminders': command('sendPaymentReminder'),
  'POST /v1/subscribers/{id}/payment-arrangements': command('agreePaymentArrangement'),
  'POST /v1/subscribers/{id}/suspension': command('suspendService'),
  'POST /v1/subscribers/{id}/reinstatement': command('reinstateService'),
  'POST /v1/subscribers/{id}/debt-write-offs': command('writeOffDebt'),
  'POST /v1/subscribers/{id}/costs': command('recordCostToServe'),
  'POST /v1/subscribers/{id}/complaints': command('logComplaint'),
  'POST /v1/subscribers/{id}/plan-changes': command('changePlan'),
  'POST /v1/subscribers/{id}/migrations': command('migrateClient'),
  'POST /v1/subscribers/{id}/cancellation-requests': command('requestCancellation'),
  'POST /v1/subscribers/{id}/reactivation': command('reactivateSubscriber'),
  'GET /v1/subscribers/{id}/history': { id: 'getSubscriberHistory', ok: 'History', media: 'json+ndjson', summary: "Every event of the subscriber's stream, in order (auditor)" },
  'GET /v1/subscribers/{id}/integrity': { id: 'checkSubscriberIntegrity', ok: 'Integrity', summary: "Recompute the subscriber stream's hash chain (auditor)" },

  'POST /v1/cases': command('openCase'),
  'GET /v1/cases': { id: 'listCases', ok: 'CaseList', media: 'json+csv' },
  'GET /v1/cases/{id}': { id: 'getCase', ok: 'CaseView' },
  'POST /v1/cases/{id}/incidents': command('documentIncident'),
  'POST /v1/cases/{id}/remedy-steps': command('takeRemedyStep'),
  'POST /v1/cases/{id}/usage-analysis': command('analyzeUsage'),
  'POST /v1/cases/{id}/retention-plan': command('proposeRetentionPlan'),
  'POST /v1/cases/{id}/retention-plan/agreement': command('agreeRetentionPlan'),
  'POST /v1/cases/{id}/retention-plan/rejection': command('rejectRetentionPlan'),
  'POST /v1/cases/{id}/termination-recommendation': command('recommendTermination'),
  'POST /v1/cases/{id}/termination-approval': command('approveTermination'),
  'POST /v1/cases/{id}/closure': command('closeCase'),
  'GET /v1/cases/{id}/history': { id: 'getCaseHistory', ok: 'History', media: 'json+ndjson', summary: "Every event of the case's stream, in order (operator, auditor)" },
  'GET /v1/cases/{id}/integrity': { id: 'checkCaseIntegrity', ok: 'Integrity', summary: "Recompute the case stream's hash chain (auditor)" },

  'POST /v1/audit/checkpoints': { id: 'signCheckpoint', ok: 'Checkpoint' },
  'GET /v1/audit/checkpoints': { id: 'listCheckpoints', ok: 'CheckpointPage' },
  'GET /v1/audit/checkpoints/{id}': { id: 'getCheckpoint', ok: 'Checkpoint' },
  'GET /v1/audit/public-key': { id: 'getAuditPublicKeys', ok: 'AuditPublicKeys' },
  'GET /v1/audit/access-log': { id: 'listAccessLog', ok: 'AccessLogPage' },

  'POST /v1/admin/tick': { id: 'runSchedulerTick', ok: 'TickResult' },

  'GET /v1/events': { id: 'listEvents', ok: 'EventPage', summary: 'The event feed, one page after a position (service, auditor)' },
  'GET /v1/events/stream': { id: 'streamEvents', media: 'sse', summary: 'The event feed live, as Server-Sent Events (service)' },
  'GET /v1/events/head': { id: 'getEventsHead', ok: 'EventHead', summary: 'The position of the last event written: where a new reader may start live (service, auditor)' },
  'GET /v1/events/schemas': { id: 'getEventSchemas', ok: 'EventSchemas', summary: 'JSON Schema of every event type and version, the envelope and the upcasting rules (service)' },
  'GET /v1/events/asyncapi.json': { id: 'getAsyncApiDocument', ok: 'AsyncApiDocument', summary: 'AsyncAPI 3.0 document of the event surface: SSE, webhooks, RabbitMQ, NATS JetStream, with every event\'s JSON Schema (service)' },

  'GET /v1/analytics/churn': { id: 'getChurn', ok: 'ChurnReport', media: 'json+csv' },
  'GET /v1/analytics/default-rate': { id: 'getDefaultRate', ok: 'DefaultRateReport', media: 'json+csv' },
  'GET /v1/analytics/revenue-per-client': { id: 'getRevenuePerClient', ok: 'RevenueReport', media: 'json+csv' },
  'GET /v1/analytics/clients': { id: 'listClients', ok: 'ClientList', media: 'json+csv' },
  'GET /v1/analytics/sales-reps': { id: 'getSalesReps', ok: 'SalesRepsReport', media: 'json+csv' },
  'GET /v1/analytics/cohorts': { id: 'getCohorts', ok: 'CohortsReport', media: 'json+csv' },
  'GET /v1/analytics/definitions': { id: 'getAnalyticsDefinitions', ok: 'AnalyticsDefinitions', media: 'json+csv' },
  'GET /v1/analytics/forecast': { id: 'getForecast', ok: 'ForecastReport', media: 'json+csv' },

  'GET /v1/work-queues': { id: 'getWorkQueueCounts', ok: 'WorkQueueCounts' },
  'GET /v1/work-queues/approvals': { id: 'getApprovalsInbox', ok: 'ApprovalsQueue' },
  'GET /v1/work-queues/{queue}': { id: 'getWorkQueue', ok: 'WorkQueuePage' },

  'GET /v1/me': { id: 'getMe' },

  'GET /v1/projections': { id: 'listProjections', ok: 'ProjectionList' },
  'POST /v1/projections/{name}/rebuild': { id: 'rebuildProjection', ok: 'RebuildAccepted' },

  'POST /v1/webhooks': { id: 'createWebhook', ok: 'WebhookCreated' },
  'GET /v1/webhooks': { id: 'listWebhooks', ok: 'WebhookList' },
  'GET /v1/webhooks/{id}': { id: 'getWebhook', ok: 'Webhook' },
  'PATCH /v1/webhooks/{id}': { id: 'updateWebhook', ok: 'Webhook' },
  'DELETE /v1/webhooks/{id}': { id: 'deleteWebhook' },
  'POST /v1/webhooks/{id}/secret-rotation': { id: 'rotateWebhookSecret', ok: 'WebhookSecret' },
  'GET /v1/webhooks/{id}/attempts': { id: 'listWebhookAttempts', ok: 'WebhookAttemptPage' },
  'POST /v1/webhooks/{id}/replay': { id: 'replayWebhook', ok: 'WebhookReplay' },
};

/** Tags, in the order a reader meets them, with what they group. */
export const TAGS: Array<{ name: string; description: string }> = [
  { name: 'subscribers', description: 'Commands on a subscriber (enrol, bill, collect, suspend, migrate, cancel) and its state; the subscribers list.' },
  { name: 'cases', description: 'Managed interventions: open a case, document, remedy, retain or recommend termination, close; the cases list.' },
  { name: 'events', description: 'The lifecycle event feed: paged by position, live as Server-Sent Events, and every event schema.' },
  { name: 'audit', description: "A stream's full history (JSON or JSON Lines) and its hash-chain integrity; signed checkpoints of the whole log and their public keys; the access log of audit reads." },
  { name: 'analytics', description: 'Read models of domain.md §6 (churn, default rate, revenue, profitability, sales, forecast, signup cohorts) and their versioned definitions, as JSON or CSV.' },
  { name: 'work-queues', description: "The operator's work queues (in default, suspensions due, unprofitable without a case, open cases, pending cancellations, notices ending) and the executive's approvals inbox." },
  { name: 'projections', description: "Each read model's checkpoint, lag and rebuilds." },
  { name: 'webhooks', description: 'Push delivery: webhook subscriptions (Standard Webhooks signatures, in order, at least once), their secrets, attempts and replays.' },
  { name: 'admin', description: 'Operating the service: a scheduler pass as of an instant.' },
  { name: 'auth', description: 'Who the presented API key is, and its roles.' },
  { name: 'operations', description: 'Liveness, readiness and Prometheus metrics; public, no key.' },
];

/** The tag of a path. */
export function tagOf(path: string): string {
  if (path.startsWith('/health') || path === '/metrics') return 'operations';
  if (/\/(history|integrity)$/.test(path) || path.startsWith('/v1/audit')) return 'audit';
  const segment = path.split('/')[2] ?? '';
  const byPrefix: Record<string, string> = { subscribers: 'subscribers', cases: 'cases', events: 'events', analytics: 'analytics', projections: 'projections', admin: 'admin', me: 'auth', 'work-queues': 'work-queues', webhooks: 'webhooks' };
  return byPrefix[segment] ?? segment;
}
