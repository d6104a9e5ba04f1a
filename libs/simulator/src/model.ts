/**
 * The simulator's view of the company: each subscriber as the simulated staff know it (status,
 * invoices and how the client will pay them, notice, open cases), the actors, the business-day
 * clock and the typed command a behaviour sends. The dunning rules are not restated here: what a
 * scheduler pass does to a subscriber is asked of the domain (planning.ts, `foreseePass`).
 */
import type { DomainCommand, Segment } from '@libs/domain';
import type { Rng } from './prng.js';
import type { SalesRep, SimPlan, SimulationOptions } from './options.js';
import type { SimActor, SimCommandResult } from './target.js';

export const DAY_MS = 86_400_000;
const START_MINUTE = 8 * 60;

/** Actors the simulated staff act as. */
export const OPERATOR: SimActor = { id: 'sim-operator', role: 'operator', roles: ['operator'] };
export const EXECUTIVE: SimActor = { id: 'sim-executive', role: 'executive', roles: ['executive'] };

export const dayMs = (date: string): number => Date.parse(`${date}T00:00:00.000Z`);
export const dateOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
export const addDays = (date: string, days: number): string => dateOf(dayMs(date) + days * DAY_MS);
export const daysBetween = (from: string, to: string): number => Math.round((dayMs(to) - dayMs(from)) / DAY_MS);

export type Status = 'prospect' | 'lost' | 'active' | 'suspended' | 'notice' | 'terminated';
export type InvoiceStatus = 'open' | 'paid' | 'missed' | 'written_off';

export interface InvoiceModel {
  invoiceId: string;
  owed: number;
  dueDate: string;
  status: InvoiceStatus;
  arrangedUntil: string | null;
  /** Day the client pays what is owed (null: not by itself). */
  payOn: string | null;
  /** Day the client calls to agree an arrangement. */
  arrangeOn: string | null;
  keepsPromise: boolean;
  operatorRecordsMissed: boolean;
  manualSuspension: boolean;
}

export type Stage = 'analyze' | 'propose' | 'decide' | 'document' | 'reassess' | 'educate' | 'renegotiate' | 'migrate' | 'recommend' | 'approve' | 'close';
export type Outcome = 'resolved' | 'retained' | 'migrated' | 'terminated' | 'withdrawn';

export interface CaseModel {
  caseId: string;
  kind: string;
  stage: Stage;
  nextOn: string;
  outcome: Outcome;
  oneSided: boolean;
  approved: boolean;
  rejected: boolean;
  migrated: boolean;
  retries: number;
  effectiveDate: string | null;
}

export interface Traits {
  needsService: boolean;
  valuesService: boolean;
  canPay: boolean;
  risk: number;
  costly: boolean;
  complainer: boolean;
}

export interface SubModel {
  index: number;
  id: string;
  rng: Rng;
  segment: Segment;
  plan: SimPlan;
  rep: SalesRep;
  enrolOn: string;
  name: string;
  noticeDays: number | null;
  traits: Traits;
  status: Status;
  suspension: { writtenOff: boolean; since: string } | null;
  invoices: Map<string, InvoiceModel>;
  notice: string | null;
  pendingCancellation: boolean;
  requestedEffectiveDate: string | null;
  cases: CaseModel[];
  complaintsSinceCase: number;
  seq: number;
}

/** Per-subscriber time within a day: strictly business hours, never backwards. */
export class DayClock {
  private minute = START_MINUTE;
  constructor(
    readonly date: string,
    private readonly rng: Rng,
    private readonly lastMinute: number,
  ) {}
  next(): string {
    this.minute = Math.min(this.lastMinute, this.minute + this.rng.int(2, 20));
    return new Date(dayMs(this.date) + this.minute * 60_000).toISOString();
  }
}

type DataOf<C> = C extends { data: infer D } ? D : never;
type WithoutAt<D> = D extends unknown ? Omit<D, 'at'> : never;

/**
 * A command of the domain's union as a behaviour writes it: the business time `at` is added when
 * it is sent (from the subscriber's {@link DayClock}), so a typo in a field name or a value outside
 * a vocabulary fails the typecheck instead of becoming a surprise refusal.
 */
export type SimCommand = {
  [T in DomainCommand['type']]: { type: T; data: WithoutAt<DataOf<Extract<DomainCommand, { type: T }>>> };
}[DomainCommand['type']];

/** What a behaviour needs of the running simulation. */
export interface SimContext {
  readonly o: SimulationOptions;
  /** Sends one command; `null` when refused or failed (both counted). */
  send(sub: SubModel, clock: DayClock, command: SimCommand, actor?: SimActor): Promise<SimCommandResult | null>;
  /** Cases the service opened by itself join the model's work list. */
  discoverCases(sub: SubModel, date: string): Promise<void>;
}

export function unplannedInvoice(invoiceId: string, dueDate: string): InvoiceModel {
  return { invoiceId, owed: 0, dueDate, status: 'open', arrangedUntil: null, payOn: null, arrangeOn: null, keepsPromise: false, operatorRecordsMissed: false, manualSuspension: false };
}

export function newCase(sub: SubModel, caseId: string, kind: string, date: string): CaseModel {
  const stage: Stage = kind === 'retention' ? 'analyze' : 'document';
  return {
    caseId,
    kind,
    stage,
    nextOn: addDays(date, sub.rng.int(1, 4)),
    outcome: 'withdrawn',
    oneSided: false,
    approved: false,
    rejected: false,
    migrated: false,
    retries: 0,
    effectiveDate: null,
  };
}

export function markTerminated(sub: SubModel): void {
  sub.status = 'terminated';
  sub.notice = null;
  sub.suspension = null;
  sub.pendingCancellation = false;
}
