/**
 * The staff working a subscriber's open cases, one step per visit: retention (analyse, propose,
 * agree or reject), and the remedy path of the profitability, complaints and non-payment cases
 * (document, the four remedy steps, recommend, approve) up to closing. Some steps slip on purpose
 * (a plan without the client's commitment, a recommendation too early) so the rules get to refuse.
 */
import { COMPETITORS, COMPLAINT_CATEGORIES, PARTNERS, USAGE_FINDINGS } from '../flavour.js';
import type { SimPlan } from '../options.js';
import { addDays, DAY_MS, dayMs, EXECUTIVE, type CaseModel, type DayClock, type Outcome, type SimCommand, type SimContext, type SubModel } from '../model.js';

type Data<T extends SimCommand['type']> = Extract<SimCommand, { type: T }>['data'];
type RemedyStepName = 'reassess' | 'educate' | 'renegotiate' | 'migrate';

function minNotice(sub: SubModel, kind: string | null): number {
  if (kind === 'non_payment') return 15;
  return sub.noticeDays ?? (sub.segment === 'b2b' ? 60 : 15);
}

function closeSoon(sub: SubModel, c: CaseModel, date: string, outcome: Outcome): void {
  c.outcome = outcome;
  c.stage = 'close';
  c.nextOn = addDays(date, sub.rng.int(1, 3));
}

export async function advanceCase(ctx: SimContext, sub: SubModel, c: CaseModel, clock: DayClock): Promise<void> {
  const { rng, o } = { rng: sub.rng, o: ctx.o };
  const date = clock.date;
  const later = (min: number, max: number) => addDays(date, rng.int(min, max));
  if (c.stage !== 'close') {
    if (sub.status === 'terminated') return closeSoon(sub, c, date, c.approved || c.rejected ? 'terminated' : 'withdrawn');
    if (c.kind === 'non_payment' && sub.status !== 'suspended' && !c.approved) return closeSoon(sub, c, date, 'resolved');
  }
  const ids = { caseId: c.caseId };
  switch (c.stage) {
    case 'analyze': {
      const f = rng.pick(USAGE_FINDINGS);
      await ctx.send(sub, clock, { type: 'AnalyzeUsage', data: { ...ids, findings: f.findings, causes: [...f.causes] } });
      c.stage = 'propose';
      c.nextOn = later(1, 4);
      return;
    }
    case 'propose': {
      const oneSided = !c.oneSided && c.retries === 0 && rng.chance(o.slipRate * 3);
      const actions: Data<'ProposeRetentionPlan'>['actions'] = [{ owner: 'provider', description: 'Visit to retrain the family on the panel and the app', dueDate: addDays(date, 7) }];
      if (!oneSided) actions.push({ owner: 'client', description: 'Update the emergency contacts and arm the system every night', dueDate: addDays(date, 14) });
      const goodwill = rng.chance(0.3) ? { goodwillGesture: 'One month at half price' } : {};
      const r = await ctx.send(sub, clock, { type: 'ProposeRetentionPlan', data: { ...ids, actions, ...goodwill } });
      c.oneSided = oneSided;
      if (!r) return closeSoon(sub, c, date, 'withdrawn');
      c.stage = 'decide';
      c.nextOn = later(2, 7);
      return;
    }
    case 'decide': {
      const p = Math.min(0.95, o.retentionSuccess * (sub.traits.valuesService ? 1.2 : 0.5));
      if (rng.chance(p)) {
        const r = await ctx.send(sub, clock, { type: 'AgreeRetentionPlan', data: { ...ids, agreedBy: sub.name } });
        if (r) {
          sub.pendingCancellation = false;
          return closeSoon(sub, c, date, 'retained');
        }
        if (c.oneSided && c.retries < 2) {
          // The plan lacked the client's commitment: propose a mutual one.
          c.retries++;
          c.stage = 'propose';
          c.nextOn = later(1, 2);
          return;
        }
        return closeSoon(sub, c, date, 'withdrawn');
      }
      const min = addDays(date, minNotice(sub, null));
      let effectiveDate = addDays(min, rng.int(0, 10));
      if (sub.requestedEffectiveDate && sub.requestedEffectiveDate > effectiveDate) effectiveDate = sub.requestedEffectiveDate;
      const reason = 'The client keeps the decision to leave';
      if (rng.chance(o.slipRate * 3)) await ctx.send(sub, clock, { type: 'RejectRetentionPlan', data: { ...ids, reason, effectiveDate: addDays(min, -3) } });
      const r = await ctx.send(sub, clock, { type: 'RejectRetentionPlan', data: { ...ids, reason, effectiveDate } });
      if (r) {
        c.rejected = true;
        sub.pendingCancellation = false;
        if (r.events.includes('TerminationNoticeGiven')) {
          sub.notice = effectiveDate;
          if (sub.status === 'active') sub.status = 'notice';
        }
        return closeSoon(sub, c, date, 'terminated');
      }
      return closeSoon(sub, c, date, 'withdrawn');
    }
    case 'document': {
      const description =
        c.kind === 'non_payment'
          ? 'Three calls and an e-mail about the overdue invoice went unanswered'
          : c.kind === 'complaints'
            ? `Complaints logged: ${rng.pick(COMPLAINT_CATEGORIES)} and others`
            : 'False alarms and technician visits exceed what the client pays';
      await ctx.send(sub, clock, { type: 'DocumentIncident', data: { ...ids, description, incidentAt: new Date(dayMs(date) - DAY_MS).toISOString() } });
      c.stage = c.kind === 'non_payment' ? 'recommend' : 'reassess';
      c.nextOn = later(2, 7);
      return;
    }
    case 'reassess':
    case 'educate':
    case 'renegotiate':
    case 'migrate':
      return remedyStep(ctx, sub, c, clock, c.stage);
    case 'recommend': {
      const effectiveDate = addDays(date, minNotice(sub, c.kind) + rng.int(3, 15));
      const data: Data<'RecommendTermination'> = {
        ...ids,
        reasons: [c.kind === 'non_payment' ? 'Unpaid invoices and no answer from the client' : 'Cost to serve exceeds revenue after every remedy step'],
        effectiveDate,
        recommendedProvider: rng.pick(COMPETITORS),
        transitionSupport: true,
      };
      if (rng.chance(o.slipRate * 3)) {
        const { recommendedProvider: _omitted, ...withoutProvider } = data;
        await ctx.send(sub, clock, { type: 'RecommendTermination', data: withoutProvider });
      }
      const r = await ctx.send(sub, clock, { type: 'RecommendTermination', data });
      if (!r) return closeSoon(sub, c, date, 'withdrawn');
      c.effectiveDate = effectiveDate;
      c.stage = 'approve';
      c.nextOn = later(1, 6);
      return;
    }
    case 'approve': {
      if (rng.chance(0.1)) return closeSoon(sub, c, date, 'resolved'); // the executives give one more chance
      const r = await ctx.send(sub, clock, { type: 'ApproveTermination', data: { ...ids, approvedBy: 'executive-committee' } }, EXECUTIVE);
      if (r) {
        c.approved = true;
        if (r.events.includes('TerminationNoticeGiven') && c.effectiveDate) {
          sub.notice = c.effectiveDate;
          if (sub.status === 'active') sub.status = 'notice';
        }
        return closeSoon(sub, c, date, 'terminated');
      }
      if (c.retries++ < 3) {
        // Approved too late for the recommended date (`notice-too-short`): recommend again.
        c.stage = 'recommend';
        c.nextOn = later(0, 2);
        return;
      }
      return closeSoon(sub, c, date, 'withdrawn');
    }
    case 'close': {
      const r = await ctx.send(sub, clock, { type: 'CloseCase', data: { ...ids, outcome: c.outcome } });
      if (!r && c.outcome !== 'withdrawn' && !c.approved) await ctx.send(sub, clock, { type: 'CloseCase', data: { ...ids, outcome: 'withdrawn' } });
      sub.cases = sub.cases.filter((k) => k !== c);
      return;
    }
  }
}

async function remedyStep(ctx: SimContext, sub: SubModel, c: CaseModel, clock: DayClock, step: RemedyStepName): Promise<void> {
  const { rng, o } = { rng: sub.rng, o: ctx.o };
  const date = clock.date;
  const order: RemedyStepName[] = ['reassess', 'educate', 'renegotiate', 'migrate'];
  const advance = () => {
    const next = order[order.indexOf(step) + 1];
    c.stage = next ?? 'recommend';
    c.nextOn = addDays(date, rng.int(5, 15));
  };
  if (step === 'migrate' && rng.chance(o.slipRate * 3)) {
    // Someone wants them gone before the last step: refused (`remedy-steps-incomplete`).
    await ctx.send(sub, clock, {
      type: 'RecommendTermination',
      data: { caseId: c.caseId, reasons: ['Too costly'], effectiveDate: addDays(date, minNotice(sub, c.kind) + 5), recommendedProvider: rng.pick(COMPETITORS), transitionSupport: true },
    });
  }
  if (step !== 'reassess' && rng.chance(o.remedySkip)) {
    await ctx.send(sub, clock, { type: 'SkipRemedyStep', data: { caseId: c.caseId, step, justification: `Not applicable: ${step} was already tried with this client last year` } });
    return advance();
  }
  // A client who is not chronically costly, complaining or defaulting was usually a one-off spike.
  const chronic = sub.traits.costly || sub.traits.complainer || sub.traits.risk > 0.25;
  const improved = rng.chance(chronic ? o.remedyImproves : o.remedyImprovesOneOff);
  const outcome = improved ? 'improved' : rng.chance(0.5) ? 'no_change' : 'declined';
  const notes: Record<RemedyStepName, string> = {
    reassess: 'Reviewed costs, alarms and complaints of the last 90 days with the client',
    educate: 'Trained the client on arming zones and the app',
    renegotiate: 'Offered a plan whose price covers the visits',
    migrate: 'Proposed another plan, prepaid or a partner better suited to the client',
  };
  const r = await ctx.send(sub, clock, { type: 'TakeRemedyStep', data: { caseId: c.caseId, step, notes: notes[step], outcome } });
  if (!r || !improved) return advance();
  if (step === 'reassess' || step === 'educate') {
    sub.traits.costly = false;
    sub.traits.complainer = false;
    return closeSoon(sub, c, date, 'resolved');
  }
  if (step === 'renegotiate') {
    const to = { code: `${sub.plan.code}-renegotiated`, monthlyFee: Math.round((sub.plan.monthlyFee * 1.25) / 10) * 10 };
    const ok = await ctx.send(sub, clock, { type: 'ChangePlan', data: { subscriberId: sub.id, to, reason: 'renegotiated' } });
    if (ok) sub.plan = to;
    return closeSoon(sub, c, date, 'resolved');
  }
  const choice = sub.segment === 'b2b' ? rng.pick(['partner', 'channel', 'plan'] as const) : rng.pick(['prepaid', 'plan', 'partner'] as const);
  const cheapest = o.plans[sub.segment][0] as SimPlan;
  const data: Data<'MigrateClient'> = {
    subscriberId: sub.id,
    target: choice,
    caseId: c.caseId,
    ...(choice === 'plan' ? { toPlan: { code: cheapest.code, monthlyFee: cheapest.monthlyFee, currency: o.currency } } : {}),
    ...(choice === 'partner' ? { partner: rng.pick(PARTNERS) } : {}),
    ...(choice === 'channel' ? { channel: 'reseller' } : {}),
  };
  const m = await ctx.send(sub, clock, { type: 'MigrateClient', data });
  if (m) {
    c.migrated = true;
    if (choice === 'plan') sub.plan = { ...cheapest };
    if (choice === 'prepaid') sub.traits.risk = 0.01;
    sub.traits.costly = false;
  }
  return closeSoon(sub, c, date, m ? 'migrated' : 'resolved');
}
