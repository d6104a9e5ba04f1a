import { CASE_EVENT_TYPES, isCaseEventType } from '@libs/domain';
import { loadRows, readModelProjection, upsertTable } from '../read-model.js';
import { evolveCases } from './evolve.js';
import { casesTable } from './table.js';

/** `cases`: one row per case behind `GET /v1/cases`. */
export const casesProjection = readModelProjection({
  name: 'cases',
  description: 'Cases: kind, status, opened/closed, outcome',
  tables: [casesTable],
  eventTypes: CASE_EVENT_TYPES,
  load: (events, ctx) =>
    loadRows(
      ctx,
      casesTable,
      'case_id',
      events.filter((e) => isCaseEventType(e.type)).map((e) => (e.data as { caseId: string }).caseId),
    ),
  evolve: evolveCases,
  save: (rows, ctx) => upsertTable(ctx, casesTable, rows, 'replace'),
});
