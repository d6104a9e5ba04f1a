/**
 * Process managers declare the lookups they read (`needs`), and the application loads only
 * those: given each manager and an event it reacts to, when it reacts on a full set of lookups,
 * then it touched nothing it did not declare (the policy aside, always given).
 */
import { foldCase } from '../case/state.js';
import { foldSubscriber } from '../subscriber/evolve.js';
import { caseOpened, ce, enrolled, invoiced, missed, se } from '../testing/fixtures.js';
import { lookupsFor, processManagers, type ProcessManagerLookups, type SourceEvent } from './process-managers.js';

const at = '2026-03-01T10:00:00.000Z';
const samples: SourceEvent[] = [
  se('PaymentReceived', { invoiceId: 'inv-1', amount: 3000 }, at),
  se('PaymentMissed', { invoiceId: 'inv-1', amount: 3000, dueDate: '2026-01-10', consecutiveMissed: 1 }, at),
  se('CancellationRequested', { reason: 'too expensive' }, at),
  se('CostToServeRecorded', { kind: 'service_visit', amount: 90_000, minutes: 120 }, at),
  se('ClientMigrated', { target: 'partner', partner: 'Other Alarms' }, at),
  ce('RetentionPlanAgreed', { agreedBy: 'Sr. Pérez', actions: [] }, at),
  ce('RetentionPlanRejected', { reason: 'still too expensive', effectiveDate: '2026-04-01' }, at),
  ce('TerminationApproved', { approvedBy: 'CEO' }, at),
].map((e, i) => ({ ...e, id: `evt-${i}` }) as SourceEvent);

const subscriber = foldSubscriber([enrolled(), invoiced(), ...missed('inv-1', 3000, '2026-01-10', 1, '2026-01-11T00:00:00.000Z')]);
const folded = foldCase([
  caseOpened('abusive'),
  ce('TerminationRecommended', { reasons: ['abuse'], effectiveDate: '2026-05-01', transitionSupport: true }, '2026-02-01T00:00:00.000Z'),
]);
if (!folded.exists) throw new Error('the case was opened');
const kase = folded;

describe('process managers read only the lookups they declare', () => {
  it.each(processManagers.map((pm) => [pm.name, pm] as const))('%s', (_name, pm) => {
    const events = samples.filter((e) => pm.reactsTo.includes(e.type));
    expect(events.length).toBeGreaterThan(0);
    // Full lookups, and lookups the application found nothing for (fallbacks read other ones).
    const variants: ProcessManagerLookups[] = [
      { subscriber, case: kase, openCases: [], policy: undefined },
      { subscriber: undefined, case: undefined, openCases: undefined, policy: undefined },
    ];
    for (const event of events) for (const full of variants) {
      const read = new Set<string>();
      const lookups = new Proxy(full, { get: (target, key) => (read.add(String(key)), Reflect.get(target, key)) });
      try {
        pm.react(event, lookups);
      } catch {
        // A manager may refuse a sample that does not fit it; what it read before still counts.
      }
      read.delete('policy');
      expect([...read].filter((k) => !(pm.needs as readonly string[]).includes(k))).toEqual([]);
    }
  });

  it('lookupsFor unites the needs of every manager reacting to a type, and is empty for others', () => {
    expect([...lookupsFor('CostToServeRecorded')].sort()).toEqual(['openCases', 'subscriber']);
    expect([...lookupsFor('RetentionPlanRejected')]).toEqual([]);
    expect([...lookupsFor('ComplaintLogged')]).toEqual([]);
  });
});
