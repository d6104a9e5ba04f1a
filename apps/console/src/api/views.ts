/**
 * Response bodies as the console reads them. Requests (paths, parameters, bodies) are typed from
 * the generated OpenAPI schema; the service's read routes do not all declare response schemas yet
 * (issue 14), so the bodies are written here, field for field as the service answers, and should
 * become aliases of `components['schemas']` once the document declares them.
 */
export type Segment = 'b2b' | 'b2c';
export type SegmentFilter = 'all' | Segment;
export type ClientFlag = 'unprofitable' | 'in_default' | 'open_case';

export interface Me {
  keyId: string;
  roles: Role[];
}
export type Role = 'operator' | 'executive' | 'analyst' | 'auditor' | 'service' | 'admin';

export interface ChurnMonth {
  month: string;
  customersAtStart: number;
  new: number;
  reactivated: number;
  churned: { voluntary: number; involuntary: number; migrated: number; total: number };
  customersAtEnd: number;
  customerChurnRate: number | null;
  mrrAtStart: number;
  mrrAtEnd: number;
  mrrLost: number;
  revenueChurnRate: number | null;
  mrrNew: number;
  mrrExpansion: number;
  mrrContraction: number;
}

export interface DefaultRateMonth {
  month: string;
  invoicesDue: number;
  amountDue: number;
  invoicesDefaulted: number;
  amountDefaulted: number;
  defaultRate: number | null;
  amountDefaultRate: number | null;
  invoicesRecovered: number;
  amountRecovered: number;
  amountWrittenOff: number;
  aging: { '1-30': number; '31-60': number; '61-90': number; '90+': number };
}

export interface RevenueMonth {
  month: string;
  clientsBilled: number;
  billed: number;
  collected: number;
  costToServe: number;
  arpu: number | null;
  collectedPerClient: number | null;
  costPerClient: number | null;
  marginPerClient: number | null;
}

/** Analytics answers may name their currency (one currency per answer); absent on older services. */
export interface MonthsAnswer<M> {
  segment: SegmentFilter;
  currency?: string;
  months: M[];
}

export interface MoneySummary {
  billed: number;
  collected: number;
  costToServe: number;
  margin: number;
  marginRatio: number | null;
}

export interface ClientRow {
  subscriberId: string;
  name: string;
  segment: Segment;
  status: string;
  salesRepId: string;
  currency?: string;
  lifetime: MoneySummary;
  trailing90Days: MoneySummary;
  flags: ClientFlag[];
}

export interface ClientsAnswer {
  asOf: string | null;
  currency?: string;
  clients: ClientRow[];
  nextCursor?: string | null;
}

export interface RepMonth {
  salesRepId: string;
  newSubscribers: number;
  newMrr: number;
  churnedWithin90Days: number;
  invoicesDue: number;
  invoicesDefaulted: number;
  defaultRate: number | null;
}

export interface SalesRepsAnswer {
  segment: SegmentFilter;
  currency?: string;
  months: Array<{ month: string; reps: RepMonth[] }>;
}

export interface ForecastAnswer {
  segment: SegmentFilter;
  currency?: string;
  inputs: {
    asOf: string | null;
    baseMonth: string;
    trailingMonths: string[];
    mrr: number;
    revenueChurnRate: number;
    newMrr: number;
    netExpansion: number;
    amountDefaultRate: number;
  };
  months: Array<{ month: string; mrr: number; expectedCollections: number }>;
}

export interface InvoiceView {
  invoiceId: string;
  period: string;
  amount: number;
  dueDate: string;
  status: 'open' | 'paid' | 'missed' | 'written_off';
  owed: number;
  paid: number;
  writtenOff: number;
  issuedAt: string;
  missedAt: string | null;
  arrangedUntil: string | null;
  reminders: Array<{ tone: string; at: string }>;
}

export interface SubscriberView {
  subscriberId: string;
  name: string;
  segment: Segment;
  status: 'active' | 'suspended' | 'notice' | 'terminated';
  plan: { code: string; monthlyFee: number; currency: string };
  currency: string;
  salesRepId: string;
  qualification?: { needsService: boolean; valuesService: boolean; canPay: boolean };
  override?: { by: string; justification: string } | null;
  /** The contract's notice days; null = the segment's default. */
  noticeDays?: number | null;
  enrolledAt: string;
  balance: number;
  overdue: number;
  consecutiveMissed: number;
  invoices: InvoiceView[];
  arrangement: { invoiceIds: string[]; payBy: string; agreedAt: string } | null;
  totals: { billed: number; paid: number; writtenOff: number; costToServe: number };
  costs: Array<{ kind: string; amount: number; minutes: number | null; at: string }>;
  complaintCount: number;
  pendingCancellation: { reason: string; requestedEffectiveDate: string | null; requestedAt: string } | null;
  notice: { effectiveDate: string; initiatedBy: string; reasons: string[]; recommendedProvider?: string | null; caseId?: string | null; givenAt?: string } | null;
  suspension: { reason: string; since: string; outstanding?: number; writtenOff?: boolean } | null;
  termination: { kind: string; reasons: string[]; effectiveDate: string; finalBalance: number; at: string } | null;
  openCases: Array<{ caseId: string; kind: string }>;
  reactivations?: number;
  version: number;
  lastOccurredAt: string | null;
}

export interface RemedyStepRecord {
  step: string;
  taken: boolean;
  outcome: string | null;
  notes: string | null;
  justification: string | null;
  at: string;
}

export interface RetentionAction {
  owner: 'provider' | 'client';
  description: string;
  dueDate: string;
}

export interface CaseView {
  caseId: string;
  subscriberId: string;
  kind: string;
  status: 'open' | 'closed';
  summary: string;
  openedBy: string;
  openedAt: string;
  incidents: Array<{ description: string; incidentAt: string; documentedAt: string }>;
  remedySteps: Record<string, RemedyStepRecord | null>;
  analysis: { findings: string; causes: string[]; at: string } | null;
  proposedPlan: { actions: RetentionAction[]; goodwillGesture: string | null; at: string } | null;
  agreedPlan: { actions: RetentionAction[]; goodwillGesture: string | null; agreedBy: string; at: string } | null;
  rejection: { reason: string; effectiveDate: string; at: string } | null;
  recommendation: { reasons: string[]; effectiveDate: string; recommendedProvider: string | null; transitionSupport: boolean; at: string } | null;
  approval: { approvedBy: string; at: string } | null;
  closure: { outcome: string; at: string } | null;
  version: number;
}

export interface CaseListItem {
  caseId: string;
  subscriberId: string;
  kind: string;
  status: 'open' | 'closed';
  summary: string;
  openedBy: string;
  openedAt: string;
  closedAt: string | null;
  outcome: string | null;
  lastEventType: string;
  lastEventAt: string;
}

export interface IntegrityReport {
  valid: boolean;
  events: number;
  brokenAtVersion?: number;
}
