import { col, defineTable, type RowOf } from '../table.js';

/** Each subscriber's cohort and lifecycle state, to know whether it is still a customer and its MRR. */
export const cohortMembersTable = defineTable({
  name: 'rm_cohort_members',
  // v3 made a first version that held only the outcome; v4 replaced it (no code had written it).
  since: 4,
  comment: "Internal state of the cohorts projection: each subscriber's enrolment month and lifecycle state",
  columns: {
    subscriber_id: col.text(),
    cohort: col.text(),
    segment: col.text(),
    currency: col.text(),
    status: col.text(),
    notice_by: col.text({ nullable: true }),
    plan_code: col.text(),
    fee: col.bigint(),
  },
  key: ['subscriber_id'],
});
export type CohortMemberRow = RowOf<typeof cohortMembersTable>;

export const cohortsTable = defineTable({
  name: 'rm_cohorts',
  since: 3,
  comment: 'Signup cohorts: subscribers first enrolled in the month and the sum of their enrolment fees',
  columns: {
    cohort: col.text(),
    segment: col.text(),
    currency: col.text(),
    customers: col.int({ default: '0' }),
    mrr: col.bigint({ default: '0' }),
  },
  key: ['cohort', 'segment', 'currency'],
});
export type CohortRow = RowOf<typeof cohortsTable>;

export const cohortChangesTable = defineTable({
  name: 'rm_cohort_changes',
  since: 3,
  comment: "How a cohort's customers and MRR changed in a month: retained at the end of C+k = the running sum up to C+k",
  columns: {
    cohort: col.text(),
    month: col.text(),
    segment: col.text(),
    currency: col.text(),
    customers_delta: col.int({ default: '0' }),
    mrr_delta: col.bigint({ default: '0' }),
  },
  key: ['cohort', 'month', 'segment', 'currency'],
});
export type CohortChangeRow = RowOf<typeof cohortChangesTable>;
