import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Role } from './roles.decorator.js';

/** Who called: the key's stable id (never the key) and all its roles. */
export interface Principal {
  id: string;
  roles: readonly Role[];
}

/** The caller's principal, as the access guard attached it (`undefined` on public routes). */
export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal | undefined => {
  return ctx.switchToHttp().getRequest<{ principal?: Principal }>().principal;
});

/** Alias with the name used in the API docs: `@Principal() principal: Principal`. */
export { CurrentPrincipal as Principal };
