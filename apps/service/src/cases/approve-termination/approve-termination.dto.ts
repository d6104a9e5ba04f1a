import { CommandBodyDto } from '../../http/command-body.dto.js';

/** Body of the termination approval: nothing but the optional `at`; the approver is the caller. */
export class ApproveTerminationDto extends CommandBodyDto {}
