import { CASE_EVENT_TYPES, isCaseEventType, type CaseEvent } from '@libs/domain';
import type { ProjectedEvent, Projection, ProjectionContext } from '../projection.js';
import { loadByKeys, upsertRows, type Column } from '../sql.js';

interface CaseRow {
  case_id: string;
  subscriber_id: string;
  kind: string;
  status: 'open' | 'closed';
  summary: string;
  opened_by: string;
  opened_at: string;
  closed_at: string | null;
  outcome: string | null;
  last_event_type: string;
  last_event_at: string;
  events: number;
}

const COLUMNS: Column[] = [
  { name: 'case_id', type: 'text' },
  { name: 'subscriber_id', type: 'text' },
  { name: 'kind', type: 'text' },
  { name: 'status', type: 'text' },
  { name: 'summary', type: 'text' },
  { name: 'opened_by', type: 'text' },
  { name: 'opened_at', type: 'timestamptz' },
  { name: 'closed_at', type: 'timestamptz' },
  { name: 'outcome', type: 'text' },
  { name: 'last_event_type', type: 'text' },
  { name: 'last_event_at', type: 'timestamptz' },
  { name: 'events', type: 'int' },
];

const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string | Date).toISOString());

/** `cases`: one row per case behind `GET /v1/cases`. */
export const casesProjection: Projection = {
  name: 'cases',
  description: 'Cases: kind, status, opened/closed, outcome',
  tables: ['rm_cases'],
  eventTypes: CASE_EVENT_TYPES,
  async apply(events: readonly ProjectedEvent[], ctx: ProjectionContext): Promise<void> {
    const caseEvents = events.filter((e): e is ProjectedEvent & CaseEvent => isCaseEventType(e.type));
    const ids = new Set(caseEvents.map((e) => e.data.caseId));
    const rows = new Map<string, CaseRow>();
    for (const r of await loadByKeys<Record<string, unknown>>(ctx.tx, ctx.table('rm_cases'), 'case_id', ids)) {
      rows.set(r.case_id as string, {
        ...(r as unknown as CaseRow),
        opened_at: iso(r.opened_at)!,
        closed_at: iso(r.closed_at),
        last_event_at: iso(r.last_event_at)!,
        events: Number(r.events),
      });
    }
    const dirty = new Set<string>();
    for (const e of caseEvents) {
      const id = e.data.caseId;
      let row = rows.get(id);
      if (e.type === 'CaseOpened') {
        if (row) continue;
        row = {
          case_id: id,
          subscriber_id: e.data.subscriberId,
          kind: e.data.kind,
          status: 'open',
          summary: e.data.summary,
          opened_by: e.data.openedBy,
          opened_at: e.occurredAt,
          closed_at: null,
          outcome: null,
          last_event_type: e.type,
          last_event_at: e.occurredAt,
          events: 1,
        };
        rows.set(id, row);
        dirty.add(id);
        continue;
      }
      if (!row) continue;
      row.last_event_type = e.type;
      row.last_event_at = e.occurredAt;
      row.events += 1;
      if (e.type === 'CaseClosed') {
        row.status = 'closed';
        row.closed_at = e.occurredAt;
        row.outcome = e.data.outcome;
      }
      dirty.add(id);
    }
    await upsertRows(ctx.tx, ctx.table('rm_cases'), COLUMNS, ['case_id'], [...dirty].map((id) => rows.get(id)! as unknown as Record<string, unknown>), 'replace');
  },
};
