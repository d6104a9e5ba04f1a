import { runMigrations, type SqlDatabase } from '@libs/sql';
import { DomainError, type CaseKind } from '@libs/domain';
import { IdempotencyKeyInUseError, IdempotencyKeyReusedError } from './errors.js';
import { markReplayed } from './idempotency.js';
import type { ApplicationPorts, CaseIndex, IdempotencyStore, OpenCase, ScheduleIndex } from './ports.js';
import { APPLICATION_MIGRATIONS_TABLE, applicationMigrations } from './schema.js';
import type { CommandResult } from './types.js';

/** An idempotency reservation older than this is taken to be from a crashed request. */
const ABANDONED_RESERVATION_MS = 30_000;
/** Rows deleted per statement, so a long-neglected table is pruned in short transactions. */
const PRUNE_BATCH = 10_000;

/** `app_idempotency`: as durable as the events (same database on PostgreSQL and PGlite). */
export class SqlIdempotencyStore implements IdempotencyStore {
  constructor(private readonly db: SqlDatabase) {}

  async reserve(actor: string, key: string, fingerprint: string): Promise<CommandResult | null> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const inserted = await this.db.query(
        `INSERT INTO app_idempotency (actor, key, request_hash, status) VALUES ($1, $2, $3, 'pending') ON CONFLICT DO NOTHING`,
        [actor, key, fingerprint],
      );
      if (inserted.rowCount === 1) return null;
      const { rows } = await this.db.query<{ request_hash: string; status: string; response: CommandResult | null; age_ms: number }>(
        `SELECT request_hash, status, response, (extract(epoch FROM now() - created_at) * 1000)::float8 AS age_ms
           FROM app_idempotency WHERE actor = $1 AND key = $2`,
        [actor, key],
      );
      const row = rows[0];
      if (!row) continue; // released meanwhile: try to reserve again
      if (row.request_hash !== fingerprint) throw new IdempotencyKeyReusedError(key);
      if (row.status === 'done' && row.response) return markReplayed(row.response);
      if (Number(row.age_ms) < ABANDONED_RESERVATION_MS) throw new IdempotencyKeyInUseError(key);
      await this.release(actor, key);
    }
    throw new IdempotencyKeyInUseError(key);
  }

  async complete(actor: string, key: string, result: CommandResult): Promise<void> {
    await this.db.query(`UPDATE app_idempotency SET status = 'done', response = $3::jsonb, completed_at = now() WHERE actor = $1 AND key = $2`, [
      actor,
      key,
      JSON.stringify(result),
    ]);
  }

  async release(actor: string, key: string): Promise<void> {
    await this.db.query(`DELETE FROM app_idempotency WHERE actor = $1 AND key = $2 AND status = 'pending'`, [actor, key]);
  }

  /**
   * Deletes keys older than `ttlHours` (done or abandoned), in batches; returns how many. Run by
   * the scheduler pass, so the table stays the size of the retention window. A repeat after that
   * is executed again — which the deterministic event ids still catch for the same stream.
   */
  async prune(ttlHours: number): Promise<number> {
    let total = 0;
    for (;;) {
      const { rowCount } = await this.db.query(
        `DELETE FROM app_idempotency WHERE (actor, key) IN (
           SELECT actor, key FROM app_idempotency WHERE created_at < now() - $1::int * interval '1 hour' LIMIT ${PRUNE_BATCH})`,
        [ttlHours],
      );
      total += rowCount;
      if (rowCount < PRUNE_BATCH) return total;
    }
  }
}

/** `app_case_index`, whose unique (subscriber, kind) of open cases holds across service processes. */
export class SqlCaseIndex implements CaseIndex {
  constructor(private readonly db: SqlDatabase) {}

  async claim(opening: { caseId: string; subscriberId: string; kind: CaseKind; openedAt: string }): Promise<boolean> {
    const inserted = await this.db.query(
      `INSERT INTO app_case_index (case_id, subscriber_id, kind, opened_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
      [opening.caseId, opening.subscriberId, opening.kind, opening.openedAt],
    );
    if (inserted.rowCount === 1) return true;
    const { rows } = await this.db.query<{ case_id: string }>(`SELECT case_id FROM app_case_index WHERE case_id = $1`, [opening.caseId]);
    // The same case already indexed (a replay, or another process indexing its event): not ours to undo.
    if (rows.length > 0) return false;
    throw new DomainError('case-already-open', `subscriber ${opening.subscriberId} already has an open ${opening.kind} case`);
  }

  async unclaim(caseId: string): Promise<void> {
    await this.db.query(`DELETE FROM app_case_index WHERE case_id = $1`, [caseId]);
  }

  async apply(event: { type: string; data: unknown }): Promise<void> {
    const data = event.data as { caseId: string; subscriberId: string; kind?: string; occurredAt: string };
    if (event.type === 'CaseOpened') {
      await this.db.query(
        // Any conflict: this case already indexed, or (after a crash) another open case of the kind.
        `INSERT INTO app_case_index (case_id, subscriber_id, kind, opened_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
        [data.caseId, data.subscriberId, data.kind, data.occurredAt],
      );
    } else if (event.type === 'CaseClosed') {
      await this.db.query(`UPDATE app_case_index SET closed_at = $2 WHERE case_id = $1 AND closed_at IS NULL`, [data.caseId, data.occurredAt]);
    }
  }

  async openCases(subscriberId: string, at?: string): Promise<OpenCase[]> {
    const { rows } = await this.db.query<{ case_id: string; kind: CaseKind }>(
      at === undefined
        ? `SELECT case_id, kind FROM app_case_index WHERE subscriber_id = $1 AND closed_at IS NULL ORDER BY opened_at, case_id`
        : `SELECT case_id, kind FROM app_case_index WHERE subscriber_id = $1 AND opened_at <= $2::timestamptz
             AND (closed_at IS NULL OR closed_at > $2::timestamptz) ORDER BY opened_at, case_id`,
      at === undefined ? [subscriberId] : [subscriberId, at],
      { name: at === undefined ? 'app_open_cases' : 'app_open_cases_at' },
    );
    return rows.map((r) => ({ caseId: r.case_id, kind: r.kind }));
  }
}

/** `app_schedule`: a tick reads only the due rows instead of folding every subscriber. */
export class SqlScheduleIndex implements ScheduleIndex {
  constructor(private readonly db: SqlDatabase) {}

  async set(subscriberId: string, attentionAt: string | null): Promise<void> {
    await this.db.query(
      `INSERT INTO app_schedule (subscriber_id, attention_at) VALUES ($1, $2) ON CONFLICT (subscriber_id) DO UPDATE SET attention_at = EXCLUDED.attention_at`,
      [subscriberId, attentionAt],
      { name: 'app_schedule_upsert' },
    );
  }

  async due(instant: string, after: string, limit: number): Promise<string[]> {
    const { rows } = await this.db.query<{ subscriber_id: string }>(
      `SELECT subscriber_id FROM app_schedule WHERE attention_at <= $1::timestamptz AND subscriber_id > $2 ORDER BY subscriber_id LIMIT ${Math.trunc(limit)}`,
      [instant, after],
    );
    return rows.map((r) => r.subscriber_id);
  }
}

/** The SQL adapters of every port, on the service's database. */
export function sqlPorts(db: SqlDatabase): ApplicationPorts {
  return {
    idempotency: new SqlIdempotencyStore(db),
    cases: new SqlCaseIndex(db),
    schedule: new SqlScheduleIndex(db),
    init: async () => void (await runMigrations(db, APPLICATION_MIGRATIONS_TABLE, applicationMigrations)),
  };
}
