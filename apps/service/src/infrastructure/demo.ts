import type { Logger } from '@nestjs/common';
import type { LifecycleApplication } from '@libs/application';
import { InProcessTarget, runSimulation } from '@libs/simulator';

/**
 * PGlite runs in this thread and its queries settle as microtasks, so a simulation awaiting only
 * them would never let the event loop reach I/O: the service would not even start listening.
 * Yielding once per simulated day (each day ends with a scheduler pass) keeps it responsive.
 */
class YieldingTarget extends InProcessTarget {
  override async tick(now: string): Promise<unknown> {
    await new Promise((resolve) => setImmediate(resolve));
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
 * Loads the demo company through the application's own write path, so its log is exactly what
 * the commands of a real company would have written, ending with the last complete month.
 */
export async function loadDemoCompany(app: LifecycleApplication, logger: Pick<Logger, 'log'>, now = new Date()): Promise<void> {
  const startMonth = demoStartMonth(now, DEMO_COMPANY.months);
  logger.log(`DEMO: loading a ${DEMO_COMPANY.subscribers}-subscriber company, ${DEMO_COMPANY.months} months from ${startMonth} (seed ${DEMO_COMPANY.seed})…`);
  let lastMonth = '';
  const summary = await runSimulation({ ...DEMO_COMPANY, startMonth }, new YieldingTarget(app), {
    onProgress: (p) => {
      const month = p.date.slice(0, 7);
      if (month !== lastMonth) {
        lastMonth = month;
        logger.log(`DEMO: ${month} (${p.commands} commands so far)`);
      }
    },
  });
  logger.log(`DEMO: loaded — ${summary.succeeded} commands accepted, ${summary.refusals} refused by the rules, up to ${summary.to}. Try GET /v1/analytics/churn`);
}
