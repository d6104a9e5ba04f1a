import { ApiProperty } from '@nestjs/swagger';
import { CommandBodyDto } from '../../http/command-body.dto.js';
import { IsInstant, IsText } from '../../http/validation.js';

/** Body of the DocumentIncident command. */
export class DocumentIncidentDto extends CommandBodyDto {
  @ApiProperty({ example: 'threatened the technician on the phone' })
  @IsText('text')
  description!: string;

  @ApiProperty({ example: '2026-01-20T16:30:00Z', description: 'when it happened (ISO-8601 instant)' })
  @IsInstant()
  incidentAt!: string;
}
