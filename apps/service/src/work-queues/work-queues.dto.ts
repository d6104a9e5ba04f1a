import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { DOMAIN_VALUES } from '@libs/domain';
import { WORK_QUEUES } from '@libs/projections';

/** Response shapes of `/v1/work-queues*` (the console generates its types from them). */

const AS_OF = { type: String, nullable: true, description: "the read model's latest business time: every date-dependent field is computed from it (null before the first event)" } as const;
const NEXT = { description: 'cursor of the next page (absent on the last page)' } as const;

export class WorkQueueCountsDto {
  @ApiProperty() inDefault!: number;
  @ApiProperty() suspensionsDue!: number;
  @ApiProperty() unprofitableWithoutCase!: number;
  @ApiProperty() openCases!: number;
  @ApiProperty() pendingCancellations!: number;
  @ApiProperty() noticesEnding!: number;
}

export class WorkQueuesSummaryDto {
  @ApiProperty(AS_OF) asOf!: string | null;
  @ApiProperty({ type: WorkQueueCountsDto }) counts!: WorkQueueCountsDto;
}

class ArrangementDto {
  @ApiProperty({ example: '2026-02-05', description: 'last day (UTC) to pay; in force until the end of that day' }) payBy!: string;
}

export class InDefaultItemDto {
  @ApiProperty() subscriberId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: DOMAIN_VALUES.segment }) segment!: string;
  @ApiProperty({ example: 'USD' }) currency!: string;
  @ApiProperty({ description: 'Σ still owed on missed invoices, minor units of currency' }) amountOwed!: number;
  @ApiProperty() missedInvoices!: number;
  @ApiProperty({ example: '2026-01-05' }) oldestDueDate!: string;
  @ApiProperty({ description: 'whole days from 00:00Z of oldestDueDate to asOf' }) daysPastDue!: number;
  @ApiProperty({ type: ArrangementDto, nullable: true, description: 'a payment arrangement in force on a missed invoice, else null' }) arrangement!: ArrangementDto | null;
}

export class SuspensionDueItemDto {
  @ApiProperty() subscriberId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: '2026-01-20T00:00:00.000Z', description: "when the scheduler's pass suspends for non-payment (domain.md §4); in the past when no pass ran since" }) dueAt!: string;
}

export class UnprofitableItemDto {
  @ApiProperty() subscriberId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: DOMAIN_VALUES.segment }) segment!: string;
  @ApiProperty() currency!: string;
  @ApiProperty({ description: 'paid in the trailing 90 days up to asOf' }) collected!: number;
  @ApiProperty({ description: 'cost to serve in the trailing 90 days up to asOf' }) costToServe!: number;
  @ApiProperty({ description: 'collected − costToServe (< 0)' }) trailingMargin!: number;
}

export class OpenCaseItemDto {
  @ApiProperty() caseId!: string;
  @ApiProperty() subscriberId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: DOMAIN_VALUES.caseKind }) kind!: string;
  @ApiProperty() openedAt!: string;
  @ApiProperty({
    example: 'reassess',
    description:
      'next due step as a code: a remedy step (reassess, educate, renegotiate, migrate), recommend-termination, await-approval, analyze-usage, propose-retention-plan, agree-or-reject-plan, close-case',
  })
  nextStep!: string;
}

export class PendingCancellationItemDto {
  @ApiProperty() subscriberId!: string;
  @ApiProperty() name!: string;
  @ApiProperty() requestedAt!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ type: String, nullable: true, description: 'the open retention case, if any' }) caseId!: string | null;
}

export class NoticeEndingItemDto {
  @ApiProperty() subscriberId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: '2026-04-15' }) effectiveDate!: string;
  @ApiProperty({ enum: DOMAIN_VALUES.initiator }) initiatedBy!: string;
}

export class ApprovalItemDto {
  @ApiProperty() caseId!: string;
  @ApiProperty() subscriberId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: DOMAIN_VALUES.caseKind }) kind!: string;
  @ApiProperty() recommendedAt!: string;
  @ApiProperty({ example: '2026-04-15' }) effectiveDate!: string;
}

/** Every row shape, for `ApiExtraModels`. */
export const WORK_QUEUE_ITEM_MODELS = [InDefaultItemDto, SuspensionDueItemDto, UnprofitableItemDto, OpenCaseItemDto, PendingCancellationItemDto, NoticeEndingItemDto, ApprovalItemDto];

/** One page of a queue: `items` in the queue's order, shaped as the queue's item model. */
export class WorkQueuePageDto {
  @ApiProperty({ enum: [...WORK_QUEUES, 'approvals'] }) queue!: string;
  @ApiProperty(AS_OF) asOf!: string | null;
  @ApiProperty({
    description: "the queue's rows: in-default InDefaultItemDto, suspensions-due SuspensionDueItemDto, unprofitable-without-case UnprofitableItemDto, open-cases OpenCaseItemDto, pending-cancellations PendingCancellationItemDto, notices-ending NoticeEndingItemDto, approvals ApprovalItemDto",
    type: 'array',
    items: { oneOf: WORK_QUEUE_ITEM_MODELS.map((m) => ({ $ref: getSchemaPath(m) })) },
  })
  items!: object[];
  @ApiPropertyOptional(NEXT) nextCursor?: string;
}
