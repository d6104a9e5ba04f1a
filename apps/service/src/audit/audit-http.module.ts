import { Module } from '@nestjs/common';
import { CaseAuditController, SubscriberAuditController } from './audit.controller.js';
import { EvidenceController } from './evidence.controller.js';

/**
 * Auditors' HTTP surface (domain.md §7): history (JSON or JSON Lines, streamed) and integrity of
 * subscriber and case streams; signed checkpoints and their public keys. Needs `EVENT_STORE` and
 * `AUDIT_LEDGER` from the global infrastructure module.
 */
@Module({ controllers: [SubscriberAuditController, CaseAuditController, EvidenceController] })
export class AuditHttpModule {}
