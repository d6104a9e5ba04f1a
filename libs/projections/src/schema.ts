import type { Migration } from '@libs/sql';
import { churnSubscribersTable, churnTable } from './read-models/churn/table.js';
import { cohortChangesTable, cohortMembersTable, cohortsTable } from './read-models/cohorts/table.js';
import { revenueBilledTable, revenueSubscribersTable, revenueTable } from './read-models/revenue-per-client/table.js';
import { salesPerRepTable, salesSubscribersTable } from './read-models/sales-per-rep/table.js';
import { tableMigration } from './read-models/table.js';

/** Table recording which read-model migrations ran. */
export const READ_MODEL_MIGRATIONS_TABLE = 'rm_migrations';

/** The per-subscriber tables shared in shape by `subscribers` and `client-profitability`. */
function subscriberLedgerTables(prefix: string, comment: string): string[] {
  return [
    `CREATE TABLE ${prefix} (
       subscriber_id text PRIMARY KEY,
       name text NOT NULL,
       segment text NOT NULL,
       status text NOT NULL,
       plan_code text NOT NULL,
       currency text NOT NULL,
       monthly_fee bigint NOT NULL,
       mrr bigint NOT NULL,
       balance bigint NOT NULL DEFAULT 0,
       sales_rep_id text NOT NULL,
       enrolled_at timestamptz NOT NULL,
       terminated_at timestamptz,
       notice_by text,
       billed bigint NOT NULL DEFAULT 0,
       collected bigint NOT NULL DEFAULT 0,
       cost_to_serve bigint NOT NULL DEFAULT 0,
       written_off bigint NOT NULL DEFAULT 0,
       missed_unpaid int NOT NULL DEFAULT 0,
       open_cases int NOT NULL DEFAULT 0,
       complaints int NOT NULL DEFAULT 0,
       updated_at timestamptz NOT NULL
     )`,
    `COMMENT ON TABLE ${prefix} IS '${comment}'`,
    `CREATE INDEX ${prefix}_segment_status ON ${prefix} (segment, status, subscriber_id)`,
    `CREATE TABLE ${prefix}_invoices (
       invoice_key text PRIMARY KEY,
       subscriber_id text NOT NULL,
       amount bigint NOT NULL,
       owed bigint NOT NULL,
       missed boolean NOT NULL DEFAULT false
     )`,
    `COMMENT ON TABLE ${prefix}_invoices IS 'Internal state: what is still owed on each invoice (key subscriberId/invoiceId)'`,
    `CREATE TABLE ${prefix}_ledger (
       subscriber_id text NOT NULL,
       at timestamptz NOT NULL,
       billed bigint NOT NULL DEFAULT 0,
       collected bigint NOT NULL DEFAULT 0,
       cost bigint NOT NULL DEFAULT 0
     )`,
    `COMMENT ON TABLE ${prefix}_ledger IS 'Internal state: invoices, payments and costs of the trailing 90 days (older rows are pruned)'`,
    `CREATE INDEX ${prefix}_ledger_subscriber ON ${prefix}_ledger (subscriber_id, at)`,
    `CREATE INDEX ${prefix}_ledger_at ON ${prefix}_ledger (at)`,
  ];
}

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
      ...subscriberLedgerTables('rm_subscribers', 'Subscribers list: one row per subscriber, current status, plan, balance and flags'),
      ...subscriberLedgerTables('rm_client_profitability', 'Client profitability: lifetime billed, collected and cost to serve per subscriber'),
      `CREATE TABLE rm_cases (
         case_id text PRIMARY KEY,
         subscriber_id text NOT NULL,
         kind text NOT NULL,
         status text NOT NULL,
         summary text NOT NULL,
         opened_by text NOT NULL,
         opened_at timestamptz NOT NULL,
         closed_at timestamptz,
         outcome text,
         last_event_type text NOT NULL,
         last_event_at timestamptz NOT NULL,
         events int NOT NULL
       )`,
      `COMMENT ON TABLE rm_cases IS 'Cases: one row per case'`,
      `CREATE INDEX rm_cases_subscriber ON rm_cases (subscriber_id)`,
      ...tableMigration(churnSubscribersTable, 1),
      ...tableMigration(churnTable, 1),
      `CREATE TABLE rm_default_rate_subscribers (subscriber_id text PRIMARY KEY, segment text NOT NULL)`,
      `CREATE TABLE rm_default_rate_invoices (
         invoice_key text PRIMARY KEY,
         segment text NOT NULL,
         due_date date NOT NULL,
         due_month text NOT NULL,
         amount bigint NOT NULL,
         owed bigint NOT NULL,
         missed boolean NOT NULL DEFAULT false,
         open_span_from text
       )`,
      `COMMENT ON TABLE rm_default_rate_invoices IS 'Internal state of the default-rate projection: each invoice, its cohort and what is still owed'`,
      `CREATE TABLE rm_default_rate (
         segment text NOT NULL,
         month text NOT NULL,
         invoices_due int NOT NULL DEFAULT 0,
         amount_due bigint NOT NULL DEFAULT 0,
         invoices_defaulted int NOT NULL DEFAULT 0,
         amount_defaulted bigint NOT NULL DEFAULT 0,
         invoices_recovered int NOT NULL DEFAULT 0,
         amount_recovered bigint NOT NULL DEFAULT 0,
         amount_written_off bigint NOT NULL DEFAULT 0,
         PRIMARY KEY (segment, month)
       )`,
      `COMMENT ON TABLE rm_default_rate IS 'Default rate per segment and due-date month (the cohort of invoices due that month)'`,
      `CREATE TABLE rm_default_rate_aging_spans (
         invoice_key text NOT NULL,
         from_month text NOT NULL,
         to_month text,
         segment text NOT NULL,
         due_date date NOT NULL,
         owed bigint NOT NULL,
         PRIMARY KEY (invoice_key, from_month)
       )`,
      `COMMENT ON TABLE rm_default_rate_aging_spans IS 'A missed invoice owed this amount at the end of every month M with from_month <= M < to_month (null: still owed)'`,
      `CREATE INDEX rm_default_rate_aging_spans_months ON rm_default_rate_aging_spans (from_month, to_month)`,
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
      `CREATE TABLE rm_work_queue_subscribers (
         subscriber_id text PRIMARY KEY,
         name text NOT NULL,
         segment text NOT NULL,
         currency text NOT NULL,
         status text NOT NULL,
         customer_since timestamptz,
         amount_owed bigint NOT NULL,
         missed_invoices int NOT NULL,
         oldest_due_date date,
         unarranged_due_date date,
         arranged_until date,
         cancellation_requested_at timestamptz,
         cancellation_reason text,
         notice_effective_date date,
         notice_initiated_by text,
         state jsonb NOT NULL
       )`,
      `COMMENT ON TABLE rm_work_queue_subscribers IS 'Work queues: per subscriber what is owed on missed invoices, arrangements, pending cancellation and notice (state = the domain''s folded state, payments and costs excluded)'`,
      `CREATE INDEX rm_work_queue_subscribers_default ON rm_work_queue_subscribers (oldest_due_date, subscriber_id) WHERE missed_invoices > 0`,
      `CREATE TABLE rm_work_queue_cases (
         case_id text PRIMARY KEY,
         subscriber_id text NOT NULL,
         kind text NOT NULL,
         status text NOT NULL,
         opened_at timestamptz NOT NULL,
         next_step text,
         recommended_at timestamptz,
         effective_date date,
         approved boolean NOT NULL,
         state jsonb NOT NULL
       )`,
      `COMMENT ON TABLE rm_work_queue_cases IS 'Work queues: per case its next step and the termination recommendation awaiting approval (state = the domain''s folded case state)'`,
      `CREATE INDEX rm_work_queue_cases_open ON rm_work_queue_cases (subscriber_id, kind) WHERE status = 'open'`,
      `CREATE TABLE rm_work_queue_ledger (
         subscriber_id text NOT NULL,
         at timestamptz NOT NULL,
         collected bigint NOT NULL DEFAULT 0,
         cost bigint NOT NULL DEFAULT 0
       )`,
      `COMMENT ON TABLE rm_work_queue_ledger IS 'Work queues, internal: payments and costs of the trailing 90 days (older rows are pruned)'`,
      `CREATE INDEX rm_work_queue_ledger_subscriber ON rm_work_queue_ledger (subscriber_id, at)`,
      `CREATE INDEX rm_work_queue_ledger_at ON rm_work_queue_ledger (at)`,
    ],
  },
  {
    // Issue 17 (domain.md §5, §6): the profitability tenure, the complete MRR movement, money keyed
    // by currency and the signup cohorts. Existing rows cannot be given a currency or a tenure
    // without the log, so a database that already holds read models asks for their rebuild.
    version: 3,
    name: 'analytics: tenure, MRR movements, currencies, cohorts',
    statements: [
      ...['rm_subscribers', 'rm_client_profitability'].flatMap((t) => [
        `ALTER TABLE ${t} ADD COLUMN customer_since timestamptz`,
        `UPDATE ${t} SET customer_since = enrolled_at`,
        `ALTER TABLE ${t} ALTER COLUMN customer_since SET NOT NULL`,
      ]),
      ...tableMigration(churnSubscribersTable, 3),
      ...tableMigration(churnTable, 3),
      `ALTER TABLE rm_default_rate_subscribers ADD COLUMN currency text NOT NULL DEFAULT ''`,
      `ALTER TABLE rm_default_rate_invoices ADD COLUMN currency text NOT NULL DEFAULT ''`,
      `ALTER TABLE rm_default_rate_aging_spans ADD COLUMN currency text NOT NULL DEFAULT ''`,
      `ALTER TABLE rm_default_rate
         ADD COLUMN currency text NOT NULL DEFAULT '',
         DROP CONSTRAINT IF EXISTS rm_default_rate_pkey,
         ADD PRIMARY KEY (currency, segment, month)`,
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
