/** The decider shape shared by both aggregates. */
export interface Decider<Command, Event, State, Context> {
  initialState(): State;
  evolve(state: State, event: Event): State;
  /**
   * The events a command produces on a state. Pure: throws `DomainError` when a rule refuses,
   * `CommandValidationError` for malformed data; `[]` only for automated commands with nothing
   * left to do.
   */
  decide(command: Command, state: State, context: Context): Event[];
}

/**
 * What every event does to a state, whatever else it does: it is the stream's next one. Both
 * evolves start from this, so `eventCount` stays "stream version + 1" and `lastOccurredAt` the
 * latest business time on every path (creation, the not-yet-created state, every later event).
 */
export function counted<S extends { readonly eventCount: number; readonly lastOccurredAt: string | null }>(state: S, event: { readonly data: { readonly occurredAt: string } }): S {
  return { ...state, lastOccurredAt: event.data.occurredAt, eventCount: state.eventCount + 1 };
}

/** Drops keys whose value is undefined (keeps event data minimal and JSON-equal to what is stored). */
export function compact<T extends Record<string, unknown>>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as T;
}

export function isBlank(s: string | null | undefined): boolean {
  return s === undefined || s === null || s.trim() === '';
}
