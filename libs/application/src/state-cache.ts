/** A folded aggregate and where in its stream and in the log it stands. */
export interface CachedState<S> {
  state: S;
  /** Stream version folded (-1: no event). */
  version: number;
  /** Global position of the last folded event ("0" when none). */
  position: string;
  /** Last scheduler attention written for it (subscribers), to skip unchanged index writes. */
  attention?: string | null;
}

/**
 * LRU of folded states keyed by stream. Entries are only a starting point: a load always reads
 * the stream after the cached version, so a stale entry costs one empty read, never a wrong state.
 * The write path may decide on an entry without that read: a stale one then costs a refused
 * append and a retry (see `LifecycleApplication.decideOnLatest`).
 */
export class StateCache<S> {
  private readonly entries = new Map<string, CachedState<S>>();

  constructor(private readonly capacity: number) {}

  get(streamId: string): CachedState<S> | undefined {
    const entry = this.entries.get(streamId);
    if (entry) {
      this.entries.delete(streamId);
      this.entries.set(streamId, entry);
    }
    return entry;
  }

  set(streamId: string, entry: CachedState<S>): void {
    this.entries.delete(streamId);
    this.entries.set(streamId, entry);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  delete(streamId: string): void {
    this.entries.delete(streamId);
  }
}
