/** What a key's roles may see, mirroring the API's role table (api.md): the console offers no screen the API would refuse. */
import type { Role } from '../api/views.js';

export interface Access {
  analytics: boolean;
  clientState: boolean;
  history: boolean;
  cases: boolean;
  feed: boolean;
}

export function accessOf(roles: readonly Role[]): Access {
  const has = (...allowed: Role[]) => roles.includes('admin') || allowed.some((r) => roles.includes(r));
  return {
    analytics: has('analyst'),
    clientState: has('operator', 'auditor'),
    history: has('auditor'),
    cases: has('operator', 'auditor'),
    feed: has('service', 'auditor'),
  };
}
