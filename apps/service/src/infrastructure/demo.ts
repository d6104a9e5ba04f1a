import type { Logger } from '@nestjs/common';
import type { LifecycleApplication } from '@libs/application';
import { InMemoryDomainTarget, runSimulation } from '@libs/simulator';

const pause = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The in-memory application and PGlite both settle as microtasks, so a load awaiting only them
 * would never let the event loop reach I/O: the service would not even answer. Yielding once per
 * simulated day (each day ends with a scheduler pass) keeps it responsive.
 */
class YieldingTarget extends InMemoryDomainTarget {
  override async tick(now: string): Promise<unknown> {
    await pause();
    return super.tick(now);
  }
}

/** The demo company of `DEMO=1` (issue 7): big enough for meaningful analytics, quick to load. */
const DEMO_COMPANY = { seed: 7, subscribers: 500, months: 24 };

/**
 * First month of a run of `months` months that ends with the last complete month (UTC): a run
 * into the current month would write business times ahead of the clock, and the real-time
 * scheduler would then leave those subscribers alone until the clock caught up.
 */
export function demoStartMonth(now: Date, months: number): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months, 1));
  return d.toISOString().slice(0, 7);
}

/**
 * Loads the demo company, ending with the last complete month. Its ~18,000 commands are decided by
 * the application's own command handler, policies and scheduler pass — in memory (the same
 * handler over the in-memory ports and store), then the log they wrote is imported into the
 * service's store in order with its ids, business times and metadata. Why not command by command
 * against the store: on PGlite each command is ~4 statements one after another on the one
 * embedded session, which kept the load near a minute; written in groups it is a few seconds.
 */
export async function loadDemoCompany(app: LifecycleApplication, logger: Pick<Logger, 'log'>, now = new Date()): Promise<void> {
  const startMonth = demoStartMonth(now, DEMO_COMPANY.months);
  logger.log(`DEMO: loading a ${DEMO_COMPANY.subscribers}-subscriber company, ${DEMO_COMPANY.months} months from ${startMonth} (seed ${DEMO_COMPANY.seed})…`);
  let lastMonth = '';
  const target = new YieldingTarget(app.dunningPolicy);
  const summary = await runSimulation({ ...DEMO_COMPANY, startMonth }, target, {
    onProgress: (p) => {
      const month = p.date.slice(0, 7);
      if (month !== lastMonth) {
        lastMonth = month;
        logger.log(`DEMO: ${month} (${p.commands} commands so far)`);
      }
    },
  });
  logger.log(`DEMO: ${summary.succeeded} commands decided; writing their ${target.stored.length} events…`);
  await app.importLog(target.stored, pause);
  logger.log(`DEMO: loaded — ${summary.succeeded} commands accepted, ${summary.refusals} refused by the rules, up to ${summary.to}. Try GET /v1/analytics/churn`);
}
