import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsString, Matches, MaxLength } from 'class-validator';
import { IsText, Optional } from '../http/validation.js';

const POSITION = /^(0|[1-9][0-9]{0,38})$/;

/** Body of `POST /v1/webhooks`. */
export class CreateWebhookDto {
  @ApiProperty({ example: 'https://alarms.example.com/hooks/client-lifecycle', description: 'http(s) endpoint; in production no loopback, link-local or private address unless WEBHOOK_ALLOW_PRIVATE=true' })
  @IsString()
  @MaxLength(2048)
  url!: string;

  @ApiPropertyOptional({ type: [String], example: ['ServiceSuspended', 'ServiceReinstated'], description: 'only these event types (default every type)' })
  @Optional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsString({ each: true })
  types?: string[];

  @ApiPropertyOptional({ example: 'subscriber-', description: 'only streams with this name prefix (default every stream)' })
  @Optional()
  @IsString()
  @MaxLength(200)
  stream?: string;

  @ApiPropertyOptional({ example: 'alarm monitoring: cut the signal on suspension' })
  @Optional()
  @IsText(500)
  description?: string;
}

/** Body of `PATCH /v1/webhooks/{id}`. */
export class UpdateWebhookDto {
  @ApiPropertyOptional({ enum: ['active', 'disabled'], description: '`active` re-enables a failing or disabled subscription; `disabled` stops delivery' })
  @Optional()
  @IsIn(['active', 'disabled'])
  status?: 'active' | 'disabled';

  @ApiPropertyOptional({ example: 'https://alarms.example.com/hooks/v2' })
  @Optional()
  @IsString()
  @MaxLength(2048)
  url?: string;

  @ApiPropertyOptional({ type: [String], example: ['ServiceSuspended'] })
  @Optional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsString({ each: true })
  types?: string[];
}

/** Body of `POST /v1/webhooks/{id}/replay`. */
export class ReplayWebhookDto {
  @ApiProperty({ example: '0', description: 'redeliver every matching event after this position (a decimal string; "0" = from the beginning of the log)' })
  @IsString()
  @Matches(POSITION, { message: 'must be a position: a non-negative decimal integer as returned by the feed' })
  after!: string;
}
