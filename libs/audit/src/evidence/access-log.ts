import { runMigrations, type SqlDatabase } from '@libs/sql';
import { AUDIT_MIGRATIONS_TABLE, auditMigrations } from './schema.js';

/** What kind of read (domain.md §7 "Reads are accounted for"). */
export type AccessKind = 'history' | 'state-as-of' | 'integrity' | 'export' | 'evidence' | 'access-log';

/** A read to record: who (key id or CLI user), acting as which role, what (route or command) on which target. */
export interface AccessRecord {
  actor: string;
  role: string;
  /** `http` or `cli`. */
  source: 'http' | 'cli';
  kind: AccessKind;
  /** The route (`GET /v1/subscribers/{id}/history`) or command (`audit export --all`), with its bounds. */
  what: string;
  /** The stream, aggregate id or directory read; null for the whole log. */
  target?: string | null;
  at?: Date;
}

export interface AccessEntry {
  id: string;
  at: string;
  actor: string;
  role: string;
  source: 'http' | 'cli';
  kind: AccessKind;
  what: string;
  target: string | null;
}

/** An entry as the database returns it (`at` a timestamp). */
type Row = Omit<AccessEntry, 'at'> & { at: Date };

/** Something that records reads (the access log, or a stand-in in a test). */
export interface AccessRecorder {
  record(entry: AccessRecord): Promise<void>;
}

/**
 * The access log (audit schema v2): an append-only table of its own — not the lifecycle log —
 * that the database refuses to update, and deletes from only when pruning by age. Read by
 * `admin` only (GET /v1/audit/access-log), newest first.
 */
export class AccessLog implements AccessRecorder {
  constructor(private readonly db: SqlDatabase) {}

  async init(): Promise<void> {
    await runMigrations(this.db, AUDIT_MIGRATIONS_TABLE, auditMigrations);
  }

  async record(entry: AccessRecord): Promise<void> {
    await this.db.query(
      'INSERT INTO audit_access_log (at, actor, role, source, kind, what, target) VALUES (COALESCE($1::timestamptz, now()), $2, $3, $4, $5, $6, $7)',
      [entry.at?.toISOString() ?? null, entry.actor, entry.role, entry.source, entry.kind, entry.what, entry.target ?? null],
    );
  }

  /** Newest first; `before` is the id of the last entry of the previous page. */
  async list(options: { limit: number; before?: string; actor?: string; since?: string }): Promise<AccessEntry[]> {
    const { rows } = await this.db.query<Row>(
      `SELECT id::text AS id, at, actor, role, source, kind, what, target FROM audit_access_log
        WHERE ($1::bigint IS NULL OR id < $1::bigint) AND ($2::text IS NULL OR actor = $2) AND ($3::timestamptz IS NULL OR at >= $3::timestamptz)
        ORDER BY id DESC LIMIT $4`,
      [options.before ?? null, options.actor ?? null, options.since ?? null, options.limit],
    );
    return rows.map((r) => ({ id: r.id, at: r.at.toISOString(), actor: r.actor, role: r.role, source: r.source, kind: r.kind, what: r.what, target: r.target }));
  }

  /** Deletes the entries older than `retentionDays` before `now`; resolves with how many. */
  async prune(now: Date, retentionDays: number): Promise<number> {
    const cutoff = new Date(now.getTime() - retentionDays * 86_400_000).toISOString();
    return this.db.transaction(async (tx) => {
      // The append-only trigger lets this transaction, and only it, delete.
      await tx.query("SELECT set_config('audit.access_log_pruning', 'on', true)");
      const { rowCount } = await tx.query('DELETE FROM audit_access_log WHERE at < $1::timestamptz', [cutoff]);
      return rowCount;
    });
  }
}
