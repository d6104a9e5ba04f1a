import { Controller, Get, Inject, ServiceUnavailableException, Res } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService, type HealthCheckResult, type HealthIndicatorResult } from '@nestjs/terminus';
import type { ServerResponse } from 'node:http';
import type { CheckpointLedger } from '@libs/audit';
import type { EventStore } from '@libs/event-store';
import { readSettings } from '@libs/settings';
import { Public } from '../auth/roles.decorator.js';
import { AUDIT_LEDGER, EVENT_STORE } from '../infrastructure/tokens.js';
import { ProjectionsLocator } from './projections.js';
import { ShutdownState } from './shutdown.js';

/** Thresholds of readiness. */
export interface HealthOptions {
  /** The store must answer `headPosition()` within this. */
  storeTimeoutMs: number;
  /** Readiness fails while a projection is further behind than this many events. */
  maxProjectionLagEvents: number;
}

export const HEALTH_OPTIONS = Symbol('HEALTH_OPTIONS');

/** `HEALTH_STORE_TIMEOUT_MS` (default 2,000) and `HEALTH_MAX_PROJECTION_LAG_EVENTS` (default 10,000). */
export function healthOptionsFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): HealthOptions {
  const s = readSettings(env, ['HEALTH_STORE_TIMEOUT_MS', 'HEALTH_MAX_PROJECTION_LAG_EVENTS']);
  return { storeTimeoutMs: s.HEALTH_STORE_TIMEOUT_MS, maxProjectionLagEvents: s.HEALTH_MAX_PROJECTION_LAG_EVENTS };
}

/**
 * Liveness and readiness for orchestrators (terminus). `/health/live` only says the process
 * answers — restarting it would not fix a database outage; `/health/ready` (and `/health`) says
 * whether it can serve: the store answers in time and read models are not too far behind.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly projections: ProjectionsLocator,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(HEALTH_OPTIONS) private readonly options: HealthOptions,
    private readonly shutdown: ShutdownState,
    @Inject(AUDIT_LEDGER) private readonly ledger: CheckpointLedger,
  ) {}

  @Get()
  @Public()
  @HealthCheck()
  check(@Res({ passthrough: true }) res: ServerResponse): Promise<HealthCheckResult> {
    return this.ready(res);
  }

  @Get('live')
  @Public()
  @HealthCheck()
  live(@Res({ passthrough: true }) res: ServerResponse): Promise<HealthCheckResult> {
    return this.run(res, [() => this.indicators.check('process').up({ pid: process.pid, uptimeSeconds: Math.round(process.uptime()) })]);
  }

  @Get('ready')
  @Public()
  @HealthCheck()
  ready(@Res({ passthrough: true }) res: ServerResponse): Promise<HealthCheckResult> {
    // Shutting down: out of rotation at once, before the listener closes (issue 12).
    if (this.shutdown.draining) return this.run(res, [() => this.indicators.check('shutdown').down({ message: 'the service is shutting down' })]);
    return this.run(res, [() => this.storeIndicator(), () => this.projectionsIndicator(), () => this.auditSigningIndicator()]);
  }

  /**
   * Whether checkpoints can be signed. A detail, never a readiness failure: the service serves
   * without a key (production without AUDIT_SIGNING_KEY_FILE), it only refuses to sign.
   */
  private auditSigningIndicator(): HealthIndicatorResult<'auditSigning'> {
    const session = this.indicators.check('auditSigning');
    const key = this.ledger.keyring.signing;
    return key ? session.up({ signing: true, keyId: key.keyId }) : session.up({ signing: false, message: this.ledger.keyring.unavailableReason ?? 'no signing key' });
  }

  private storeIndicator(): PromiseLike<HealthIndicatorResult<'eventStore'>> {
    return this.indicators
      .check('eventStore')
      .attempt(async () => ({ backend: this.store.backend, headPosition: await this.store.headPosition() }))
      .withTimeout(this.options.storeTimeoutMs);
  }

  private async projectionsIndicator(): Promise<HealthIndicatorResult<'projections'>> {
    const session = this.indicators.check('projections');
    if (!this.projections.find()) return session.up({ message: 'no projections run in this process' });
    let statuses;
    try {
      statuses = await this.projections.status();
    } catch (error) {
      return session.down({ message: `projection status unavailable: ${(error as Error).message}` });
    }
    const max = this.options.maxProjectionLagEvents;
    const behind = statuses.filter((s) => s.lagEvents > max || s.status === 'failed');
    const data = {
      maxLagEvents: max,
      projections: statuses.map((s) => ({ name: s.name, status: s.status, lagEvents: s.lagEvents, lagSeconds: s.lagSeconds })),
    };
    return behind.length === 0 ? session.up(data) : session.down({ ...data, behind: behind.map((s) => s.name) });
  }

  /**
   * Terminus reports "down" with a 503 exception; answered here so orchestrators and people get
   * terminus' own body rather than the problem+json of client errors.
   */
  private async run(res: ServerResponse, checks: Parameters<HealthCheckService['check']>[0]): Promise<HealthCheckResult> {
    res.setHeader('Cache-Control', 'no-store');
    try {
      return await this.health.check(checks);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      res.statusCode = 503;
      return error.getResponse() as HealthCheckResult;
    }
  }
}
