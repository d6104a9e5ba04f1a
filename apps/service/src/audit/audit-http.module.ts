import { Module } from '@nestjs/common';
import { CaseAuditController, SubscriberAuditController } from './audit.controller.js';

/**
 * Auditors' HTTP surface (domain.md §7): history (JSON or JSON Lines, streamed) and integrity of
 * subscriber and case streams. Needs `EVENT_STORE` from the global infrastructure module.
 */
@Module({ controllers: [SubscriberAuditController, CaseAuditController] })
export class AuditHttpModule {}
