/**
 * JSON Schemas (OpenAPI 3.1 = JSON Schema 2020-12) of what the read routes answer. Request bodies
 * and query strings are described from the validators themselves (validator-schema.ts); answers
 * have no validator, so they are declared here once, and test/openapi checks sampled real answers
 * against them. Answers may gain fields (readers ignore unknown ones), so these objects stay open.
 */
import { DOMAIN_VALUES, PERIOD_PATTERN } from '@libs/domain';
import { ENVELOPE_JSON_SCHEMA } from '../../feed/schemas.js';
import { arr, bool, count, date, instant, int, money, nextCursor, num, obj, oneOf, orNull, ref, str, type JsonSchema } from './json-schema.js';
import { ACCESS_LOG_SCHEMAS } from '../../audit/access-log-schema.js';
import { WORK_QUEUE_SCHEMAS } from '../../work-queues/work-queue-schemas.js';

const signedMoney = int({ description: 'integer minor units (cents); may be negative' });
const month = str({ pattern: PERIOD_PATTERN, example: '2026-01' });
const position = str({ pattern: '^(0|[1-9][0-9]*)$', description: 'global position, a decimal string', example: '1289' });
const ratio = orNull(num({ description: 'a ratio; null when its denominator is 0' }));
const segment = str({ enum: ['b2b', 'b2c'] });
const segmentFilter = str({ enum: ['all', 'b2b', 'b2c'] });
const plan = obj({ code: str(), monthlyFee: money, currency: str({ pattern: '^[A-Z]{3}$' }) });
const flags = arr(str({ enum: ['unprofitable', 'in_default', 'open_case'] }));

const caseKind = oneOf(DOMAIN_VALUES.caseKind);

const invoice = obj({
  invoiceId: str(),
  period: month,
  amount: money,
  dueDate: date,
  status: str({ enum: ['open', 'paid', 'missed', 'written_off'] }),
  owed: money,
  paid: money,
  writtenOff: money,
  issuedAt: instant,
  missedAt: orNull(instant),
  arrangedUntil: orNull(date),
  reminders: arr(obj({ tone: str({ enum: ['friendly', 'firm', 'final'] }), at: instant })),
});

const reportCurrency = orNull(str({ pattern: '^[A-Z]{3}$', description: 'the one currency every figure covers (null only before the first subscriber)' }));
const definitionsVersion = int({ minimum: 1, description: 'the definitions version these numbers follow (GET /v1/analytics/definitions)' });

const remedyStepRecord = obj({
  step: oneOf(DOMAIN_VALUES.remedyStep),
  taken: bool,
  outcome: orNull(oneOf(DOMAIN_VALUES.remedyOutcome)),
  notes: orNull(str()),
  justification: orNull(str({ description: 'why the step was skipped' })),
  at: instant,
});
const retentionAction = obj({ owner: oneOf(DOMAIN_VALUES.actionOwner), description: str(), dueDate: date });

const moneySummary = obj({ billed: money, collected: money, costToServe: money, margin: signedMoney, marginRatio: ratio });

/** Every answer body, by component name. */
export const RESPONSE_SCHEMAS: Record<string, JsonSchema> = {
  ...WORK_QUEUE_SCHEMAS,
  EventEnvelope: (({ $schema: _s, title: _t, ...rest }) => ({ ...rest, description: 'the one envelope of every event that leaves the service' }))(ENVELOPE_JSON_SCHEMA as JsonSchema),
  SubscriberView: obj(
    {
      subscriberId: str(),
      name: str(),
      segment,
      status: str({ enum: ['active', 'suspended', 'notice', 'terminated'] }),
      plan,
      currency: str({ pattern: '^[A-Z]{3}$' }),
      salesRepId: str(),
      qualification: obj({ needsService: bool, valuesService: bool, canPay: bool }),
      override: orNull(obj({ by: str(), justification: str() })),
      noticeDays: orNull(count),
      enrolledAt: instant,
      balance: money,
      overdue: money,
      consecutiveMissed: count,
      invoices: arr(invoice),
      arrangement: orNull(obj({ invoiceIds: arr(str()), payBy: date, agreedAt: instant })),
      totals: obj({ billed: money, paid: money, writtenOff: money, costToServe: money }),
      costs: arr(obj({ kind: str(), amount: money, minutes: orNull(count), at: instant })),
      complaintCount: count,
      pendingCancellation: orNull(obj({ reason: str(), requestedEffectiveDate: orNull(date), requestedAt: instant })),
      notice: orNull(
        obj({
          initiatedBy: oneOf(DOMAIN_VALUES.initiator),
          reasons: arr(str()),
          effectiveDate: date,
          recommendedProvider: orNull(str()),
          caseId: orNull(str({ description: 'the case whose approved recommendation this notice carries out' })),
          approvedBy: orNull(str()),
          givenAt: instant,
        }),
      ),
      suspension: orNull(
        obj({
          reason: oneOf(DOMAIN_VALUES.suspensionReason),
          since: instant,
          outstanding: money,
          writtenOff: bool,
        }),
      ),
      termination: orNull(obj({ kind: oneOf(DOMAIN_VALUES.terminationKind), reasons: arr(str()), effectiveDate: date, finalBalance: money, at: instant })),
      reactivations: count,
      lastOccurredAt: orNull(instant),
      version: int({ minimum: 0, description: 'stream version (the ETag)' }),
      openCases: arr(obj({ caseId: str(), kind: caseKind }, [], { description: 'an open case' })),
    },
    ['openCases'],
  ),
  CaseView: obj(
    {
      caseId: str(),
      subscriberId: str(),
      kind: caseKind,
      status: str({ enum: ['open', 'closed'] }),
      summary: str(),
      openedBy: str(),
      openedAt: instant,
      incidents: arr(obj({ description: str(), incidentAt: instant, documentedAt: instant })),
      remedySteps: obj(
        Object.fromEntries(DOMAIN_VALUES.remedyStep.map((step) => [step, orNull(remedyStepRecord)])),
        [],
        { description: 'the latest record of each remedy step; null = neither taken nor skipped yet' },
      ),
      analysis: orNull(obj({ findings: str(), causes: arr(oneOf(DOMAIN_VALUES.usageCause)), at: instant })),
      proposedPlan: orNull(obj({ actions: arr(retentionAction), goodwillGesture: orNull(str()), at: instant })),
      agreedPlan: orNull(obj({ actions: arr(retentionAction), goodwillGesture: orNull(str()), agreedBy: str(), at: instant })),
      rejection: orNull(obj({ reason: str(), effectiveDate: date, at: instant })),
      recommendation: orNull(
        obj({ reasons: arr(str()), effectiveDate: date, recommendedProvider: orNull(str()), transitionSupport: bool, at: instant }),
      ),
      approval: orNull(obj({ approvedBy: str(), at: instant })),
      closure: orNull(obj({ outcome: oneOf(DOMAIN_VALUES.caseOutcome), at: instant })),
      lastOccurredAt: orNull(instant),
      version: int({ minimum: 0, description: 'stream version (the ETag)' }),
    },
  ),
  SubscriberList: obj(
    {
      subscribers: arr(
        obj({
          subscriberId: str(),
          name: str(),
          segment,
          status: str(),
          plan,
          mrr: money,
          balance: money,
          salesRepId: str(),
          enrolledAt: instant,
          terminatedAt: orNull(instant),
          openCases: count,
          flags,
        }),
      ),
      nextCursor,
    },
    ['nextCursor'],
  ),
  CaseList: obj(
    {
      cases: arr(
        obj({
          caseId: str(),
          subscriberId: str(),
          kind: str(),
          status: str({ enum: ['open', 'closed'] }),
          summary: str(),
          openedBy: str(),
          openedAt: instant,
          closedAt: orNull(instant),
          outcome: orNull(str()),
          lastEventType: str(),
          lastEventAt: instant,
        }),
      ),
      nextCursor,
    },
    ['nextCursor'],
  ),
  ClientList: obj(
    {
      asOf: orNull(instant),
      currency: reportCurrency,
      definitionsVersion,
      clients: arr(
        obj({ subscriberId: str(), name: str(), segment, status: str(), salesRepId: str(), lifetime: moneySummary, trailing90Days: moneySummary, flags }),
      ),
      nextCursor,
    },
    ['nextCursor'],
  ),
  ChurnReport: obj({
    segment: segmentFilter,
    currency: reportCurrency,
    definitionsVersion,
    months: arr(
      obj({
        month,
        customersAtStart: count,
        new: count,
        reactivated: count,
        churned: obj({ voluntary: count, involuntary: count, migrated: count, total: count, fromStart: count }),
        customersAtEnd: count,
        customerChurnRate: ratio,
        startingCustomerChurnRate: ratio,
        mrrAtStart: money,
        mrrAtEnd: money,
        mrrLost: money,
        revenueChurnRate: ratio,
        mrrNew: money,
        mrrExpansion: money,
        mrrContraction: money,
        mrrReactivation: money,
        mrrSuspended: money,
        mrrReinstated: money,
        grossMrrChurnRate: ratio,
        netMrrChurnRate: orNull(num({ description: 'may be negative' })),
        netRevenueRetention: ratio,
        quickRatio: ratio,
      }),
    ),
  }),
  CohortsReport: obj({
    segment: segmentFilter,
    currency: reportCurrency,
    lastMonth: orNull(month),
    definitionsVersion,
    cohorts: arr(
      obj({
        cohort: month,
        customers: count,
        mrr: money,
        months: arr(obj({ offset: count, month, customersRetained: count, customerRetention: ratio, mrrRetained: money, netMrrRetention: ratio })),
      }),
    ),
  }),
  DefaultRateReport: obj({
    segment: segmentFilter,
    currency: reportCurrency,
    definitionsVersion,
    months: arr(
      obj({
        month,
        invoicesDue: count,
        amountDue: money,
        invoicesDefaulted: count,
        amountDefaulted: money,
        defaultRate: ratio,
        amountDefaultRate: ratio,
        invoicesRecovered: count,
        amountRecovered: money,
        amountWrittenOff: money,
        aging: obj({ '1-30': money, '31-60': money, '61-90': money, '90+': money }, [], { description: 'still owed at month end by days past due (minor units)' }),
      }),
    ),
  }),
  RevenueReport: obj({
    segment: segmentFilter,
    currency: reportCurrency,
    definitionsVersion,
    months: arr(
      obj({
        month,
        clientsBilled: count,
        billed: money,
        collected: money,
        costToServe: money,
        arpu: orNull(num()),
        collectedPerClient: orNull(num()),
        costPerClient: orNull(num()),
        marginPerClient: orNull(num()),
      }),
    ),
  }),
  SalesRepsReport: obj({
    segment: segmentFilter,
    currency: reportCurrency,
    definitionsVersion,
    months: arr(
      obj({
        month,
        reps: arr(
          obj({ salesRepId: str(), newSubscribers: count, newMrr: money, churnedWithin90Days: count, invoicesDue: count, invoicesDefaulted: count, defaultRate: ratio }),
        ),
      }),
    ),
  }),
  ForecastReport: obj({
    segment: segmentFilter,
    currency: reportCurrency,
    definitionsVersion,
    inputs: obj({
      segment: segmentFilter,
      currency: reportCurrency,
      asOf: orNull(instant),
      baseMonth: month,
      trailingMonths: arr(month),
      mrr: num(),
      revenueChurnRate: num(),
      newMrr: num(),
      netExpansion: num(),
      amountDefaultRate: num(),
    }),
    months: arr(obj({ month, mrr: num(), expectedCollections: num() })),
  }),
  EventHead: obj({ position }),
  AnalyticsDefinitions: obj({
    version: int({ minimum: 1, description: 'the definitions version (also X-Definitions-Version and definitionsVersion on every analytics answer)' }),
    metrics: arr(obj({ name: str({ example: 'churn.customerChurnRate' }), formula: str(), since: int({ minimum: 1 }) })),
  }),
  EventPage: obj({ events: arr(ref('EventEnvelope')), last: position }),
  History: obj({ events: arr(ref('EventEnvelope')) }),
  Integrity: obj(
    { streamId: str(), valid: bool, events: count, brokenAtVersion: int({ minimum: 0 }), reason: str(), headHash: str({ pattern: '^[0-9a-f]{64}$' }) },
    ['brokenAtVersion', 'reason', 'headHash'],
  ),
  Checkpoint: obj(
    {
      position: { ...position, description: 'head position of the log when signed: every event at or before it is covered' },
      at: instant,
      streams: count,
      headsRoot: str({ pattern: '^[0-9a-f]{64}$', description: "Merkle root over every stream's (streamId, version, hash) head, sorted by streamId (docs/auditors.md)" }),
      keyId: str({ pattern: '^[0-9a-f]{32}$', description: 'first 32 hex digits of the SHA-256 of the public key (DER SubjectPublicKeyInfo)' }),
      signature: str({ description: 'base64 Ed25519 signature of the canonical JSON of {at, headsRoot, keyId, position, streams}' }),
    },
    [],
    { description: 'a signed checkpoint: exactly what the audit CLI takes as --checkpoint <file>' },
  ),
  CheckpointPage: obj({ checkpoints: arr(ref('Checkpoint')), nextCursor }, ['nextCursor']),
  ...ACCESS_LOG_SCHEMAS,
  AuditPublicKeys: obj({
    signingKeyId: orNull(str({ pattern: '^[0-9a-f]{32}$' })),
    keys: arr(obj({ keyId: str({ pattern: '^[0-9a-f]{32}$' }), publicKey: str({ description: 'SPKI PEM' }), current: bool })),
  }),
  EventSchemas: obj({
    envelope: { type: 'object' },
    events: arr(obj({ type: str(), stream: str(), schemaVersion: int({ minimum: 1 }), current: bool, schema: { type: 'object' } }, ['stream', 'current'])),
    upcasting: arr(obj({ type: str(), fromVersion: int(), toVersion: int(), addedProperties: arr(str()), removedProperties: arr(str()) })),
    readers: str(),
  }),
  AsyncApiDocument: obj({
    asyncapi: str({ const: '3.0.0' }),
    info: { type: 'object' },
    servers: { type: 'object' },
    channels: { type: 'object' },
    operations: { type: 'object' },
    components: { type: 'object' },
  }),
  ProjectionList: obj({
    projections: arr(
      obj(
        {
          name: str(),
          status: str(),
          leader: bool,
          checkpoint: position,
          asOf: orNull(instant),
          lagEvents: count,
          lagCapped: bool,
          lagSeconds: num({ minimum: 0 }),
          lastError: str(),
          rebuild: { type: 'object' },
        },
        ['leader', 'lagCapped', 'lastError', 'rebuild'],
      ),
    ),
    relays: arr(ref('RelayStatus'), { description: 'each push relay sink (webhook subscription, broker relay) with its own checkpoint' }),
  }),
  RelayStatus: obj(
    {
      name: str({ description: "the sink's checkpoint name: webhook:<id>, relay:amqp, relay:nats" }),
      kind: str({ enum: ['webhook', 'broker'] }),
      status: str({ enum: ['running', 'retrying', 'paused', 'standby', 'stopped'], description: 'in this process: delivering, retrying an event, paused (failing webhook), another process holds it, or not run here' }),
      leader: bool,
      checkpoint: position,
      lagEvents: count,
      lagCapped: bool,
      lagSeconds: num({ minimum: 0 }),
      failures: count,
      lastError: str(),
      subscription: str({ enum: ['active', 'failing', 'disabled'] }),
    },
    ['lastError', 'subscription'],
  ),
  Webhook: obj({
    id: str({ format: 'uuid' }),
    url: str({ format: 'uri' }),
    types: orNull(arr(str())),
    stream: orNull(str()),
    description: orNull(str()),
    status: str({ enum: ['active', 'failing', 'disabled'] }),
    failingSince: orNull(instant),
    createdAt: instant,
    updatedAt: instant,
    previousSecretExpiresAt: orNull(instant),
    checkpoint: position,
    lagEvents: count,
    lagCapped: bool,
    lagSeconds: num({ minimum: 0 }),
    lastAttempt: orNull(ref('WebhookAttemptSummary')),
  }),
  WebhookAttemptSummary: obj({
    eventId: str(),
    position,
    attempt: int({ minimum: 1 }),
    statusCode: orNull(int()),
    error: orNull(str()),
    latencyMs: count,
    at: instant,
  }),
  WebhookCreated: {
    allOf: [ref('Webhook'), obj({ secret: str({ pattern: '^whsec_', description: 'the signing secret: shown only in this answer' }) })],
  },
  WebhookList: obj({ webhooks: arr(ref('Webhook')) }),
  WebhookSecret: obj({ id: str(), secret: str({ pattern: '^whsec_' }), previousSecretExpiresAt: instant }),
  WebhookAttemptPage: obj(
    {
      attempts: arr(
        obj({
          eventId: str(),
          position,
          attempt: int({ minimum: 1 }),
          statusCode: orNull(int()),
          error: orNull(str()),
          latencyMs: count,
          at: instant,
          responseExcerpt: orNull(str({ maxLength: 256 })),
        }),
      ),
      nextCursor,
    },
    ['nextCursor'],
  ),
  WebhookReplay: obj({ id: str(), checkpoint: position, previousCheckpoint: position }),
  RebuildAccepted: obj({ name: str(), status: str({ enum: ['rebuilding', 'requested'] }) }),
  TickResult: obj({ now: instant, subscribersExamined: count, commands: count, events: arr(str()) }, ['subscribersExamined']),
  Health: obj({ status: str({ enum: ['ok', 'error', 'shutting_down'] }), info: { type: 'object' }, error: { type: 'object' }, details: { type: 'object' } }, [
    'info',
    'error',
    'details',
  ]),
};
