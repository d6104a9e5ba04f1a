/**
 * What the simulated company looks like. Every knob has a default drawn from the field articles:
 * alarm-monitoring homes at 30–60 EUR a month, businesses at 150–900 EUR, one sales rep who sells
 * to anyone, January and summer being hard months for collections.
 */
import { PERIOD_PATTERN, type Segment } from '@libs/domain';

export interface SimPlan {
  code: string;
  /** Minor units (cents). */
  monthlyFee: number;
}

export interface SalesRep {
  id: string;
  /**
   * 0–1. A good rep (≈0.9) qualifies almost every sale; a bad one (≈0.3) enrols clients who don't
   * need, value or can't pay for the service (by manager override) and brings more defaulters.
   */
  quality: number;
  /** Relative share of the sales. */
  weight: number;
}

/** The service's dunning policy, mirrored so the model can foresee what a scheduler pass does. */
export interface SimDunningPolicy {
  graceDays: number;
  suspendAfterDays: number;
  writeOffOnSuspension: boolean;
}

export interface SimulationOptions {
  /** PRNG seed: same seed + same options → same commands. */
  seed: number;
  /** Subscribers enrolled over the run (the initial book included). */
  subscribers: number;
  months: number;
  /** First simulated month, `YYYY-MM`. */
  startMonth: string;
  /** Share of the enrolments that are business clients (b2b). */
  b2bShare: number;
  /** Share of the subscribers already enrolled during the first month (the existing book). */
  initialShare: number;
  currency: string;
  plans: Record<Segment, SimPlan[]>;
  salesReps: SalesRep[];
  /** Day of the month invoices are issued, and the day they are due. */
  invoiceDay: number;
  dueDay: number;
  /** Hour (UTC) of the daily scheduler pass, after the day's business. */
  tickHour: number;
  policy: SimDunningPolicy;
  /** Per calendar month (index 0 = January): multiplier of the risk of not paying on time. */
  paymentSeasonality: number[];
  /** Probability that an invoice of a good, qualified payer is paid late or not at all. */
  baseLatePaymentRisk: number;
  /** Of the invoices not paid on time: share that is never paid (the client is suspended). */
  defaultShare: number;
  /** Of the missed invoices: share where the client calls and agrees a short arrangement. */
  arrangementShare: number;
  /** Of the missed invoices: share that collections records missed before the scheduler does. */
  operatorRecordsMissedShare: number;
  /** Of the invoices heading to suspension: share the operator suspends by hand, keeping the debt. */
  manualSuspensionShare: number;
  /** Daily probability that a suspended client asks to come back (pays / is reinstated). */
  comeBackPerDay: number;
  /** Days a suspension may last before collections opens a non-payment case to terminate. */
  suspensionCaseAfterDays: number;
  /** Expected false alarms / service visits / support calls per client and month (ordinary clients). */
  falseAlarmsPerMonth: number;
  serviceVisitsPerMonth: number;
  supportCallsPerMonth: number;
  /** Share of clients that are costly (many false alarms, visits) and multiplier of their rates. */
  costlyShare: number;
  costlyMultiplier: number;
  /** Complaints per month of an ordinary client, share of chronic complainers and their rate. */
  complaintsPerMonth: number;
  complainerShare: number;
  complainerComplaintsPerMonth: number;
  /** Complaints (in the model's memory) that make the account manager open a `complaints` case. */
  complaintsCaseThreshold: number;
  /** Monthly probability of asking to cancel (b2c, b2b), raised for clients who don't value the service. */
  cancellationPerMonth: Record<Segment, number>;
  /** Probability that a retention plan is agreed. */
  retentionSuccess: number;
  /** Monthly probability of a plan change (up or down). */
  planChangePerMonth: number;
  /** Monthly probability that a terminated client is won back. */
  winBackPerMonth: number;
  /** Per remedy step: probability it improves things (the case then closes resolved), for chronic cases. */
  remedyImproves: number;
  /** The same for a client whose bad quarter was a one-off (not costly, complaining or risky by nature). */
  remedyImprovesOneOff: number;
  /** Per remedy step: probability the operator skips it with a justification. */
  remedySkip: number;
  /** Probability of a human slip that the service refuses (kept: refusals are part of real life). */
  slipRate: number;
  /** Commands for different subscribers executed in parallel (1 = strictly sequential). */
  concurrency: number;
  /** Prefix of idempotency keys (so two runs with the same seed against one service can be told apart). */
  runId: string;
  /** Stop after this many failures (non-domain errors). */
  maxFailures: number;
}

export const DEFAULT_OPTIONS: SimulationOptions = Object.freeze({
  seed: 7,
  subscribers: 200,
  months: 24,
  startMonth: '2024-01',
  b2bShare: 0.2,
  initialShare: 0.5,
  currency: 'EUR',
  plans: {
    b2c: [
      { code: 'home-basic', monthlyFee: 2990 },
      { code: 'home-plus', monthlyFee: 3990 },
      { code: 'home-video', monthlyFee: 5490 },
    ],
    b2b: [
      { code: 'shop', monthlyFee: 15_000 },
      { code: 'office', monthlyFee: 32_000 },
      { code: 'site-guard', monthlyFee: 59_000 },
      { code: 'multi-site', monthlyFee: 89_000 },
    ],
  },
  salesReps: [
    { id: 'rep-ana', quality: 0.95, weight: 3 },
    { id: 'rep-bruno', quality: 0.85, weight: 3 },
    { id: 'rep-carla', quality: 0.75, weight: 2 },
    { id: 'rep-diego', quality: 0.6, weight: 2 },
    { id: 'rep-eva', quality: 0.3, weight: 2 },
  ],
  invoiceDay: 1,
  dueDay: 5,
  tickHour: 23,
  policy: { graceDays: 0, suspendAfterDays: 15, writeOffOnSuspension: true },
  paymentSeasonality: [1.5, 1.2, 1.0, 0.9, 0.9, 1.0, 1.2, 1.4, 1.1, 0.9, 0.9, 1.3],
  baseLatePaymentRisk: 0.04,
  defaultShare: 0.25,
  arrangementShare: 0.3,
  operatorRecordsMissedShare: 0.3,
  manualSuspensionShare: 0.15,
  comeBackPerDay: 0.03,
  suspensionCaseAfterDays: 45,
  falseAlarmsPerMonth: 0.1,
  serviceVisitsPerMonth: 0.03,
  supportCallsPerMonth: 0.15,
  costlyShare: 0.07,
  costlyMultiplier: 12,
  complaintsPerMonth: 0.02,
  complainerShare: 0.05,
  complainerComplaintsPerMonth: 1.2,
  complaintsCaseThreshold: 3,
  cancellationPerMonth: { b2c: 0.012, b2b: 0.006 },
  retentionSuccess: 0.5,
  planChangePerMonth: 0.012,
  winBackPerMonth: 0.03,
  remedyImproves: 0.25,
  remedyImprovesOneOff: 0.7,
  remedySkip: 0.15,
  slipRate: 0.02,
  concurrency: 1,
  runId: 'sim',
  maxFailures: 50,
}) as SimulationOptions;

/** Options with defaults filled in; throws a RangeError on values the model cannot run with. */
export function resolveOptions(partial: Partial<SimulationOptions> = {}): SimulationOptions {
  const o: SimulationOptions = { ...DEFAULT_OPTIONS, ...partial };
  if (!Number.isInteger(o.subscribers) || o.subscribers < 0) throw new RangeError('subscribers must be a non-negative integer');
  if (!Number.isInteger(o.months) || o.months < 1) throw new RangeError('months must be a positive integer');
  if (!new RegExp(PERIOD_PATTERN).test(o.startMonth)) throw new RangeError('startMonth must be YYYY-MM');
  if (!Number.isInteger(o.seed)) throw new RangeError('seed must be an integer');
  if (o.b2bShare < 0 || o.b2bShare > 1) throw new RangeError('b2bShare must be within 0..1');
  if (o.plans.b2c.length === 0 || o.plans.b2b.length === 0) throw new RangeError('each segment needs at least one plan');
  if (o.salesReps.length === 0) throw new RangeError('at least one sales rep');
  if (o.dueDay < 1 || o.dueDay > 28 || o.invoiceDay < 1 || o.invoiceDay > o.dueDay) throw new RangeError('need 1 ≤ invoiceDay ≤ dueDay ≤ 28');
  if (o.tickHour < 19 || o.tickHour > 23) throw new RangeError('tickHour must be within 19..23 (after the day’s business)');
  if (o.paymentSeasonality.length !== 12) throw new RangeError('paymentSeasonality needs 12 multipliers');
  if (!Number.isInteger(o.concurrency) || o.concurrency < 1) throw new RangeError('concurrency must be ≥ 1');
  return o;
}
