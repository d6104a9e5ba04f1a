import { refuse } from './errors.js';
import { isBefore } from './time.js';

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

/**
 * A command's business time on a stream: its `at` (normalised by the caller), never before the stream's last
 * event. A person's command from the past is refused (`time-goes-backwards`); an automated one
 * (redelivered, or raced by a later event) is raised to the last event's time instead, so that it
 * still decides (or is a no-op) rather than failing the policy or the scheduler.
 */
export function businessTime(at: string, lastOccurredAt: string | null, auto: boolean): string {
  if (lastOccurredAt === null || !isBefore(at, lastOccurredAt)) return at;
  if (!auto) refuse('time-goes-backwards', `at ${at} is earlier than the stream's last event (${lastOccurredAt})`, { at, lastOccurredAt });
  return lastOccurredAt;
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
