import { Inject, Injectable, SetMetadata, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Observable } from 'rxjs';
import type { AccessKind, AccessRecorder } from '@libs/audit';
import type { LifecycleRequest } from '../http/request.js';
import { ACCESS_LOG } from '../infrastructure/tokens.js';

const ACCOUNTED_KEY = 'client-lifecycle:accounted';

interface AccountedOptions {
  kind: AccessKind;
  /** Only a read bounded by `?asOf=` or `?version=` is a state as of; the latest state is not recorded. */
  onlyAsOf?: boolean;
}

/**
 * Marks a route (or every route of a controller) as a read the access log records (domain.md §7
 * "Reads are accounted for"): who (key id), acting as which role, what (method and URL) on which
 * target (`:id`), when.
 */
export const Accounted = (kind: AccessKind, options: { onlyAsOf?: boolean } = {}) => SetMetadata(ACCOUNTED_KEY, { kind, ...options } satisfies AccountedOptions);

const MAX_WHAT = 500;

/**
 * Records an accounted read before the route answers: a read whose record cannot be written is
 * not served. Runs after the access guard, so only authenticated, authorised calls are recorded.
 */
@Injectable()
export class AccessLogInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    @Inject(ACCESS_LOG) private readonly accessLog: AccessRecorder,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType() !== 'http') return next.handle();
    const accounted = this.reflector.getAllAndOverride<AccountedOptions | undefined>(ACCOUNTED_KEY, [context.getHandler(), context.getClass()]);
    const req = context.switchToHttp().getRequest<LifecycleRequest & { originalUrl?: string; params?: Record<string, string>; query?: Record<string, unknown> }>();
    if (accounted && req.principal) {
      const asOf = req.query?.asOf !== undefined || req.query?.version !== undefined;
      if (!accounted.onlyAsOf || asOf) {
        await this.accessLog.record({
          actor: req.principal.id,
          role: req.actingRole ?? req.principal.roles[0] ?? 'unknown',
          source: 'http',
          kind: accounted.kind,
          what: `${req.method} ${req.originalUrl ?? req.url ?? ''}`.slice(0, MAX_WHAT),
          target: req.params?.id ?? null,
        });
      }
    }
    return next.handle();
  }
}
