import type { Migration } from '@libs/sql';
import { casesTable } from './read-models/cases/table.js';
import { churnSubscribersTable, churnTable } from './read-models/churn/table.js';
import { cohortChangesTable, cohortMembersTable, cohortsTable } from './read-models/cohorts/table.js';
import { defaultRateAgingSpansTable, defaultRateInvoicesTable, defaultRateSubscribersTable, defaultRateTable } from './read-models/default-rate/table.js';
import { revenueBilledTable, revenueSubscribersTable, revenueTable } from './read-models/revenue-per-client/table.js';
import { salesPerRepTable, salesSubscribersTable } from './read-models/sales-per-rep/table.js';
import { clientProfitabilityTables, subscribersTables } from './read-models/subscriber-ledger/table.js';
import { tableMigration } from './read-models/table.js';
import { workQueueCasesTable, workQueueLedgerTable, workQueueSubscribersTable } from './read-models/work-queues/table.js';

/** Table recording which read-model migrations ran. */
export const READ_MODEL_MIGRATIONS_TABLE = 'rm_migrations';

/**
 * Versioned schema of every read model (docs/analysts.md, documents each column). A table declared
 * in read-models/<name>/table.ts contributes `tableMigration(table, version)` to each version: its
 * CREATE in the version that made it, the columns added since in later ones. The literal statements
 * are the tables not moved there yet, and history that no declaration describes (backfills, drops).
 */
export const readModelMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'read models',
    statements: [
      `CREATE TABLE rm_projection_meta (
         name text PRIMARY KEY,
         position numeric NOT NULL DEFAULT 0,
         as_of timestamptz,
         updated_at timestamptz NOT NULL DEFAULT now()
       )`,
      `CREATE TABLE rm_projection_requests (
         name text PRIMARY KEY,
         requested_at timestamptz NOT NULL DEFAULT now()
       )`,
      ...[subscribersTables, clientProfitabilityTables].flatMap((t) => [t.subscribers, t.invoices, t.ledger].flatMap((table) => tableMigration(table, 1))),
      ...tableMigration(casesTable, 1),
      ...tableMigration(churnSubscribersTable, 1),
      ...tableMigration(churnTable, 1),
      ...tableMigration(defaultRateSubscribersTable, 1),
      ...tableMigration(defaultRateInvoicesTable, 1),
      ...tableMigration(defaultRateTable, 1),
      ...tableMigration(defaultRateAgingSpansTable, 1),
      ...tableMigration(revenueSubscribersTable, 1),
      ...tableMigration(revenueTable, 1),
      ...tableMigration(revenueBilledTable, 1),
      ...tableMigration(salesSubscribersTable, 1),
      ...tableMigration(salesPerRepTable, 1),
    ],
  },
  {
    // Issue 16: the work queues' read model. A new projection: on an existing database it starts
    // at position 0 and catches up from the log like any projection without a checkpoint.
    version: 2,
    name: 'work queues',
    statements: [
      ...tableMigration(workQueueSubscribersTable, 2),
      ...tableMigration(workQueueCasesTable, 2),
      ...tableMigration(workQueueLedgerTable, 2),
    ],
  },
  {
    // Issue 17 (domain.md §5, §6): the profitability tenure, the complete MRR movement, money keyed
    // by currency and the signup cohorts. Existing rows cannot be given a currency or a tenure
    // without the log, so a database that already holds read models asks for their rebuild.
    version: 3,
    name: 'analytics: tenure, MRR movements, currencies, cohorts',
    statements: [
      ...[subscribersTables, clientProfitabilityTables].flatMap((t) => tableMigration(t.subscribers, 3)),
      ...tableMigration(churnSubscribersTable, 3),
      ...tableMigration(churnTable, 3),
      ...tableMigration(defaultRateSubscribersTable, 3),
      ...tableMigration(defaultRateInvoicesTable, 3),
      ...tableMigration(defaultRateAgingSpansTable, 3),
      ...tableMigration(defaultRateTable, 3),
      ...tableMigration(revenueSubscribersTable, 3),
      ...tableMigration(revenueBilledTable, 3),
      ...tableMigration(revenueTable, 3),
      ...tableMigration(salesSubscribersTable, 3),
      ...tableMigration(salesPerRepTable, 3),
      // v3's first shape of rm_cohort_members, replaced by v4 (read-models/cohorts/table.ts): history.
      `CREATE TABLE rm_cohort_members (
         subscriber_id text PRIMARY KEY,
         cohort text NOT NULL,
         segment text NOT NULL,
         currency text NOT NULL,
         customer boolean NOT NULL,
         mrr bigint NOT NULL
       )`,
      `COMMENT ON TABLE rm_cohort_members IS 'Internal state of the cohorts projection: each subscriber''s enrolment month, whether it is a customer and its MRR now'`,
      ...tableMigration(cohortsTable, 3),
      ...tableMigration(cohortChangesTable, 3),
      `INSERT INTO rm_projection_requests (name)
         SELECT n FROM unnest(ARRAY['subscribers', 'client-profitability', 'churn', 'default-rate', 'revenue-per-client', 'sales-per-rep']) AS n
          WHERE EXISTS (SELECT 1 FROM rm_projection_meta WHERE position > 0)
         ON CONFLICT (name) DO NOTHING`,
    ],
  },
  {
    // The cohorts projection folds each member's lifecycle (status, notice, fee) to know whether it
    // is still a customer and what it adds to MRR; v3's member table held only the outcome. No
    // code wrote it before this version, so it is replaced, not migrated.
    version: 4,
    name: 'analytics: cohort members keep their lifecycle state',
    statements: [
      `DROP TABLE rm_cohort_members`,
      ...tableMigration(cohortMembersTable, 4),
    ],
  },
];
