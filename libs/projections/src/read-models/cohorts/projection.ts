import { LIFECYCLE_EVENT_TYPES } from '../../lifecycle.js';
import { loadRows, readModelProjection, upsertTable } from '../read-model.js';
import { evolveCohorts } from './evolve.js';
import { cohortChangesTable, cohortMembersTable, cohortsTable } from './table.js';

/**
 * `cohorts`: signup cohorts (domain.md §6). The cohort of month C is the subscribers first enrolled
 * in C; its size and Σ enrolment fees are counters, and every change of a member's customer status
 * or MRR contribution is bucketed by the month it happened in (`rm_cohort_changes`), so the
 * retained customers and MRR at the end of C+k are the running sums up to C+k — an event only
 * touches its own month, as in `churn`. A reactivated client counts as retained again.
 */
export const cohortsProjection = readModelProjection({
  name: 'cohorts',
  description: 'Signup cohorts by enrolment month: size, enrolment MRR, and customers and MRR retained at each month end',
  tables: [cohortsTable, cohortChangesTable, cohortMembersTable],
  // Lifecycle events only (the rebuild then hands it a fraction of the log); the query takes the
  // newest month in the log from the projections that read every event.
  eventTypes: LIFECYCLE_EVENT_TYPES,
  load: (events, ctx) =>
    loadRows(
      ctx,
      cohortMembersTable,
      'subscriber_id',
      events.map((e) => e.data.subscriberId),
    ),
  evolve: evolveCohorts,
  async save(changes, ctx) {
    await upsertTable(ctx, cohortMembersTable, changes.members, 'replace');
    await upsertTable(ctx, cohortsTable, changes.sizes, 'add');
    await upsertTable(ctx, cohortChangesTable, changes.changes, 'add');
  },
});
