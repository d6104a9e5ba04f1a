import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AccessLogController } from './access-log.controller.js';
import { AccessLogInterceptor } from './accounted.js';
import { CaseAuditController, SubscriberAuditController } from './audit.controller.js';
import { EvidenceController } from './evidence.controller.js';

/**
 * Auditors' HTTP surface (domain.md §7): history (JSON or JSON Lines, streamed) and integrity of
 * subscriber and case streams; signed checkpoints and their public keys. Needs `EVENT_STORE` and
 * `AUDIT_LEDGER` from the global infrastructure module. Every accounted read (`@Accounted`) is
 * recorded in the access log, readable by admin at GET /v1/audit/access-log.
 */
@Module({
  controllers: [SubscriberAuditController, CaseAuditController, EvidenceController, AccessLogController],
  // Global: routes of other modules (a subscriber's or case's state as of) are accounted too.
  providers: [{ provide: APP_INTERCEPTOR, useClass: AccessLogInterceptor }],
})
export class AuditHttpModule {}
