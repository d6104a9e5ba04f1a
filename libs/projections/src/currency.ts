/**
 * Money is never summed across currencies (domain.md §6): every analytics answer that carries money
 * covers one currency's subscribers and states it. With one currency in use the caller need not
 * name it; with several, an answer without `currency=` would be meaningless, so it is refused.
 */
import type { SqlExecutor } from '@libs/sql';
import { ident } from './sql.js';

/** Several currencies are in use and the query named none (HTTP 400, listing them). */
export class CurrencyRequiredError extends Error {
  readonly code = 'currency-required' as const;
  constructor(readonly currencies: readonly string[]) {
    super(`the log holds subscribers in ${currencies.join(', ')}: name one with currency=`);
    this.name = 'CurrencyRequiredError';
  }
}

/** Currencies of the subscribers a read model knows (its own per-subscriber table), sorted. */
async function currenciesIn(db: SqlExecutor, table: string): Promise<string[]> {
  // '' is what schema v3 gave rows written before it, until their rebuild: not a currency.
  const { rows } = await db.query<{ currency: string }>(`SELECT DISTINCT currency FROM ${ident(table)} WHERE currency <> '' ORDER BY currency`);
  return rows.map((r) => r.currency);
}

/**
 * The currency an answer covers: the one asked for, else the only one in use (null when the read
 * model knows no subscriber yet); several in use and none asked for → {@link CurrencyRequiredError}.
 */
export async function resolveCurrency(db: SqlExecutor, table: string, requested?: string): Promise<string | null> {
  if (requested !== undefined) return requested;
  const inUse = await currenciesIn(db, table);
  if (inUse.length > 1) throw new CurrencyRequiredError(inUse);
  return inUse[0] ?? null;
}
