/** Read models in their own folders (table, pure evolve, projection, query, spec): see docs/architecture.md. */
import { churnSubscribersTable, churnTable } from './churn/table.js';
import { cohortChangesTable, cohortMembersTable, cohortsTable } from './cohorts/table.js';
import { revenueBilledTable, revenueSubscribersTable, revenueTable } from './revenue-per-client/table.js';
import { salesPerRepTable, salesSubscribersTable } from './sales-per-rep/table.js';
import { casesTable } from './cases/table.js';
import { defaultRateAgingSpansTable, defaultRateInvoicesTable, defaultRateSubscribersTable, defaultRateTable } from './default-rate/table.js';
import { clientProfitabilityTables, subscribersTables } from './subscriber-ledger/table.js';
import { workQueueCasesTable, workQueueLedgerTable, workQueueSubscribersTable } from './work-queues/table.js';
import type { Table } from './table.js';

export { churn, type ChurnMonth } from './churn/query.js';
export { defaultRate, type Aging, type DefaultRateMonth } from './default-rate/query.js';
export { cohorts, type Cohort, type CohortMonth, type CohortsAnswer } from './cohorts/query.js';
export { revenuePerClient, type RevenueMonth } from './revenue-per-client/query.js';
export { salesReps, type RepMonth } from './sales-per-rep/query.js';
export { cases, type CaseListItem, type CasesQuery } from './cases/query.js';
export * from './subscriber-ledger/query.js';
export * from './work-queues/query.js';
export type { WorkQueueModel, WorkQueueChanges } from './work-queues/evolve.js';
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
  ...[subscribersTables, clientProfitabilityTables].flatMap((t) => [t.subscribers, t.invoices, t.ledger]),
  casesTable,
  defaultRateSubscribersTable,
  defaultRateInvoicesTable,
  defaultRateTable,
  defaultRateAgingSpansTable,
  workQueueSubscribersTable,
  workQueueCasesTable,
  workQueueLedgerTable,
];
