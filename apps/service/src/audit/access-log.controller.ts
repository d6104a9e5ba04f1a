import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import type { AccessEntry, AccessLog } from '@libs/audit';
import { IsInstant, IsText, Optional } from '../http/validation.js';
import { ACCESS_LOG } from '../infrastructure/tokens.js';
import { Accounted } from './accounted.js';
import { AuditPageQueryDto, pageOf } from './evidence.dto.js';

/** `limit`, `cursor` and the filters of the access log. */
class AccessLogQueryDto extends AuditPageQueryDto {
  @ApiPropertyOptional({ example: 'key-3f2a9c1b', description: 'only this actor (an API key id, or cli:<user> for the audit CLI)' })
  @Optional()
  @IsText(200, { singleLine: true })
  actor?: string;

  @ApiPropertyOptional({ example: '2026-03-01T00:00:00Z', description: 'only reads at or after this instant' })
  @Optional()
  @IsInstant()
  since?: string;
}

export interface AccessLogPage {
  entries: AccessEntry[];
  nextCursor?: string;
}

/**
 * Who read what (domain.md §7 "Reads are accounted for"; docs/auditors.md "Who read what"):
 * every history, state as of, export and integrity read, newest first. Admin only (no @Roles);
 * reading it is itself recorded.
 */
@ApiTags('audit')
@Controller('v1/audit')
export class AccessLogController {
  constructor(@Inject(ACCESS_LOG) private readonly accessLog: AccessLog) {}

  @Get('access-log')
  @Accounted('access-log')
  @ApiOperation({ summary: 'Who read which history, state as of, export or integrity report, and when; newest first, paged by cursor (admin)' })
  async list(@Query() q: AccessLogQueryDto): Promise<AccessLogPage> {
    const page = pageOf(q);
    const rows = await this.accessLog.list({ limit: page.limit + 1, before: page.before === undefined ? undefined : String(page.before), actor: q.actor, since: q.since });
    const more = rows.length > page.limit;
    const shown = rows.slice(0, page.limit);
    return { entries: shown, ...(more ? { nextCursor: shown[shown.length - 1].id } : {}) };
  }
}
