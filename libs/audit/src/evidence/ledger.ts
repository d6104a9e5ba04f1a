import { comparePositions, type EventStore } from '@libs/event-store';
import { runMigrations, type SqlDatabase, type SqlExecutor } from '@libs/sql';
import { signCheckpoint, type Checkpoint } from './checkpoint.js';
import type { Keyring } from './keys.js';
import { byStreamId, leafHash, merkleRootOfLeaves, MerkleRootBuilder, type Head } from './merkle.js';
import { AUDIT_MIGRATIONS_TABLE, auditMigrations } from './schema.js';
import { readAhead, storedLogPages } from './stored-log.js';

/** Refusal to sign: no key (production without AUDIT_SIGNING_KEY_FILE). */
export class SigningUnavailableError extends Error {
  readonly code = 'audit-signing-unavailable';
}

export interface LedgerLogger {
  warn(message: string): void;
  error(message: string): void;
}

interface CheckpointRow {
  id: number;
  position: string;
  at: Date;
  streams: number;
  heads_root: string;
  key_id: string;
  signature: string;
}

/** A stored checkpoint and its row id (the cursor of the listing). */
export interface StoredCheckpoint {
  id: number;
  checkpoint: Checkpoint;
}

function toCheckpoint(row: CheckpointRow): Checkpoint {
  return {
    position: String(row.position),
    at: row.at.toISOString(),
    streams: Number(row.streams),
    headsRoot: row.heads_root,
    keyId: row.key_id,
    signature: row.signature,
  };
}

const COLUMNS = 'id, position::text AS position, at, streams, heads_root, key_id, signature';
const INSERT_CHUNK = 5_000;
/** Stored heads per read: at 100,000 streams one query held every row twice (driver rows and heads). */
const HEADS_PAGE = 5_000;
const LOCK_KEY = 'audit_checkpoints';

/**
 * Heads by stream, with the leaf digest when it is known: a new checkpoint over 100,000 streams
 * reuses the digests of the heads that did not move since the one it builds on (computed while
 * that one's stored heads were checked) instead of hashing every leaf twice.
 */
type Leaves = Map<string, { version: number; hash: string; leaf?: Buffer }>;

/** The Merkle root over `leaves` in stream order, hashing only the leaves that have no digest yet. */
function rootOf(leaves: Leaves): string {
  const heads = [...leaves].map(([streamId, h]) => ({ streamId, version: h.version, hash: h.hash, leaf: h.leaf })).sort(byStreamId);
  return merkleRootOfLeaves(heads.map((h) => h.leaf ?? leafHash(h)));
}

/**
 * Signed checkpoints (domain.md §7): computing, signing, storing and listing them. A new
 * checkpoint's heads are the previous checkpoint's heads — read back and checked against that
 * checkpoint's signed root, or taken from this process's memory — moved on by the events written
 * since, so its cost follows what was written, not the size of the log; the first reads the log once.
 */
export class CheckpointLedger {
  private cache?: { id: number; position: string; leaves: Leaves };

  constructor(
    private readonly store: EventStore,
    private readonly db: SqlDatabase,
    readonly keyring: Keyring,
    private readonly logger?: LedgerLogger,
  ) {}

  async init(): Promise<void> {
    await runMigrations(this.db, AUDIT_MIGRATIONS_TABLE, auditMigrations);
  }

  get canSign(): boolean {
    return this.keyring.signing !== undefined;
  }

  /**
   * Signs a checkpoint of the log as it is now and stores it. `ifChanged`: when nothing was
   * written since the latest checkpoint, returns that one instead (`created: false`).
   */
  async create(options: { now?: Date; ifChanged?: boolean } = {}): Promise<{ checkpoint: Checkpoint; id: number; created: boolean }> {
    const key = this.keyring.signing;
    if (!key) throw new SigningUnavailableError(this.keyring.unavailableReason ?? 'no audit signing key');
    for (let attempt = 1; ; attempt++) {
      const previous = await this.latest();
      const position = await this.store.headPosition();
      if (options.ifChanged && previous && previous.checkpoint.position === position) return { ...previous, created: false };
      const base = await this.baseOf(previous);
      const leaves: Leaves = new Map(base.leaves);
      // Positions never go backwards in an intact log; if the head is behind the last checkpoint
      // the log lost events, which verification reports. The new checkpoint covers what is there.
      const from = previous && comparePositions(position, base.position) >= 0 ? base.position : '0';
      if (from === '0' && base.position !== '0') leaves.clear();
      for await (const page of storedLogPages(this.store, { after: from, until: position })) {
        for (const e of page) leaves.set(e.streamId, { version: e.version, hash: String(e.metadata.hash) });
      }
      const checkpoint = signCheckpoint({ position, at: (options.now ?? new Date()).toISOString(), streams: leaves.size, headsRoot: rootOf(leaves) }, key);
      const id = await this.db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [LOCK_KEY]);
        const { rows } = await tx.query<{ id: number | null }>('SELECT max(id) AS id FROM audit_checkpoints');
        if ((rows[0]?.id ?? null) !== (previous?.id ?? null)) return undefined;
        const inserted = await tx.query<{ id: number }>(
          'INSERT INTO audit_checkpoints (position, at, streams, heads_root, key_id, signature) VALUES ($1::numeric, $2, $3, $4, $5, $6) RETURNING id',
          [checkpoint.position, checkpoint.at, checkpoint.streams, checkpoint.headsRoot, checkpoint.keyId, checkpoint.signature],
        );
        const newId = Number(inserted.rows[0].id);
        await this.insertDelta(tx, newId, base.stored, leaves);
        await tx.query('INSERT INTO audit_signing_keys (key_id, public_key) VALUES ($1, $2) ON CONFLICT (key_id) DO NOTHING', [key.keyId, key.publicKeyPem]);
        return newId;
      });
      if (id === undefined) {
        // Another process signed meanwhile: build on its checkpoint instead.
        if (attempt >= 5) throw new Error('checkpoint signing kept racing with another process');
        continue;
      }
      this.cache = { id, position, leaves };
      return { checkpoint, id, created: true };
    }
  }

  /** The heads to build on: from memory, or the previous checkpoint's as stored when they match its root. */
  private async baseOf(previous: StoredCheckpoint | undefined): Promise<{ position: string; leaves: Leaves; stored: Leaves }> {
    if (!previous) return { position: '0', leaves: new Map(), stored: new Map() };
    if (this.cache?.id === previous.id) return { position: this.cache.position, leaves: this.cache.leaves, stored: this.cache.leaves };
    // One pass over the stored heads, in the tree's order: the map to build on and the root to check it by.
    const stored: Leaves = new Map();
    const root = new MerkleRootBuilder();
    for await (const page of readAhead(this.headPages(previous.id))) {
      for (const h of page) {
        const leaf = leafHash(h);
        root.pushLeaf(h.streamId, leaf);
        stored.set(h.streamId, { version: h.version, hash: h.hash, leaf });
      }
    }
    if (root.root() === previous.checkpoint.headsRoot && stored.size === previous.checkpoint.streams) {
      return { position: previous.checkpoint.position, leaves: stored, stored };
    }
    this.logger?.error(`the stored heads of checkpoint ${previous.id} do not match its signed root: someone changed them; the next checkpoint is computed from the whole log`);
    return { position: '0', leaves: new Map(), stored };
  }

  /** Writes the rows that make `leaves` the heads as of `id`, given the heads stored before it. */
  private async insertDelta(tx: SqlExecutor, id: number, before: Leaves, leaves: Leaves): Promise<void> {
    const ids: string[] = [];
    const versions: number[] = [];
    const hashes: string[] = [];
    const flush = async () => {
      if (ids.length === 0) return;
      await tx.query(
        'INSERT INTO audit_checkpoint_heads (checkpoint_id, stream_id, version, hash) SELECT $1, s, v, h FROM unnest($2::text[], $3::bigint[], $4::text[]) AS u(s, v, h)',
        [id, ids, versions, hashes],
      );
      ids.length = versions.length = hashes.length = 0;
    };
    const push = async (streamId: string, version: number, hash: string) => {
      ids.push(streamId);
      versions.push(version);
      hashes.push(hash);
      if (ids.length >= INSERT_CHUNK) await flush();
    };
    for (const [streamId, head] of leaves) {
      const was = before.get(streamId);
      if (!was || was.version !== head.version || was.hash !== head.hash) await push(streamId, head.version, head.hash);
    }
    for (const streamId of before.keys()) if (!leaves.has(streamId)) await push(streamId, -1, '');
    await flush();
  }

  /** The heads of a stored checkpoint as the database holds them (check them against its root). */
  async loadLeaves(id: number): Promise<Leaves> {
    const leaves: Leaves = new Map();
    for await (const page of this.headPages(id)) for (const h of page) leaves.set(h.streamId, { version: h.version, hash: h.hash });
    return leaves;
  }

  /** A stored checkpoint's heads sorted by stream (the tree's leaves), as the database holds them. */
  async heads(id: number): Promise<Head[]> {
    const heads: Head[] = [];
    for await (const page of this.headPages(id)) for (const h of page) heads.push(h);
    return heads;
  }

  /**
   * A stored checkpoint's heads page by page in the tree's order (stream names are ASCII and the
   * column's collation is "C", so the database's order is the code-unit order the tree uses): a
   * reader holds one page, not 100,000 heads.
   */
  async *headPages(id: number, pageSize = HEADS_PAGE): AsyncGenerator<Head[]> {
    let after = '';
    for (;;) {
      const { rows } = await this.db.query<{ stream_id: string; version: number; hash: string }>(
        `SELECT DISTINCT ON (stream_id) stream_id, version, hash FROM audit_checkpoint_heads
          WHERE checkpoint_id <= $1 AND stream_id > $2 ORDER BY stream_id, checkpoint_id DESC LIMIT $3`,
        [id, after, pageSize],
      );
      if (rows.length === 0) return;
      const heads: Head[] = [];
      for (const r of rows) {
        if (r.stream_id <= after) throw new Error(`the stored heads of checkpoint ${id} are not in the tree's order at ${r.stream_id}`);
        after = r.stream_id;
        // A row of version -1 says the stream left the heads at that checkpoint.
        if (Number(r.version) >= 0) heads.push({ streamId: r.stream_id, version: Number(r.version), hash: r.hash });
      }
      if (heads.length > 0) yield heads;
      if (rows.length < pageSize) return;
    }
  }

  async latest(): Promise<StoredCheckpoint | undefined> {
    const { rows } = await this.db.query<CheckpointRow>(`SELECT ${COLUMNS} FROM audit_checkpoints ORDER BY id DESC LIMIT 1`);
    return rows[0] ? { id: Number(rows[0].id), checkpoint: toCheckpoint(rows[0]) } : undefined;
  }

  async byId(id: number): Promise<StoredCheckpoint | undefined> {
    const { rows } = await this.db.query<CheckpointRow>(`SELECT ${COLUMNS} FROM audit_checkpoints WHERE id = $1`, [id]);
    return rows[0] ? { id: Number(rows[0].id), checkpoint: toCheckpoint(rows[0]) } : undefined;
  }

  /** Newest first; `before` is the id of the last one of the previous page. */
  async list(options: { limit: number; before?: number }): Promise<StoredCheckpoint[]> {
    const { rows } = await this.db.query<CheckpointRow>(
      `SELECT ${COLUMNS} FROM audit_checkpoints WHERE ($1::bigint IS NULL OR id < $1) ORDER BY id DESC LIMIT $2`,
      [options.before ?? null, options.limit],
    );
    return rows.map((r) => ({ id: Number(r.id), checkpoint: toCheckpoint(r) }));
  }

  /** The stored copy of a kept checkpoint (same position, root and signature), if the database still has it. */
  async find(checkpoint: Checkpoint): Promise<StoredCheckpoint | undefined> {
    const { rows } = await this.db.query<CheckpointRow>(
      `SELECT ${COLUMNS} FROM audit_checkpoints WHERE position = $1::numeric AND heads_root = $2 AND signature = $3 ORDER BY id LIMIT 1`,
      [checkpoint.position, checkpoint.headsRoot, checkpoint.signature],
    );
    return rows[0] ? { id: Number(rows[0].id), checkpoint: toCheckpoint(rows[0]) } : undefined;
  }

  /** Public keys recorded when they signed (each checked against its id by the keyring). */
  async recordedKeys(): Promise<Array<{ keyId: string; publicKey: string; firstUsedAt: string }>> {
    const { rows } = await this.db.query<{ key_id: string; public_key: string; first_used_at: Date }>(
      'SELECT key_id, public_key, first_used_at FROM audit_signing_keys ORDER BY first_used_at, key_id',
    );
    return rows.map((r) => ({ keyId: r.key_id, publicKey: r.public_key, firstUsedAt: r.first_used_at.toISOString() }));
  }
}
