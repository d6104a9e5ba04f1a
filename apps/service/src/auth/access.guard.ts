import { ForbiddenException, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { LifecycleRequest } from '../http/request.js';
import { ApiKeyAuthenticator } from './api-key.authenticator.js';
import { HttpProblem } from '../http/problem.js';
import { KeyRateLimiter, rateLimitHeaders } from './rate-limiter.js';
import { PUBLIC_KEY, ROLES_KEY, type Role } from './roles.decorator.js';

/**
 * Picks the role a principal acts in on a route: the first of its roles the route allows, else
 * `admin` (which may do everything); `null` when it may not.
 */
export function actingRole(principalRoles: readonly Role[], allowed: readonly Role[]): Role | null {
  const role = principalRoles.find((r) => allowed.includes(r));
  if (role) return role;
  return principalRoles.includes('admin') ? 'admin' : null;
}

/**
 * The global guard, in one place so the order is fixed: authenticate the key (401), authorise its
 * roles for the route (403), then count the request against the key's rate limit (429). Public
 * routes (health, metrics, docs) are neither authenticated nor limited.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: ApiKeyAuthenticator,
    private readonly limiter: KeyRateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = context.switchToHttp().getRequest<LifecycleRequest>();
    const presented = ApiKeyAuthenticator.bearer(req.headers.authorization);
    if (presented === null) throw new UnauthorizedException('an API key is required: Authorization: Bearer <key>');
    const principal = this.authenticator.authenticate(presented);
    if (!principal) throw new UnauthorizedException('unknown API key');
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets) ?? [];
    const role = actingRole(principal.roles, allowed);
    if (!role) {
      throw new ForbiddenException(`this route needs the role ${[...allowed, 'admin'].join(' or ')}; the key has ${principal.roles.join(', ')}`);
    }
    req.principal = principal;
    req.actingRole = role;
    const decision = this.limiter.consume(principal.id);
    const res = context.switchToHttp().getResponse<{ setHeader(name: string, value: string): unknown }>();
    for (const [name, value] of Object.entries(rateLimitHeaders(decision))) res.setHeader(name, value);
    if (!decision.allowed) {
      res.setHeader('Retry-After', String(decision.retryAfterSeconds));
      throw new HttpProblem(429, 'rate-limited', `the rate limit of ${decision.limit} requests per minute for this key is exhausted; retry in ${decision.retryAfterSeconds} s`);
    }
    return true;
  }
}
