/**
 * Answers about subscribers and cases: their views (GET /v1/subscribers/{id}, /v1/cases/{id}) and
 * their lists. Merged into the document's components by response-schemas.ts.
 */
import { DOMAIN_VALUES } from '@libs/domain';
import { arr, bool, count, date, instant, int, money, nextCursor, obj, oneOf, orNull, str, type JsonSchema } from './json-schema.js';
import { caseKind, flags, month, plan, segment } from './response-fragments.js';

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

const remedyStepRecord = obj({
  step: oneOf(DOMAIN_VALUES.remedyStep),
  taken: bool,
  outcome: orNull(oneOf(DOMAIN_VALUES.remedyOutcome)),
  notes: orNull(str()),
  justification: orNull(str({ description: 'why the step was skipped' })),
  at: instant,
});
const retentionAction = obj({ owner: oneOf(DOMAIN_VALUES.actionOwner), description: str(), dueDate: date });

/** Subscriber and case answers, by component name. */
export const LIFECYCLE_SCHEMAS: Record<string, JsonSchema> = {
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
};
