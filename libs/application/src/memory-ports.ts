import { DomainError, type CaseKind } from '@libs/domain';
import { IdempotencyKeyInUseError, IdempotencyKeyReusedError } from './errors.js';
import { markReplayed } from './idempotency.js';
import type { ApplicationPorts, CaseIndex, IdempotencyStore, OpenCase, ScheduleIndex } from './ports.js';
import type { CommandResult } from './types.js';

/**
 * In-memory adapters of the application's ports: the same answers as the SQL adapters for one
 * process (a pending key is in use; nothing is ever abandoned by a crash, since nothing survives
 * one). For unit tests and the simulator's in-process target.
 */
export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly keys = new Map<string, { fingerprint: string; response?: CommandResult; createdAt: number }>();

  constructor(private readonly clock: () => number = () => Date.now()) {}

  async reserve(actor: string, key: string, fingerprint: string): Promise<CommandResult | null> {
    const id = `${actor}\u0000${key}`;
    const row = this.keys.get(id);
    if (!row) {
      this.keys.set(id, { fingerprint, createdAt: this.clock() });
      return null;
    }
    if (row.fingerprint !== fingerprint) throw new IdempotencyKeyReusedError(key);
    if (row.response) return markReplayed(structuredClone(row.response));
    throw new IdempotencyKeyInUseError(key);
  }

  async complete(actor: string, key: string, result: CommandResult): Promise<void> {
    const row = this.keys.get(`${actor}\u0000${key}`);
    if (row) row.response = structuredClone(result);
  }

  async release(actor: string, key: string): Promise<void> {
    const id = `${actor}\u0000${key}`;
    if (this.keys.get(id)?.response === undefined) this.keys.delete(id);
  }

  async prune(ttlHours: number): Promise<number> {
    const before = this.clock() - ttlHours * 3_600_000;
    let pruned = 0;
    for (const [id, row] of this.keys) if (row.createdAt < before && this.keys.delete(id)) pruned++;
    return pruned;
  }
}

interface IndexedCase {
  subscriberId: string;
  kind: CaseKind;
  openedAt: string;
  closedAt: string | null;
}

export class MemoryCaseIndex implements CaseIndex {
  private readonly cases = new Map<string, IndexedCase>();

  async claim(opening: { caseId: string; subscriberId: string; kind: CaseKind; openedAt: string }): Promise<boolean> {
    if (this.cases.has(opening.caseId)) return false;
    if (this.openOf(opening.subscriberId).some((c) => c.kind === opening.kind)) {
      throw new DomainError('case-already-open', `subscriber ${opening.subscriberId} already has an open ${opening.kind} case`);
    }
    this.cases.set(opening.caseId, { subscriberId: opening.subscriberId, kind: opening.kind, openedAt: opening.openedAt, closedAt: null });
    return true;
  }

  async unclaim(caseId: string): Promise<void> {
    this.cases.delete(caseId);
  }

  async apply(event: { type: string; data: unknown }): Promise<void> {
    const data = event.data as { caseId: string; subscriberId: string; kind: CaseKind; occurredAt: string };
    if (event.type === 'CaseOpened') {
      // Like the SQL index: a case already indexed, or another open one of the kind, wins.
      if (!this.cases.has(data.caseId) && !this.openOf(data.subscriberId).some((c) => c.kind === data.kind)) {
        this.cases.set(data.caseId, { subscriberId: data.subscriberId, kind: data.kind, openedAt: data.occurredAt, closedAt: null });
      }
    } else if (event.type === 'CaseClosed') {
      const c = this.cases.get(data.caseId);
      if (c && c.closedAt === null) c.closedAt = data.occurredAt;
    }
  }

  async openCases(subscriberId: string, at?: string): Promise<OpenCase[]> {
    return this.openOf(subscriberId, at);
  }

  private openOf(subscriberId: string, at?: string): OpenCase[] {
    const atMs = at === undefined ? undefined : Date.parse(at);
    const open: Array<OpenCase & { openedMs: number }> = [];
    for (const [caseId, c] of this.cases) {
      if (c.subscriberId !== subscriberId) continue;
      const openedMs = Date.parse(c.openedAt);
      const isOpen =
        atMs === undefined ? c.closedAt === null : openedMs <= atMs && (c.closedAt === null || Date.parse(c.closedAt) > atMs);
      if (isOpen) open.push({ caseId, kind: c.kind, openedMs });
    }
    return open
      .sort((a, b) => a.openedMs - b.openedMs || (a.caseId < b.caseId ? -1 : a.caseId > b.caseId ? 1 : 0))
      .map(({ caseId, kind }) => ({ caseId, kind }));
  }
}

export class MemoryScheduleIndex implements ScheduleIndex {
  private readonly attention = new Map<string, number>();

  async set(subscriberId: string, attentionAt: string | null): Promise<void> {
    if (attentionAt === null) this.attention.delete(subscriberId);
    else this.attention.set(subscriberId, Date.parse(attentionAt));
  }

  async due(instant: string, after: string, limit: number): Promise<string[]> {
    const ms = Date.parse(instant);
    const due: string[] = [];
    for (const [id, at] of this.attention) if (at <= ms && id > after) due.push(id);
    // Any total order works: only the paging (`after`) relies on it.
    return due.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).slice(0, limit);
  }
}

/** The in-memory adapters of every port. */
export function memoryPorts(clock?: () => number): ApplicationPorts {
  return { idempotency: new MemoryIdempotencyStore(clock), cases: new MemoryCaseIndex(), schedule: new MemoryScheduleIndex(), init: async () => undefined };
}
