import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from './principal.js';
import { ROLES, Roles, type Role } from './roles.decorator.js';

class MeResponse {
  @ApiProperty({ description: "the key's stable id (what event metadata shows as actor); never the key", example: 'key-3f2a9c1b7d04' })
  keyId!: string;

  @ApiProperty({ enum: ROLES, isArray: true, description: 'every role of the key' })
  roles!: Role[];
}

/**
 * `GET /v1/me`: who the presented key is. The console asks it right after sign-in to learn which
 * screens and actions to offer; every role may ask, so a wrong key is the only refusal (401).
 */
@ApiTags('auth')
@Controller('v1/me')
export class MeController {
  @Get()
  @Roles(...ROLES)
  @ApiOperation({ operationId: 'getMe', summary: 'The calling key: its id and roles' })
  @ApiOkResponse({ type: MeResponse })
  me(@CurrentPrincipal() principal: Principal | undefined): MeResponse {
    // The guard attached a principal: this route is not public.
    return { keyId: principal!.id, roles: [...principal!.roles] };
  }
}
