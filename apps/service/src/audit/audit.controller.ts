import { Controller, Get, Headers, Inject, Logger, NotFoundException, Param, Query, Res } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { asStored, caseStream, peek, streamHistory, subscriberStream, upcastToCurrent, verifyStream } from '@libs/audit';
import { STREAM_NAME_PATTERN, type EventStore } from '@libs/event-store';
import { Roles } from '../auth/roles.decorator.js';
import { Accounted } from './accounted.js';
import { invalidInput } from '../feed/envelope.js';
import { EVENT_STORE } from '../infrastructure/tokens.js';
import { historyFormat, writeHistory } from './history-response.js';

/** The body of an integrity check (api.md), plus what helps an auditor act on it. */
export interface IntegrityReport {
  streamId: string;
  valid: boolean;
  events: number;
  brokenAtVersion?: number;
  /** Why the chain breaks there: `hash-mismatch`, `prev-hash-mismatch`, `missing-version`. */
  reason?: string;
  /** Hash of the last event of a valid chain: keep it outside the service to detect truncation later. */
  headHash?: string;
}

type Kind = 'subscriber' | 'case';

/**
 * History and integrity of one aggregate (domain.md §7), shared by the subscriber and case routes.
 */
abstract class AuditRoutes {
  protected readonly logger = new Logger('Audit');

  protected constructor(
    protected readonly store: EventStore,
    private readonly kind: Kind,
  ) {}

  private stream(id: string): string {
    const streamId = this.kind === 'subscriber' ? subscriberStream(id) : caseStream(id);
    // An id no stream could have names no subscriber or case: 404 like any other unknown id.
    if (!STREAM_NAME_PATTERN.test(streamId)) throw this.notFound(id);
    return streamId;
  }

  private notFound(id: string): NotFoundException {
    return new NotFoundException(`${this.kind} ${id} not found`);
  }

  protected async history(id: string, stored: unknown, accept: string | undefined, res: ServerResponse): Promise<void> {
    if (stored !== undefined && stored !== 'true' && stored !== 'false') invalidInput([{ field: 'stored', message: 'must be true or false' }]);
    const streamId = this.stream(id);
    const upcast = stored === 'true' ? asStored : upcastToCurrent;
    // Reading the first event before any header decides between 404 and a stream.
    const { first, all } = await peek(streamHistory(this.store, streamId, { upcast }));
    if (!first) throw this.notFound(id);
    try {
      await writeHistory(res, all, historyFormat(accept));
    } catch (error) {
      // Headers are gone: the only honest signal left is an aborted body, never a body that looks complete.
      if (!res.destroyed && !res.writableEnded) {
        this.logger.error(`history of ${streamId} failed mid-stream: ${(error as Error).message}`);
      }
      res.destroy();
    }
  }

  protected async integrity(id: string): Promise<IntegrityReport> {
    const streamId = this.stream(id);
    const result = await verifyStream(this.store, streamId);
    if (!result.exists) throw this.notFound(id);
    const report: IntegrityReport = { streamId, valid: result.valid, events: result.events };
    if (!result.valid) {
      report.brokenAtVersion = result.brokenAtVersion;
      report.reason = result.reason;
    } else if (result.headHash) report.headHash = result.headHash;
    return report;
  }
}

/** `GET /v1/subscribers/{id}/history` and `/integrity` (role auditor). */
@Controller('v1/subscribers')
export class SubscriberAuditController extends AuditRoutes {
  constructor(@Inject(EVENT_STORE) store: EventStore) {
    super(store, 'subscriber');
  }

  /**
   * Every event of the subscriber's stream in order, in the api.md envelope, upcast to today's
   * contracts (`?stored=true`: exactly as stored and hashed). `Accept: application/x-ndjson`
   * gives JSON Lines.
   */
  @Get(':id/history')
  @Roles('auditor')
  @Accounted('history')
  subscriberHistory(@Param('id') id: string, @Query('stored') stored: unknown, @Headers('accept') accept: string | undefined, @Res() res: ServerResponse): Promise<void> {
    return this.history(id, stored, accept, res);
  }

  /** Recomputes the subscriber stream's hash chain. */
  @Get(':id/integrity')
  @Roles('auditor')
  @Accounted('integrity')
  subscriberIntegrity(@Param('id') id: string): Promise<IntegrityReport> {
    return this.integrity(id);
  }
}

/** `GET /v1/cases/{id}/history` (operator, auditor) and `/integrity` (auditor). */
@Controller('v1/cases')
export class CaseAuditController extends AuditRoutes {
  constructor(@Inject(EVENT_STORE) store: EventStore) {
    super(store, 'case');
  }

  /** Every event of the case's stream in order; see the subscriber route. */
  @Get(':id/history')
  @Roles('operator', 'auditor')
  @Accounted('history')
  caseHistory(@Param('id') id: string, @Query('stored') stored: unknown, @Headers('accept') accept: string | undefined, @Res() res: ServerResponse): Promise<void> {
    return this.history(id, stored, accept, res);
  }

  /** Recomputes the case stream's hash chain. */
  @Get(':id/integrity')
  @Roles('auditor')
  @Accounted('integrity')
  caseIntegrity(@Param('id') id: string): Promise<IntegrityReport> {
    return this.integrity(id);
  }
}
