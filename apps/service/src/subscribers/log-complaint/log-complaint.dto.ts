import { ApiProperty } from '@nestjs/swagger';
import { CommandBodyDto } from '../../http/command-body.dto.js';
import { IsText } from '../../http/validation.js';

/** Body of the LogComplaint command. */
export class LogComplaintDto extends CommandBodyDto {
  @ApiProperty({ example: 'billing' })
  @IsText('line')
  category!: string;

  @ApiProperty({ example: 'charged twice in January' })
  @IsText('text')
  description!: string;
}
