import { ApiProperty } from '@nestjs/swagger';
import { CommandBodyDto } from '../../http/command-body.dto.js';
import { IsText } from '../../http/validation.js';

/** Body of the LogComplaint command. */
export class LogComplaintDto extends CommandBodyDto {
  @ApiProperty({ example: 'billing', maxLength: 200 })
  @IsText(200, { singleLine: true })
  category!: string;

  @ApiProperty({ example: 'charged twice in January', maxLength: 2000 })
  @IsText(2000)
  description!: string;
}
