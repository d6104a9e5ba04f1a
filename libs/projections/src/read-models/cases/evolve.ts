import { isCaseEventType, type CaseEvent } from '@libs/domain';
import type { ProjectedEvent } from '../../projection.js';
import type { CaseRow } from './table.js';

/**
 * Pure: the stored rows of the cases a batch mentions, and the batch → the rows to write (each
 * touched case once, as it ends the batch). A case's events before its `CaseOpened` have nothing
 * to attach to, and a second `CaseOpened` changes nothing.
 */
export function evolveCases(loaded: readonly CaseRow[], events: readonly ProjectedEvent[]): CaseRow[] {
  const rows = new Map<string, CaseRow>(loaded.map((r) => [r.case_id, { ...r }]));
  const dirty = new Set<string>();
  for (const e of events) {
    if (!isCaseEventType(e.type)) continue;
    const ce = e as ProjectedEvent & CaseEvent;
    const id = ce.data.caseId;
    const row = rows.get(id);
    if (ce.type === 'CaseOpened') {
      if (row) continue;
      rows.set(id, {
        case_id: id,
        subscriber_id: ce.data.subscriberId,
        kind: ce.data.kind,
        status: 'open',
        summary: ce.data.summary,
        opened_by: ce.data.openedBy,
        opened_at: ce.occurredAt,
        closed_at: null,
        outcome: null,
        last_event_type: ce.type,
        last_event_at: ce.occurredAt,
        events: 1,
      });
      dirty.add(id);
      continue;
    }
    if (!row) continue;
    row.last_event_type = ce.type;
    row.last_event_at = ce.occurredAt;
    row.events += 1;
    if (ce.type === 'CaseClosed') {
      row.status = 'closed';
      row.closed_at = ce.occurredAt;
      row.outcome = ce.data.outcome;
    }
    dirty.add(id);
  }
  return [...dirty].map((id) => rows.get(id)!);
}
