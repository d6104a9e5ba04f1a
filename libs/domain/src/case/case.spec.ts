import { allRemedySteps, CASE, caseOpened, cc, ce, SUB, T0 } from '../testing/fixtures.js';
import { defaultCaseContext, givenCase as given } from '../testing/given-when-then.js';
import type { CaseContext } from './decide.js';
import { caseView } from './view.js';

const T1 = '2026-01-10T12:00:00.000Z';
const T2 = '2026-01-11T12:00:00.000Z';
const b2b: Partial<CaseContext> = { subscriber: { status: 'active', segment: 'b2b', noticeDays: null } };
const executive: Partial<CaseContext> = { role: 'executive' };

const recommendation = {
  reasons: ['false alarms cost three times the fee after training and a plan change'],
  effectiveDate: '2026-02-01',
  recommendedProvider: 'Otra Alarma SA',
  transitionSupport: true,
};
const recommended = (effectiveDate = '2026-02-01', at = T1) => ce('TerminationRecommended', { ...recommendation, effectiveDate }, at);

describe('case: opening (case-already-open)', () => {
  it('opens a case', () => {
    given([])
      .when(cc('OpenCase', { subscriberId: SUB, kind: 'complaints', summary: 'a complaints case', openedBy: 'key-operator' }, T0))
      .then([caseOpened('complaints')]);
  });
  it('refuses a second open case of the same kind for the subscriber', () => {
    given([])
      .when(cc('OpenCase', { subscriberId: SUB, kind: 'complaints', summary: 's', openedBy: 'k' }, T0), { openCaseKinds: ['complaints'] })
      .then('case-already-open');
  });
  it('allows a case of another kind', () => {
    given([])
      .when(cc('OpenCase', { subscriberId: SUB, kind: 'unprofitable', summary: 'a unprofitable case', openedBy: 'key-operator' }, T0), {
        openCaseKinds: ['complaints'],
      })
      .then([caseOpened('unprofitable')]);
  });
  it('refuses reopening the same case id', () => {
    given([caseOpened('complaints')]).when(cc('OpenCase', { subscriberId: SUB, kind: 'complaints', summary: 's', openedBy: 'k' }, T1)).then('case-already-open');
    given([caseOpened('complaints'), ce('CaseClosed', { outcome: 'resolved' }, T1)])
      .when(cc('OpenCase', { subscriberId: SUB, kind: 'complaints', summary: 's', openedBy: 'k' }, T1))
      .then('case-closed');
  });
  it('refuses a case on a terminated subscriber', () => {
    given([])
      .when(cc('OpenCase', { subscriberId: SUB, kind: 'bad_fit', summary: 's', openedBy: 'k' }, T0), { subscriber: { status: 'terminated', segment: 'b2c' } })
      .then('subscriber-terminated');
  });
  it('answers unknown-case for any other command on a new stream', () => {
    given([]).when(cc('CloseCase', { outcome: 'resolved' }, T1)).then('unknown-case');
  });
});

describe('case: documentation and remedy steps', () => {
  it('documents an incident', () => {
    given([caseOpened('abusive')])
      .when(cc('DocumentIncident', { description: 'insulted the technician', incidentAt: '2026-01-09T18:30:00-03:00' }, T1))
      .then([ce('IncidentDocumented', { description: 'insulted the technician', incidentAt: '2026-01-09T21:30:00.000Z' }, T1)]);
  });
  it('takes a step', () => {
    given([caseOpened('complaints')])
      .when(cc('TakeRemedyStep', { step: 'educate', notes: 'explained the app', outcome: 'improved' }, T1))
      .then([ce('RemedyStepTaken', { step: 'educate', notes: 'explained the app', outcome: 'improved' }, T1)]);
  });
  it('skips a step with a justification, and refuses a skip without one (400)', () => {
    given([caseOpened('complaints')])
      .when(cc('SkipRemedyStep', { step: 'migrate', justification: 'no alternative plan' }, T1))
      .then([ce('RemedyStepSkipped', { step: 'migrate', justification: 'no alternative plan' }, T1)]);
    given([caseOpened('complaints')]).when(cc('SkipRemedyStep', { step: 'migrate', justification: '   ' }, T1)).then('invalid-command');
  });
  it('refuses anything on a closed case', () => {
    given([caseOpened('complaints'), ce('CaseClosed', { outcome: 'resolved' }, T1)])
      .when(cc('DocumentIncident', { description: 'd', incidentAt: T1 }, T2))
      .then('case-closed');
  });
  it('refuses going back in time', () => {
    given([caseOpened('complaints', T1)]).when(cc('TakeRemedyStep', { step: 'educate', notes: '', outcome: 'improved' }, T0)).then('time-goes-backwards');
  });
});

describe('case: termination recommendation (remedy-steps-incomplete, recommendation-required, reasons-required, notice-too-short)', () => {
  it('recommends after all four steps were taken or skipped', () => {
    given([caseOpened('unprofitable'), ...allRemedySteps()]).when(cc('RecommendTermination', recommendation, T1)).then([recommended()]);
  });
  it('refuses while a remedy step is missing', () => {
    given([caseOpened('unprofitable'), ...allRemedySteps().slice(0, 3)]).when(cc('RecommendTermination', recommendation, T1)).then('remedy-steps-incomplete');
    given([caseOpened('retention')]).when(cc('RecommendTermination', recommendation, T1)).then('remedy-steps-incomplete');
  });
  it.each(['non_payment', 'unethical', 'abusive'] as const)('%s goes straight to termination', (kind) => {
    given([caseOpened(kind)]).when(cc('RecommendTermination', recommendation, T1)).then([recommended()]);
  });
  it('refuses a recommendation that names no other provider', () => {
    const { recommendedProvider: _r, ...noProvider } = recommendation;
    given([caseOpened('non_payment')]).when(cc('RecommendTermination', noProvider, T1)).then('recommendation-required');
    given([caseOpened('non_payment')]).when(cc('RecommendTermination', { ...noProvider, recommendedProvider: ' ' }, T1)).then('recommendation-required');
  });
  it.each(['unethical', 'abusive'] as const)('%s needs no recommended provider', (kind) => {
    const { recommendedProvider: _r, ...noProvider } = recommendation;
    given([caseOpened(kind)])
      .when(cc('RecommendTermination', noProvider, T1))
      .then([ce('TerminationRecommended', { reasons: recommendation.reasons, effectiveDate: '2026-02-01', transitionSupport: true }, T1)]);
  });
  it('refuses a recommendation without reasons', () => {
    given([caseOpened('non_payment')]).when(cc('RecommendTermination', { ...recommendation, reasons: [] }, T1)).then('reasons-required');
    given([caseOpened('non_payment')]).when(cc('RecommendTermination', { ...recommendation, reasons: ['  '] }, T1)).then('reasons-required');
  });
  it('checks the notice: b2c 15 days', () => {
    given([caseOpened('non_payment')]).when(cc('RecommendTermination', { ...recommendation, effectiveDate: '2026-01-24' }, T1)).then('notice-too-short');
    given([caseOpened('non_payment')])
      .when(cc('RecommendTermination', { ...recommendation, effectiveDate: '2026-01-25' }, T1))
      .then([recommended('2026-01-25')]);
  });
  it('checks the notice: b2b 60 days, but 15 for a non_payment case', () => {
    given([caseOpened('abusive')]).when(cc('RecommendTermination', { ...recommendation, effectiveDate: '2026-03-10' }, T1), b2b).then('notice-too-short');
    given([caseOpened('abusive')])
      .when(cc('RecommendTermination', { ...recommendation, effectiveDate: '2026-03-11' }, T1), b2b)
      .then([recommended('2026-03-11')]);
    given([caseOpened('non_payment')])
      .when(cc('RecommendTermination', { ...recommendation, effectiveDate: '2026-01-25' }, T1), b2b)
      .then([recommended('2026-01-25')]);
  });
  it('a new recommendation replaces the previous one until approval', () => {
    const s = given([caseOpened('non_payment'), recommended('2026-02-01'), recommended('2026-02-15', T2)]).state();
    expect(s.recommendation?.effectiveDate).toBe('2026-02-15');
  });
  it('refuses a new recommendation after approval', () => {
    given([caseOpened('non_payment'), recommended(), ce('TerminationApproved', { approvedBy: 'ceo' }, T1)])
      .when(cc('RecommendTermination', recommendation, T2))
      .then('termination-already-approved');
  });
  it('refuses when the subscriber is already terminated', () => {
    given([caseOpened('non_payment')])
      .when(cc('RecommendTermination', recommendation, T1), { subscriber: { status: 'terminated', segment: 'b2c' } })
      .then('subscriber-terminated');
  });
});

describe('case: approval (approval-needs-executive)', () => {
  const history = [caseOpened('non_payment'), recommended('2026-02-01')];
  it('an executive approves', () => {
    given(history).when(cc('ApproveTermination', { approvedBy: 'ceo' }, T2), executive).then([ce('TerminationApproved', { approvedBy: 'ceo' }, T2)]);
  });
  it('admin may do everything, including approving', () => {
    given(history).when(cc('ApproveTermination', { approvedBy: 'root' }, T2), { role: ['operator', 'admin'] }).then([ce('TerminationApproved', { approvedBy: 'root' }, T2)]);
  });
  it('refuses an operator', () => {
    given(history).when(cc('ApproveTermination', { approvedBy: 'op' }, T2), { role: 'operator' }).then('approval-needs-executive');
    given(history).when(cc('ApproveTermination', { approvedBy: 'op' }, T2), { role: [] }).then('approval-needs-executive');
  });
  it('refuses without a recommendation', () => {
    given([caseOpened('non_payment')]).when(cc('ApproveTermination', { approvedBy: 'ceo' }, T2), executive).then('termination-not-recommended');
  });
  it('re-checks the notice against the approval time', () => {
    // Recommended on 01-10 for 01-25: exactly 15 days then; approved on 01-11 it is 14.
    given([caseOpened('non_payment'), recommended('2026-01-25')])
      .when(cc('ApproveTermination', { approvedBy: 'ceo' }, T2), executive)
      .then('notice-too-short');
  });
  it('refuses approving twice', () => {
    given([...history, ce('TerminationApproved', { approvedBy: 'ceo' }, T2)])
      .when(cc('ApproveTermination', { approvedBy: 'ceo' }, T2), executive)
      .then('termination-already-approved');
  });
});

describe('case: retention (retention-plan-needs-analysis, retention-plan-one-sided)', () => {
  const actions = [
    { owner: 'provider' as const, description: 'train two operators on the app', dueDate: '2026-01-20' },
    { owner: 'client' as const, description: 'name a contact for alarms', dueDate: '2026-01-25' },
  ];
  const analysed = [caseOpened('retention'), ce('UsageAnalyzed', { findings: 'never used remote arming', causes: ['unaware_of_features'] }, T0)];
  const proposed = [...analysed, ce('RetentionPlanProposed', { actions, goodwillGesture: 'one month at half price' }, T1)];

  it('analyses usage', () => {
    given([caseOpened('retention')])
      .when(cc('AnalyzeUsage', { findings: 'never used remote arming', causes: ['unaware_of_features'] }, T0))
      .then([analysed[1]!]);
  });
  it('proposes a plan after the analysis', () => {
    given(analysed).when(cc('ProposeRetentionPlan', { actions, goodwillGesture: 'one month at half price' }, T1)).then([proposed[2]!]);
  });
  it('refuses a plan before the analysis', () => {
    given([caseOpened('retention')]).when(cc('ProposeRetentionPlan', { actions }, T1)).then('retention-plan-needs-analysis');
  });
  it('agrees a plan with commitments from both sides', () => {
    given(proposed)
      .when(cc('AgreeRetentionPlan', { agreedBy: 'client CFO' }, T2))
      .then([ce('RetentionPlanAgreed', { actions, goodwillGesture: 'one month at half price', agreedBy: 'client CFO' }, T2)]);
  });
  it('refuses agreeing a one-sided plan', () => {
    given([...analysed, ce('RetentionPlanProposed', { actions: [actions[0]!] }, T1)])
      .when(cc('AgreeRetentionPlan', { agreedBy: 'client' }, T2))
      .then('retention-plan-one-sided');
  });
  it('refuses agreeing when nothing was proposed', () => {
    given(analysed).when(cc('AgreeRetentionPlan', { agreedBy: 'client' }, T2)).then('retention-plan-one-sided');
  });
  it('records a rejection with the client termination date', () => {
    given(proposed)
      .when(cc('RejectRetentionPlan', { reason: 'found a cheaper provider', effectiveDate: '2026-02-01' }, T2))
      .then([ce('RetentionPlanRejected', { reason: 'found a cheaper provider', effectiveDate: '2026-02-01' }, T2)]);
  });
  it('refuses a rejection when no plan was proposed (retention-plan-not-proposed)', () => {
    // Found by the property test: a rejection without a plan, on any kind of case, gave the
    // client's termination notice through the retention-plan-rejected policy.
    given(analysed).when(cc('RejectRetentionPlan', { reason: 'r', effectiveDate: '2026-03-01' }, T2)).then('retention-plan-not-proposed');
    given([caseOpened('unethical')]).when(cc('RejectRetentionPlan', { reason: 'r', effectiveDate: '2026-03-01' }, T2)).then('retention-plan-not-proposed');
  });
  it("refuses a rejection whose date ignores the contract's notice", () => {
    given(proposed).when(cc('RejectRetentionPlan', { reason: 'r', effectiveDate: '2026-01-20' }, T2)).then('notice-too-short');
  });
  it('refuses changing a settled plan', () => {
    const agreed = [...proposed, ce('RetentionPlanAgreed', { actions, agreedBy: 'c' }, T2)];
    given(agreed).when(cc('ProposeRetentionPlan', { actions }, T2)).then('retention-plan-settled');
    given(agreed).when(cc('RejectRetentionPlan', { reason: 'r', effectiveDate: '2026-03-01' }, T2)).then('retention-plan-settled');
  });
});

describe('case: closing', () => {
  it('closes as resolved', () => {
    given([caseOpened('complaints')]).when(cc('CloseCase', { outcome: 'resolved' }, T1)).then([ce('CaseClosed', { outcome: 'resolved' }, T1)]);
  });
  it('retained needs an agreed plan', () => {
    given([caseOpened('retention')]).when(cc('CloseCase', { outcome: 'retained' }, T1)).then('outcome-not-reached');
  });
  it('terminated needs an approval or a rejection', () => {
    given([caseOpened('non_payment')]).when(cc('CloseCase', { outcome: 'terminated' }, T1)).then('outcome-not-reached');
    given([caseOpened('non_payment'), recommended(), ce('TerminationApproved', { approvedBy: 'ceo' }, T1)])
      .when(cc('CloseCase', { outcome: 'terminated' }, T2))
      .then([ce('CaseClosed', { outcome: 'terminated' }, T2)]);
  });
  it('an approved termination closes only as terminated', () => {
    given([caseOpened('non_payment'), recommended(), ce('TerminationApproved', { approvedBy: 'ceo' }, T1)])
      .when(cc('CloseCase', { outcome: 'resolved' }, T2))
      .then('outcome-not-reached');
  });
  it('migrated needs the migrate step taken', () => {
    given([caseOpened('unprofitable')]).when(cc('CloseCase', { outcome: 'migrated' }, T1)).then('outcome-not-reached');
    given([caseOpened('unprofitable'), ce('RemedyStepTaken', { step: 'migrate', notes: 'to prepaid', outcome: 'improved' }, T1)])
      .when(cc('CloseCase', { outcome: 'migrated' }, T2))
      .then([ce('CaseClosed', { outcome: 'migrated' }, T2)]);
  });
});

describe('case: view', () => {
  it('shows steps, recommendation and status', () => {
    const state = given([caseOpened('unprofitable'), ...allRemedySteps(), recommended()]).state();
    if (!state.exists) throw new Error('the case was opened');
    const v = caseView(state);
    expect(v).toMatchObject({ caseId: CASE, subscriberId: SUB, kind: 'unprofitable', status: 'open' });
    expect(v.remedySteps.migrate).toMatchObject({ taken: false, justification: 'no partner covers the area' });
    expect(v.recommendation?.recommendedProvider).toBe('Otra Alarma SA');
  });
  it('the default context is a b2c operator', () => {
    expect(defaultCaseContext.role).toBe('operator');
  });
});
