import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessGuard } from './access.guard.js';
import { ApiKeyAuthenticator } from './api-key.authenticator.js';
import { MeController } from './me.controller.js';
import { KeyRateLimiter } from './rate-limiter.js';

/**
 * API keys, roles and per-key rate limiting (RATE_LIMIT_PER_MINUTE) for every route, as one global
 * guard. Routes opt out with `@Public()` and name their roles with `@Roles(...)`; without either
 * they are admin-only.
 */
@Module({
  controllers: [MeController],
  providers: [ApiKeyAuthenticator, KeyRateLimiter, { provide: APP_GUARD, useClass: AccessGuard }],
  exports: [ApiKeyAuthenticator],
})
export class AuthModule {}
