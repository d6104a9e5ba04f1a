import { SetMetadata } from '@nestjs/common';

/** The roles of domain.md §2. `admin` may do everything. */
export const ROLES = ['operator', 'executive', 'analyst', 'auditor', 'service', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const ROLES_KEY = 'client-lifecycle:roles';
export const PUBLIC_KEY = 'client-lifecycle:public';

/** Roles allowed on a route (besides `admin`). Routes without it and without `@Public()` are admin-only. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** No key needed (health, metrics, docs). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
