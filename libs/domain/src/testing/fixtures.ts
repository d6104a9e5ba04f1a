/** Builders for events and commands in tests: ids and business time are filled in. */
import type { CaseCommandOf, CaseCommandType, SubscriberCommandOf, SubscriberCommandType } from '../contracts/commands.js';
import type { CaseEventOf, CaseEventType, SubscriberEventOf, SubscriberEventType } from '../contracts/events.js';

export const SUB = 'sub-1';
export const CASE = 'case-1';
/** Enrollment instant used by default. */
export const T0 = '2026-01-01T09:00:00.000Z';

type SubscriberEventBody<T extends SubscriberEventType> = Omit<SubscriberEventOf<T>['data'], 'subscriberId' | 'occurredAt'>;
type CaseEventBody<T extends CaseEventType> = Omit<CaseEventOf<T>['data'], 'subscriberId' | 'caseId' | 'occurredAt'>;
type SubscriberCommandBody<T extends SubscriberCommandType> = Omit<SubscriberCommandOf<T>['data'], 'subscriberId' | 'at'>;
type CaseCommandBody<T extends CaseCommandType> = Omit<CaseCommandOf<T>['data'], 'caseId' | 'at'>;

/** A subscriber event. */
export function se<T extends SubscriberEventType>(type: T, data: SubscriberEventBody<T>, occurredAt: string = T0, subscriberId = SUB): SubscriberEventOf<T> {
  return { type, data: { subscriberId, occurredAt, ...data } } as unknown as SubscriberEventOf<T>;
}

/** A subscriber command. */
export function sc<T extends SubscriberCommandType>(type: T, data: SubscriberCommandBody<T>, at: string, subscriberId = SUB): SubscriberCommandOf<T> {
  return { type, data: { subscriberId, ...data, at } } as unknown as SubscriberCommandOf<T>;
}

/** A case event. */
export function ce<T extends CaseEventType>(type: T, data: CaseEventBody<T>, occurredAt: string = T0, caseId = CASE, subscriberId = SUB): CaseEventOf<T> {
  return { type, data: { caseId, subscriberId, occurredAt, ...data } } as unknown as CaseEventOf<T>;
}

/** A case command. */
export function cc<T extends CaseCommandType>(type: T, data: CaseCommandBody<T>, at: string, caseId = CASE): CaseCommandOf<T> {
  return { type, data: { caseId, ...data, at } } as unknown as CaseCommandOf<T>;
}

export const basicPlan = { code: 'basic', monthlyFee: 3000, currency: 'ARS' };

export function enrolled(overrides: Partial<SubscriberEventBody<'SubscriberEnrolled'>> = {}, occurredAt = T0) {
  return se(
    'SubscriberEnrolled',
    {
      name: 'Ana Pérez',
      segment: 'b2c',
      plan: basicPlan,
      salesRepId: 'rep-1',
      qualification: { needsService: true, valuesService: true, canPay: true },
      ...overrides,
    },
    occurredAt,
  );
}

export function invoiced(invoiceId = 'inv-1', dueDate = '2026-01-10', amount = 3000, occurredAt = '2026-01-01T10:00:00.000Z', period = '2026-01') {
  return se('InvoiceIssued', { invoiceId, period, amount, dueDate }, occurredAt);
}

export function missed(invoiceId: string, amount: number, dueDate: string, consecutiveMissed: number, occurredAt: string) {
  return [
    se('PaymentMissed', { invoiceId, amount, dueDate, consecutiveMissed }, occurredAt),
    se('PaymentReminderSent', { invoiceId, tone: 'friendly' }, occurredAt),
  ] as const;
}

export function caseOpened(kind: CaseEventBody<'CaseOpened'>['kind'], occurredAt = T0) {
  return ce('CaseOpened', { kind, summary: `a ${kind} case`, openedBy: 'key-operator' }, occurredAt);
}

/** The four remedy steps taken (the last one skipped with a justification). */
export function allRemedySteps(occurredAt = T0) {
  return [
    ce('RemedyStepTaken', { step: 'reassess', notes: 'call analysis', outcome: 'no_change' }, occurredAt),
    ce('RemedyStepTaken', { step: 'educate', notes: 'training session', outcome: 'no_change' }, occurredAt),
    ce('RemedyStepTaken', { step: 'renegotiate', notes: 'offered plan B', outcome: 'declined' }, occurredAt),
    ce('RemedyStepSkipped', { step: 'migrate', justification: 'no partner covers the area' }, occurredAt),
  ];
}
