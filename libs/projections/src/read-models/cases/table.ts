import { col, defineTable, type RowOf } from '../table.js';

/** One row per case, behind `GET /v1/cases`. */
export const casesTable = defineTable({
  name: 'rm_cases',
  since: 1,
  comment: 'Cases: one row per case',
  columns: {
    case_id: col.text(),
    subscriber_id: col.text(),
    kind: col.text(),
    status: col.text(),
    summary: col.text(),
    opened_by: col.text(),
    opened_at: col.timestamptz(),
    closed_at: col.timestamptz({ nullable: true }),
    outcome: col.text({ nullable: true }),
    last_event_type: col.text(),
    last_event_at: col.timestamptz(),
    events: col.int(),
  },
  key: ['case_id'],
  indexes: [{ name: 'rm_cases_subscriber', columns: ['subscriber_id'] }],
});
export type CaseRow = RowOf<typeof casesTable>;
