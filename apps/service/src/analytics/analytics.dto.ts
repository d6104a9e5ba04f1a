import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { CLIENT_FLAGS, CLIENT_SORTS, SEGMENTS } from '@libs/projections';
import { DOMAIN_VALUES, PERIOD_PATTERN } from '@libs/domain';
import { IsCurrency } from '../http/validation.js';

const MONTH = new RegExp(PERIOD_PATTERN);
const POSITION = /^(0|[1-9]\d{0,38})$/;
const CURSOR = /^[A-Za-z0-9_-]{1,600}$/;
const LIMIT = /^([1-9]\d{0,2}|1000)$/;

/** `minPosition`: every read-model query may wait for a command's position. */
export class ReadModelQueryDto {
  @ApiPropertyOptional({ example: '4000000000123', description: 'wait (up to 5 s) until the read model has applied this position' })
  @IsOptional()
  @Matches(POSITION, { message: 'must be a position (decimal string)' })
  minPosition?: string;
}

export class MonthRangeQueryDto extends ReadModelQueryDto {
  @ApiPropertyOptional({ example: '2026-01', description: 'first month (YYYY-MM, UTC); default 11 months before `to`' })
  @IsOptional()
  @Matches(MONTH, { message: 'must be a month YYYY-MM' })
  from?: string;

  @ApiPropertyOptional({ example: '2026-12', description: "last month (YYYY-MM); default the read model's latest month" })
  @IsOptional()
  @Matches(MONTH, { message: 'must be a month YYYY-MM' })
  to?: string;

  @ApiPropertyOptional({ enum: SEGMENTS, default: 'all' })
  @IsOptional()
  @IsIn(SEGMENTS)
  segment?: (typeof SEGMENTS)[number];

  @ApiPropertyOptional({ example: 'EUR', description: 'ISO-4217 currency the answer covers; required when the log holds subscribers in more than one (else 400 currency-required)' })
  @IsOptional()
  @IsCurrency()
  currency?: string;
}

/** `limit` and `cursor`: the one pagination convention of every list (docs/integrators.md, "Paging"). */
/** The cohorts route takes what every monthly report takes. */
export class CohortsQueryDto extends MonthRangeQueryDto {}

export class PageQueryDto extends ReadModelQueryDto {
  @ApiPropertyOptional({ example: '100', description: 'rows per page, 1–1000, default 100' })
  @IsOptional()
  @Matches(LIMIT, { message: 'must be an integer from 1 to 1000' })
  limit?: string;

  @ApiPropertyOptional({ description: 'the nextCursor of the previous page (opaque); absent = the first page' })
  @IsOptional()
  @Matches(CURSOR, { message: 'must be a cursor returned by a previous page' })
  cursor?: string;
}

export class ClientsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: CLIENT_SORTS, default: 'margin' })
  @IsOptional()
  @IsIn(CLIENT_SORTS)
  sort?: (typeof CLIENT_SORTS)[number];

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'asc' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';

  @ApiPropertyOptional({ enum: SEGMENTS, default: 'all' })
  @IsOptional()
  @IsIn(SEGMENTS)
  segment?: (typeof SEGMENTS)[number];

  @ApiPropertyOptional({ enum: CLIENT_FLAGS })
  @IsOptional()
  @IsIn(CLIENT_FLAGS)
  flag?: (typeof CLIENT_FLAGS)[number];

  @ApiPropertyOptional({ example: 'EUR', description: 'ISO-4217 currency the answer covers; required when the log holds subscribers in more than one (else 400 currency-required)' })
  @IsOptional()
  @IsCurrency()
  currency?: string;
}

export class ForecastQueryDto extends ReadModelQueryDto {
  @ApiPropertyOptional({ example: '12', description: 'months ahead, 1–36, default 12 (a longer horizon extrapolates three months of history too far)' })
  @IsOptional()
  @Matches(/^([1-9]|[12]\d|3[0-6])$/, { message: 'must be an integer from 1 to 36' })
  months?: string;

  @ApiPropertyOptional({ enum: SEGMENTS, default: 'all' })
  @IsOptional()
  @IsIn(SEGMENTS)
  segment?: (typeof SEGMENTS)[number];

  @ApiPropertyOptional({ example: 'EUR', description: 'ISO-4217 currency the answer covers; required when the log holds subscribers in more than one (else 400 currency-required)' })
  @IsOptional()
  @IsCurrency()
  currency?: string;
}

const SUBSCRIBER_STATUSES = ['active', 'suspended', 'notice', 'terminated'] as const;

export class SubscribersListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: SUBSCRIBER_STATUSES })
  @IsOptional()
  @IsIn(SUBSCRIBER_STATUSES)
  status?: (typeof SUBSCRIBER_STATUSES)[number];

  @ApiPropertyOptional({ enum: SEGMENTS, default: 'all' })
  @IsOptional()
  @IsIn(SEGMENTS)
  segment?: (typeof SEGMENTS)[number];

  @ApiPropertyOptional({ enum: CLIENT_FLAGS })
  @IsOptional()
  @IsIn(CLIENT_FLAGS)
  flag?: (typeof CLIENT_FLAGS)[number];

}

const CASE_KINDS = DOMAIN_VALUES.caseKind;

export class CasesListQueryDto extends PageQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,119}$/, { message: 'must be a subscriber id' })
  subscriberId?: string;

  @ApiPropertyOptional({ enum: CASE_KINDS })
  @IsOptional()
  @IsIn(CASE_KINDS)
  kind?: (typeof CASE_KINDS)[number];

  @ApiPropertyOptional({ enum: ['open', 'closed'] })
  @IsOptional()
  @IsIn(['open', 'closed'])
  status?: 'open' | 'closed';
}
