import { BadRequestException, Inject, Injectable, Optional } from '@nestjs/common';
import type { SqlDatabase } from '@libs/sql';
import { addMonths, csvRows, DEFINITIONS_VERSION, monthOf, monthsBetween, projectionAsOf, toCsv, type ProjectionEngine } from '@libs/projections';
import { PROJECTIONS, SQL_DATABASE } from '../infrastructure/tokens.js';

/** The part of the HTTP response the read-model routes touch. */
export interface HeaderSink {
  setHeader(name: string, value: string): unknown;
}
type Response = HeaderSink;

/** `<name>.csv`, restricted to characters that need no quoting or encoding in Content-Disposition. */
function csvFileName(name: string): string {
  return `${name.replace(/[^A-Za-z0-9._-]+/g, '-')}.csv`;
}

/** How long a query with `minPosition` waits for the read model (api.md). */
const MIN_POSITION_WAIT_MS = 5_000;
/** Longest month range one analytics query may ask for. */
const MAX_MONTHS = 120;

/**
 * What the read-model controllers share: the database, `minPosition` waits and CSV.
 *
 * `minPosition` not reached within 5 s: the query is answered anyway, from what the read model
 * has, with `X-Read-Model-Stale: true` — read models are eventually consistent and an analyst
 * is better served by slightly old numbers than by an error; `X-Read-Model-Position` always
 * says up to where the answer is complete.
 */
@Injectable()
export class ReadModels {
  constructor(
    @Inject(SQL_DATABASE) readonly db: SqlDatabase,
    @Optional() @Inject(PROJECTIONS) private readonly engine?: ProjectionEngine,
  ) {}

  async settle(res: Response, projections: readonly string[], minPosition?: string): Promise<void> {
    if (!this.engine) return;
    if (minPosition !== undefined) {
      const reached = await this.engine.waitFor(minPosition, MIN_POSITION_WAIT_MS, projections);
      if (!reached) res.setHeader('X-Read-Model-Stale', 'true');
    }
    res.setHeader('X-Read-Model-Position', await this.engine.position(projections));
  }

  /** `from`/`to` with defaults (the 12 months up to the read model's latest month), checked. */
  async range(q: { from?: string; to?: string }, projection: string): Promise<{ from: string; to: string }> {
    let to = q.to;
    if (!to) {
      const asOf = await projectionAsOf(this.db, projection);
      to = monthOf(asOf ?? new Date().toISOString());
      if (q.from && q.from > to) to = q.from;
    }
    const from = q.from ?? addMonths(to, -11);
    if (from > to) throw new BadRequestException({ message: 'from must not be after to', errors: [{ field: 'from', message: 'must not be after to' }] });
    if (monthsBetween(from, to) >= MAX_MONTHS) {
      throw new BadRequestException({ message: `at most ${MAX_MONTHS} months per query`, errors: [{ field: 'from', message: `at most ${MAX_MONTHS} months before to` }] });
    }
    return { from, to };
  }

  /**
   * An analytics answer: the body with the `definitionsVersion` its numbers follow (domain.md §6,
   * `GET /v1/analytics/definitions`; also a CSV column and the `X-Definitions-Version` header).
   */
  analytics(res: Response, accept: string | undefined, body: object, name: string): object | string {
    res.setHeader('X-Definitions-Version', String(DEFINITIONS_VERSION));
    return this.respond(res, accept, { ...body, definitionsVersion: DEFINITIONS_VERSION }, name);
  }

  /**
   * The body as JSON, or as CSV when the client asked for `text/csv` — then as an attachment named
   * `<name>.csv` (e.g. `churn-2026-01-2026-11`). Either way the answer depends on `Accept`.
   */
  respond(res: Response, accept: string | undefined, body: object, name = 'export'): object | string {
    res.setHeader('Vary', 'Accept');
    if (accept && /\btext\/csv\b/i.test(accept) && !/application\/json/i.test(accept)) {
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="${csvFileName(name)}"`);
      return toCsv(csvRows(body as Record<string, unknown>));
    }
    return body;
  }
}
