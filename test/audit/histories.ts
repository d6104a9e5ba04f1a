/**
 * Realistic subscriber histories for the audit tests: commands run through the real decider and
 * the scheduler, their events appended to the store the way the application does (one append per
 * command, current schema versions), so every stored stream is one the domain could have written.
 */
import fc from 'fast-check';
import {
  addDays,
  currentSchemaVersion,
  decideSubscriber,
  DomainError,
  evolveSubscriber,
  initialSubscriberState,
  runSchedulerPass,
  utcDate,
  type SubscriberCommand,
  type SubscriberEvent,
  type SubscriberState,
} from '@libs/domain';
import type { EventStore } from '@libs/event-store';

export type Move =
  | { kind: 'invoice'; dtHours: number; amount: number; dueInDays: number }
  | { kind: 'pay'; dtHours: number; pick: number; percent: number }
  | { kind: 'cost'; dtHours: number; amount: number }
  | { kind: 'complaint'; dtHours: number }
  | { kind: 'scheduler'; dtHours: number };

const dtHours = fc.integer({ min: 0, max: 24 * 12 });

/** One step of a subscriber's life. */
export const moveArb: fc.Arbitrary<Move> = fc.oneof(
  fc.record({ kind: fc.constant('invoice' as const), dtHours, amount: fc.integer({ min: 1, max: 50_000 }), dueInDays: fc.integer({ min: 0, max: 20 }) }),
  fc.record({ kind: fc.constant('pay' as const), dtHours, pick: fc.nat(), percent: fc.integer({ min: 1, max: 100 }) }),
  fc.record({ kind: fc.constant('cost' as const), dtHours, amount: fc.integer({ min: 0, max: 20_000 }) }),
  fc.record({ kind: fc.constant('complaint' as const), dtHours }),
  fc.record({ kind: fc.constant('scheduler' as const), dtHours }),
);

export interface WrittenHistory {
  streamId: string;
  /** Every event appended, in stream order. */
  events: SubscriberEvent[];
  state: SubscriberState;
}

function enroll(subscriberId: string, at: string): SubscriberCommand {
  return {
    type: 'EnrollSubscriber',
    data: {
      subscriberId,
      name: `Client ${subscriberId}`,
      segment: 'b2c',
      plan: { code: 'basic', monthlyFee: 3000, currency: 'ARS' },
      salesRepId: 'rep-1',
      qualification: { needsService: true, valuesService: true, canPay: true },
      at,
    },
  };
}

/**
 * Enrolls `subscriberId` at `start`, plays the moves (refused commands are skipped, as an operator
 * would see a 409 and move on) and appends every decided event to `subscriber-<id>`.
 */
export async function writeSubscriberHistory(store: EventStore, subscriberId: string, moves: readonly Move[], start = '2026-01-01T09:00:00.000Z'): Promise<WrittenHistory> {
  const streamId = `subscriber-${subscriberId}`;
  let clock = Date.parse(start);
  let state: SubscriberState = initialSubscriberState();
  const events: SubscriberEvent[] = [];

  const write = async (decided: SubscriberEvent[]) => {
    if (decided.length === 0) return;
    await store.append(
      streamId,
      decided.map((e) => ({ type: e.type, data: e.data as unknown as Record<string, unknown>, occurredAt: e.data.occurredAt, metadata: { actor: 'key-test', role: 'operator', schemaVersion: currentSchemaVersion(e.type) } })),
      { expectedVersion: state.eventCount === 0 ? 'no_stream' : state.eventCount - 1 },
    );
    for (const e of decided) {
      state = evolveSubscriber(state, e);
      events.push(e);
    }
  };
  const run = async (command: SubscriberCommand) => {
    try {
      await write(decideSubscriber(command, state));
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
  };

  await run(enroll(subscriberId, start));
  for (const move of moves) {
    clock += move.dtHours * 3_600_000;
    const at = new Date(clock).toISOString();
    switch (move.kind) {
      case 'invoice':
        await run({
          type: 'IssueInvoice',
          data: { subscriberId, invoiceId: `inv-${state.invoiceOrder.length + 1}`, period: at.slice(0, 7), amount: move.amount, dueDate: addDays(utcDate(at), move.dueInDays), at },
        });
        break;
      case 'pay': {
        const owed = state.invoiceOrder.map((id) => state.invoices[id]!).filter((i) => i.owed > 0);
        const invoice = owed[move.pick % Math.max(1, owed.length)];
        if (invoice) {
          await run({ type: 'RecordPayment', data: { subscriberId, invoiceId: invoice.invoiceId, amount: Math.max(1, Math.ceil((invoice.owed * move.percent) / 100)), at } });
        }
        break;
      }
      case 'cost':
        await run({ type: 'RecordCostToServe', data: { subscriberId, kind: 'support_time', amount: move.amount, minutes: 30, at } });
        break;
      case 'complaint':
        await run({ type: 'LogComplaint', data: { subscriberId, category: 'billing', description: 'charged twice', at } });
        break;
      case 'scheduler':
        await write(runSchedulerPass(state, at).events);
        break;
    }
  }
  return { streamId, events, state };
}

/** A fixed history of `n` moves (deterministic), for tests that need volume rather than variety. */
export function steadyMoves(n: number): Move[] {
  const moves: Move[] = [];
  for (let i = 0; i < n; i++) {
    if (i % 3 === 0) moves.push({ kind: 'invoice', dtHours: 24, amount: 3000, dueInDays: 10 });
    else if (i % 3 === 1) moves.push({ kind: 'pay', dtHours: 24, pick: 0, percent: 100 });
    else moves.push({ kind: 'cost', dtHours: 1, amount: 100 + i });
  }
  return moves;
}
