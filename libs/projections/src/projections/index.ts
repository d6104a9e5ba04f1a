import type { Projection } from '../projection.js';
import { casesProjection } from '../read-models/cases/projection.js';
import { churnProjection } from '../read-models/churn/projection.js';
import { cohortsProjection } from '../read-models/cohorts/projection.js';
import { defaultRateProjection } from '../read-models/default-rate/projection.js';
import { revenuePerClientProjection } from '../read-models/revenue-per-client/projection.js';
import { salesPerRepProjection } from '../read-models/sales-per-rep/projection.js';
import { clientProfitabilityProjection, subscribersProjection } from '../read-models/subscriber-ledger/projection.js';
import { workQueuesProjection } from '../read-models/work-queues/projection.js';

export { casesProjection, churnProjection, cohortsProjection, defaultRateProjection, revenuePerClientProjection, salesPerRepProjection, clientProfitabilityProjection, subscribersProjection, workQueuesProjection };
export { TRAILING_DAYS } from '../read-models/subscriber-ledger/evolve.js';

/**
 * Every read model, by name. The forecast has no projection of its own: it is computed at query
 * time from `churn` (MRR, new MRR, expansion, revenue churn) and `default-rate` (amount default rate).
 */
export const PROJECTIONS: readonly Projection[] = [
  subscribersProjection,
  casesProjection,
  churnProjection,
  defaultRateProjection,
  revenuePerClientProjection,
  clientProfitabilityProjection,
  salesPerRepProjection,
  cohortsProjection,
  workQueuesProjection,
];

export const PROJECTION_NAMES = PROJECTIONS.map((p) => p.name);

export function projectionByName(name: string): Projection | undefined {
  return PROJECTIONS.find((p) => p.name === name);
}
