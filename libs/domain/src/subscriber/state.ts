/**
 * Subscriber state: what the rules need, folded from the stream by `evolveSubscriber` (`evolve.ts`).
 * States are immutable values (evolve returns a new one; nothing is mutated).
 */
import type {
  CostKind,
  Initiator,
  Plan,
  Qualification,
  ReminderTone,
  Segment,
  SuspensionReason,
  TerminationKind,
} from '../contracts/events.js';

export type SubscriberStatus = 'none' | 'active' | 'suspended' | 'notice' | 'terminated';
export type InvoiceStatus = 'open' | 'paid' | 'missed' | 'written_off';

export interface InvoiceState {
  readonly invoiceId: string;
  readonly period: string;
  readonly amount: number;
  readonly dueDate: string;
  readonly issuedAt: string;
  readonly status: InvoiceStatus;
  /** Received so far. */
  readonly paid: number;
  readonly writtenOff: number;
  /** Still owed: amount − paid − writtenOff. */
  readonly owed: number;
  /** When it was recorded missed (kept after it is paid: the default happened). */
  readonly missedAt: string | null;
  readonly reminders: ReadonlyArray<{ readonly tone: ReminderTone; readonly at: string }>;
  /** `payBy` of the payment arrangement covering it, if any. */
  readonly arrangedUntil: string | null;
}

export interface PaymentArrangement {
  readonly invoiceIds: readonly string[];
  readonly payBy: string;
  readonly agreedAt: string;
}

export interface TerminationNotice {
  readonly initiatedBy: Initiator;
  readonly reasons: readonly string[];
  readonly effectiveDate: string;
  readonly recommendedProvider: string | null;
  readonly caseId: string | null;
  readonly approvedBy: string | null;
  readonly givenAt: string;
}

export interface Suspension {
  readonly reason: SuspensionReason;
  readonly since: string;
  readonly outstanding: number;
  /** Debt was written off during this suspension: reinstatement is then the operator's decision. */
  readonly writtenOff: boolean;
}

export interface Termination {
  readonly kind: TerminationKind;
  readonly reasons: readonly string[];
  readonly effectiveDate: string;
  readonly finalBalance: number;
  readonly at: string;
}

export interface LedgerEntry {
  readonly amount: number;
  readonly at: string;
}

/** What every subscriber state has, enrolled or not: the ledger, the folds' counters. */
interface SubscriberLedger {
  readonly override: { readonly by: string; readonly justification: string } | null;
  /** Contractual notice days; null = the segment's default. */
  readonly noticeDays: number | null;
  readonly invoices: Readonly<Record<string, InvoiceState>>;
  /** Invoice ids in issue order. */
  readonly invoiceOrder: readonly string[];
  /** Σ owed over open and missed invoices; never negative. */
  readonly balance: number;
  readonly consecutiveMissed: number;
  /** The latest arrangement agreed (in force until the end of its payBy day). */
  readonly arrangement: PaymentArrangement | null;
  readonly payments: readonly LedgerEntry[];
  readonly costs: ReadonlyArray<LedgerEntry & { readonly kind: CostKind; readonly minutes: number | null }>;
  readonly totalBilled: number;
  readonly totalPaid: number;
  readonly totalWrittenOff: number;
  readonly totalCostToServe: number;
  readonly complaintCount: number;
  readonly pendingCancellation: { readonly reason: string; readonly requestedEffectiveDate: string | null; readonly requestedAt: string } | null;
  readonly notice: TerminationNotice | null;
  readonly suspension: Suspension | null;
  /** A migration to a partner not yet followed by the termination it implies. */
  readonly partnerMigration: { readonly partner: string; readonly caseId: string | null; readonly at: string } | null;
  /** Set while terminated. */
  readonly termination: Termination | null;
  readonly terminatedAt: string | null;
  readonly reactivations: number;
  readonly lastOccurredAt: string | null;
  /** Events folded so far (stream version + 1). */
  readonly eventCount: number;
}

/** Before SubscriberEnrolled: the application answers 404; every command but enrolment is refused. */
export interface UnenrolledSubscriber extends SubscriberLedger {
  readonly exists: false;
  readonly status: 'none';
  readonly subscriberId: null;
  readonly name: null;
  readonly segment: null;
  readonly plan: null;
  readonly salesRepId: null;
  readonly qualification: null;
  readonly enrolledAt: null;
  readonly customerSince: null;
}

/** From SubscriberEnrolled on (terminated included: a terminated subscriber keeps its record). */
export interface EnrolledSubscriber extends SubscriberLedger {
  readonly exists: true;
  readonly status: Exclude<SubscriberStatus, 'none'>;
  readonly subscriberId: string;
  readonly name: string;
  readonly segment: Segment;
  /** Current plan (changed by PlanChanged, ClientMigrated with toPlan, SubscriberReactivated). */
  readonly plan: Plan;
  readonly salesRepId: string;
  readonly qualification: Qualification;
  readonly enrolledAt: string;
  /**
   * Since when the subscriber has been a customer without a break: the enrolment, or the last
   * reactivation (kept while terminated; the status says whether it is still a customer).
   */
  readonly customerSince: string;
}

export type SubscriberState = UnenrolledSubscriber | EnrolledSubscriber;

export function initialSubscriberState(): UnenrolledSubscriber {
  return {
    exists: false,
    subscriberId: null,
    status: 'none',
    name: null,
    segment: null,
    plan: null,
    salesRepId: null,
    qualification: null,
    override: null,
    noticeDays: null,
    enrolledAt: null,
    customerSince: null,
    invoices: {},
    invoiceOrder: [],
    balance: 0,
    consecutiveMissed: 0,
    arrangement: null,
    payments: [],
    costs: [],
    totalBilled: 0,
    totalPaid: 0,
    totalWrittenOff: 0,
    totalCostToServe: 0,
    complaintCount: 0,
    pendingCancellation: null,
    notice: null,
    suspension: null,
    partnerMigration: null,
    termination: null,
    terminatedAt: null,
    reactivations: 0,
    lastOccurredAt: null,
    eventCount: 0,
  };
}
