import type { ProjectedEvent } from '../../projection.js';
import { evolveCases } from './evolve.js';
import type { CaseRow } from './table.js';

/** Given events (and the rows stored before them), then the rows the cases read model writes: no database. */
const C = 'case-1';
let position = 0;
const ce = (type: string, data: Record<string, unknown>, occurredAt: string, caseId = C): ProjectedEvent =>
  ({ type, data: { caseId, subscriberId: 'sub-1', occurredAt, ...data }, position: String(++position), streamId: `case-${caseId}`, occurredAt }) as ProjectedEvent;
const opened = (at = '2026-01-02T09:00:00.000Z', caseId = C) => ce('CaseOpened', { kind: 'unprofitable', summary: 'three false alarms', openedBy: 'key-op' }, at, caseId);

describe('cases read model: given events, then rows', () => {
  it('CaseOpened writes an open row with who opened it and why', () => {
    expect(evolveCases([], [opened()])).toEqual([
      {
        case_id: C,
        subscriber_id: 'sub-1',
        kind: 'unprofitable',
        status: 'open',
        summary: 'three false alarms',
        opened_by: 'key-op',
        opened_at: '2026-01-02T09:00:00.000Z',
        closed_at: null,
        outcome: null,
        last_event_type: 'CaseOpened',
        last_event_at: '2026-01-02T09:00:00.000Z',
        events: 1,
      },
    ]);
  });

  it('every later event counts and moves the last event; CaseClosed closes it with its outcome', () => {
    const [row] = evolveCases(
      [],
      [
        opened(),
        ce('RemedyStepTaken', { step: 'reassess', notes: '', outcome: 'no_change' }, '2026-01-03T09:00:00.000Z'),
        ce('CaseClosed', { outcome: 'retained' }, '2026-01-04T09:00:00.000Z'),
      ],
    );
    expect(row).toMatchObject({ status: 'closed', closed_at: '2026-01-04T09:00:00.000Z', outcome: 'retained', last_event_type: 'CaseClosed', last_event_at: '2026-01-04T09:00:00.000Z', events: 3 });
  });

  it('a batch continues from the stored row, which it does not mutate, and writes each case once', () => {
    const [stored] = evolveCases([], [opened()]);
    const snapshot = { ...stored! };
    const rows = evolveCases([stored!], [ce('UsageAnalyzed', { findings: 'f', causes: ['neglect'] }, '2026-01-05T09:00:00.000Z'), ce('IncidentDocumented', { description: 'd', incidentAt: '2026-01-05T08:00:00.000Z' }, '2026-01-06T09:00:00.000Z')]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ events: 3, last_event_type: 'IncidentDocumented', status: 'open' });
    expect(stored).toEqual(snapshot);
  });

  it('events of a case never opened, a second CaseOpened and subscriber events change nothing', () => {
    expect(evolveCases([], [ce('CaseClosed', { outcome: 'resolved' }, '2026-01-04T09:00:00.000Z', 'case-unknown')])).toEqual([]);
    const [stored] = evolveCases([], [opened()]);
    expect(evolveCases([stored!], [{ ...opened('2026-01-09T09:00:00.000Z'), data: { ...opened().data, kind: 'complaints' } } as ProjectedEvent])).toEqual([]);
    const enrolled = { type: 'SubscriberEnrolled', data: { subscriberId: 'sub-1', occurredAt: '2026-01-01T00:00:00.000Z' }, position: '1', streamId: 'subscriber-sub-1', occurredAt: '2026-01-01T00:00:00.000Z' } as unknown as ProjectedEvent;
    expect(evolveCases([], [enrolled])).toEqual([]);
  });

  it('two cases in one batch get a row each', () => {
    const rows: CaseRow[] = evolveCases([], [opened('2026-01-02T09:00:00.000Z', 'case-a'), opened('2026-01-02T10:00:00.000Z', 'case-b')]);
    expect(rows.map((r) => [r.case_id, r.opened_at])).toEqual([
      ['case-a', '2026-01-02T09:00:00.000Z'],
      ['case-b', '2026-01-02T10:00:00.000Z'],
    ]);
  });
});
