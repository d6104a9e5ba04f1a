import { randomUUID } from 'node:crypto';
import { advanceCheckpoint, readCheckpoint, resetCheckpoint, runMigrations, type SqlDatabase, type SqlExecutor } from '@libs/sql';
import { APPLICATION_MIGRATIONS_TABLE, applicationMigrations } from '@libs/application';
import { generateSecret } from './signing.js';

export type WebhookStatus = 'active' | 'failing' | 'disabled';

/** One subscription as stored (secrets included: never log or answer this as is). */
export interface WebhookRecord {
  id: string;
  url: string;
  types: string[] | null;
  stream: string | null;
  description: string | null;
  status: WebhookStatus;
  secret: string;
  previousSecret: string | null;
  previousSecretUntil: string | null;
  failingSince: string | null;
  /** Bumped by every change a running sink must pick up (URL, filters, status, secrets). */
  revision: number;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookAttempt {
  eventId: string;
  position: string;
  attempt: number;
  statusCode: number | null;
  error: string | null;
  latencyMs: number;
  at: string;
  responseExcerpt: string | null;
}

/** The checkpoint of a webhook subscription's relay. */
export const webhookSinkName = (id: string) => `webhook:${id}`;

interface Row {
  id: string;
  url: string;
  types: string[] | null;
  stream: string | null;
  description: string | null;
  status: WebhookStatus;
  secret: string;
  previous_secret: string | null;
  previous_secret_until: Date | string | null;
  failing_since: Date | string | null;
  revision: number;
  created_at: Date | string;
  updated_at: Date | string;
}

const iso = (v: Date | string | null): string | null => (v === null ? null : new Date(v).toISOString());

function record(r: Row): WebhookRecord {
  return {
    id: r.id,
    url: r.url,
    types: r.types,
    stream: r.stream,
    description: r.description,
    status: r.status,
    secret: r.secret,
    previousSecret: r.previous_secret,
    previousSecretUntil: iso(r.previous_secret_until),
    failingSince: iso(r.failing_since),
    revision: Number(r.revision),
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

const COLUMNS = 'id, url, types, stream, description, status, secret, previous_secret, previous_secret_until, failing_since, revision, created_at, updated_at';

/** The webhook subscriptions and their attempt log (application schema v4). */
export class WebhookStore {
  private initialized?: Promise<unknown>;

  constructor(private readonly db: SqlDatabase) {}

  /** Creates the tables if needed (the projector runs no LifecycleApplication that would). */
  init(): Promise<unknown> {
    this.initialized ??= runMigrations(this.db, APPLICATION_MIGRATIONS_TABLE, applicationMigrations);
    return this.initialized;
  }

  /** A new active subscription whose checkpoint starts at `after` (the head: new events only). */
  async create(input: { url: string; types?: string[] | null; stream?: string | null; description?: string | null }, after: string): Promise<WebhookRecord> {
    const id = randomUUID();
    const secret = generateSecret();
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.query<Row>(
        `INSERT INTO app_webhooks (id, url, types, stream, description, status, secret) VALUES ($1, $2, $3, $4, $5, 'active', $6) RETURNING ${COLUMNS}`,
        [id, input.url, input.types ?? null, input.stream ?? null, input.description ?? null, secret],
      );
      await resetCheckpoint(tx, webhookSinkName(id));
      await advanceCheckpoint(tx, webhookSinkName(id), '0', after);
      return record(rows[0]!);
    });
  }

  async list(): Promise<WebhookRecord[]> {
    const { rows } = await this.db.query<Row>(`SELECT ${COLUMNS} FROM app_webhooks ORDER BY created_at, id`);
    return rows.map(record);
  }

  async get(id: string, db: SqlExecutor = this.db): Promise<WebhookRecord | undefined> {
    const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM app_webhooks WHERE id = $1`, [id]);
    return rows[0] ? record(rows[0]) : undefined;
  }

  /** Changes URL, filters or status; `active` also forgets the failure streak (re-enabling a failing one). */
  async update(id: string, patch: { status?: 'active' | 'disabled'; url?: string; types?: string[] | null; stream?: string | null; description?: string | null }): Promise<WebhookRecord | undefined> {
    const sets: string[] = [];
    const params: unknown[] = [id];
    const set = (column: string, value: unknown) => {
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    };
    if (patch.url !== undefined) set('url', patch.url);
    if (patch.types !== undefined) set('types', patch.types);
    if (patch.stream !== undefined) set('stream', patch.stream);
    if (patch.description !== undefined) set('description', patch.description);
    if (patch.status !== undefined) {
      set('status', patch.status);
      if (patch.status === 'active') sets.push('failing_since = NULL');
    }
    sets.push('revision = revision + 1', 'updated_at = now()');
    const { rows } = await this.db.query<Row>(`UPDATE app_webhooks SET ${sets.join(', ')} WHERE id = $1 RETURNING ${COLUMNS}`, params);
    return rows[0] ? record(rows[0]) : undefined;
  }

  /** Removes the subscription, its attempts and its checkpoint. */
  async delete(id: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const { rowCount } = await tx.query('DELETE FROM app_webhooks WHERE id = $1', [id]);
      await tx.query('DELETE FROM app_webhook_attempts WHERE webhook_id = $1', [id]);
      await resetCheckpoint(tx, webhookSinkName(id));
      return rowCount === 1;
    });
  }

  /** A new secret; the current one keeps signing until `overlapMs` from now. */
  async rotateSecret(id: string, overlapMs: number): Promise<WebhookRecord | undefined> {
    const { rows } = await this.db.query<Row>(
      `UPDATE app_webhooks SET previous_secret = secret, previous_secret_until = now() + ($3::bigint * interval '1 millisecond'),
         secret = $2, revision = revision + 1, updated_at = now()
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, generateSecret(), overlapMs],
    );
    return rows[0] ? record(rows[0]) : undefined;
  }

  /** Moves the checkpoint to `after`: everything after it is delivered again. */
  async replay(id: string, after: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await resetCheckpoint(tx, webhookSinkName(id));
      await advanceCheckpoint(tx, webhookSinkName(id), '0', after);
    });
  }

  checkpoint(id: string): Promise<string> {
    return readCheckpoint(this.db, webhookSinkName(id));
  }

  /** Start of a failure streak (kept across restarts, so `failing` counts from the first failure). */
  async setFailingSince(id: string, at: string | null): Promise<void> {
    await this.db.query('UPDATE app_webhooks SET failing_since = $2 WHERE id = $1', [id, at]);
  }

  /** Marks the subscription `failing` unless someone changed it meanwhile (then the new revision rules). */
  async markFailing(id: string, revision: number): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `UPDATE app_webhooks SET status = 'failing', revision = revision + 1, updated_at = now() WHERE id = $1 AND revision = $2 AND status = 'active'`,
      [id, revision],
    );
    return rowCount === 1;
  }

  async recordAttempts(webhookId: string, attempts: readonly WebhookAttempt[]): Promise<void> {
    if (attempts.length === 0) return;
    const params: unknown[] = [];
    const values = attempts.map((a) => {
      params.push(webhookId, a.eventId, a.position, a.attempt, a.statusCode, a.error, a.latencyMs, a.at, a.responseExcerpt);
      const n = params.length;
      return `($${n - 8}, $${n - 7}, $${n - 6}::numeric, $${n - 5}, $${n - 4}, $${n - 3}, $${n - 2}, $${n - 1}, $${n})`;
    });
    await this.db.query(
      `INSERT INTO app_webhook_attempts (webhook_id, event_id, position, attempt, status_code, error, latency_ms, at, response_excerpt) VALUES ${values.join(', ')}`,
      params,
    );
  }

  /** Attempts, newest first, after the attempt `before` (a cursor's id). */
  async attempts(webhookId: string, options: { before?: string; limit: number }): Promise<Array<WebhookAttempt & { id: string }>> {
    const params: unknown[] = [webhookId, options.limit];
    let where = 'webhook_id = $1';
    if (options.before !== undefined) {
      params.push(options.before);
      where += ' AND id < $3::bigint';
    }
    const { rows } = await this.db.query<{
      id: string | number;
      event_id: string;
      position: string;
      attempt: number;
      status_code: number | null;
      error: string | null;
      latency_ms: number;
      at: Date | string;
      response_excerpt: string | null;
    }>(
      `SELECT id::text AS id, event_id, position::text AS position, attempt, status_code, error, latency_ms, at, response_excerpt
       FROM app_webhook_attempts WHERE ${where} ORDER BY id DESC LIMIT $2`,
      params,
    );
    return rows.map((r) => ({
      id: String(r.id),
      eventId: r.event_id,
      position: r.position,
      attempt: Number(r.attempt),
      statusCode: r.status_code === null ? null : Number(r.status_code),
      error: r.error,
      latencyMs: Number(r.latency_ms),
      at: iso(r.at)!,
      responseExcerpt: r.response_excerpt,
    }));
  }

  /**
   * Retention: attempts older than `hours`, and checkpoints left by subscriptions deleted while
   * another process was delivering for them.
   */
  async prune(hours: number): Promise<number> {
    const { rowCount } = await this.db.query(`DELETE FROM app_webhook_attempts WHERE at < now() - ($1::bigint * interval '1 hour')`, [hours]);
    await this.db.query(
      `DELETE FROM cl_checkpoints WHERE name LIKE 'webhook:%' AND NOT EXISTS (SELECT 1 FROM app_webhooks w WHERE 'webhook:' || w.id = cl_checkpoints.name)`,
    );
    return rowCount;
  }
}
