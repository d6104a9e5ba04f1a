/** Read models in their own folders (table, pure evolve, projection, query, spec): see docs/architecture.md. */
import { churnSubscribersTable, churnTable } from './churn/table.js';
import { cohortChangesTable, cohortMembersTable, cohortsTable } from './cohorts/table.js';
import { revenueBilledTable, revenueSubscribersTable, revenueTable } from './revenue-per-client/table.js';
import { salesPerRepTable, salesSubscribersTable } from './sales-per-rep/table.js';
import type { Table } from './table.js';

export { churn, type ChurnMonth } from './churn/query.js';
export { cohorts, type Cohort, type CohortMonth, type CohortsAnswer } from './cohorts/query.js';
export { revenuePerClient, type RevenueMonth } from './revenue-per-client/query.js';
export { salesReps, type RepMonth } from './sales-per-rep/query.js';
export type { Table, ColumnSpec, SqlType } from './table.js';

/** Every declared read-model table: a test checks the migrated database against each declaration. */
export const READ_MODEL_TABLES: readonly Table[] = [
  churnTable,
  churnSubscribersTable,
  revenueTable,
  revenueBilledTable,
  revenueSubscribersTable,
  salesPerRepTable,
  salesSubscribersTable,
  cohortsTable,
  cohortChangesTable,
  cohortMembersTable,
];
