import { randomUUID } from 'node:crypto';
import { eventIdsFor, runSchedulerPass, SCHEDULER, subscriberStream } from '@libs/domain';
import { subscriberAggregate } from './aggregates.js';
import type { CommandHandler } from './command-handler.js';
import type { PolicyReactor } from './policy-reactor.js';
import type { Actor, ApplicationObserver, TickResult } from './types.js';

/** Subscribers read from the schedule index per page. */
const PAGE = 500;

/**
 * One scheduler pass as of `now` over the subscribers whose attention time has come (the schedule
 * index): the domain's `runSchedulerPass` decides on each one's latest state through the one
 * command handler (lock, cache, expected version, retry), then the policies follow up. Event ids
 * derive from the subscriber, the instant and the version decided on, so two processes ticking at
 * once write each event once. Idempotency keys past their retention are pruned at the end.
 */
export async function schedulerPass(
  deps: { handler: CommandHandler; reactor: PolicyReactor; observer: ApplicationObserver; idempotencyTtlHours: number },
  now: string,
  actor: Actor,
): Promise<TickResult> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  try {
    const result = await passAll(deps, now, actor);
    deps.observer.schedulerPass?.({ ok: true, seconds: seconds(), events: result.events.length });
    return result;
  } catch (error) {
    deps.observer.schedulerPass?.({ ok: false, seconds: seconds(), events: 0 });
    throw error;
  }
}

async function passAll(
  { handler, reactor, idempotencyTtlHours }: { handler: CommandHandler; reactor: PolicyReactor; idempotencyTtlHours: number },
  now: string,
  actor: Actor,
): Promise<TickResult> {
  const instant = new Date(now).toISOString();
  const correlationId = randomUUID();
  const result: TickResult = { now: instant, subscribersExamined: 0, commands: 0, events: [] };
  for (let after = ''; ; ) {
    const due = await handler.ports.schedule.due(instant, after, PAGE);
    if (due.length === 0) break;
    after = due[due.length - 1]!;
    for (const id of due) {
      result.subscribersExamined++;
      let commands = 0;
      const written = await handler.run(subscriberAggregate, id, subscriberStream(id), {
        actor,
        correlationId,
        causationId: correlationId,
        eventIds: (n, version) => eventIdsFor(`${SCHEDULER}:${id}:${instant}:${version}`, n),
      }, {
        name: 'SchedulerPass',
        decide: (loaded) => {
          const pass = runSchedulerPass(loaded.state, instant, handler.policy);
          commands = pass.commands.length;
          return pass.events;
        },
      });
      if (written.events.length === 0) continue;
      result.commands += commands;
      result.events.push(...(await reactor.followUps(written, correlationId)).events);
    }
  }
  // Long-running safety (issue 12): the key table keeps only the retention window.
  await handler.ports.idempotency.prune(idempotencyTtlHours);
  return result;
}
