/** Read models in their own folders (table, pure evolve, projection, query, spec): see docs/architecture.md. */
import { churnSubscribersTable, churnTable } from './churn/table.js';
import type { Table } from './table.js';

export { churn, type ChurnMonth } from './churn/query.js';
export type { Table, ColumnSpec, SqlType } from './table.js';

/** Every declared read-model table: a test checks the migrated database against each declaration. */
export const READ_MODEL_TABLES: readonly Table[] = [churnTable, churnSubscribersTable];
