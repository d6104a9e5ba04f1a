/** What a key's roles may see, mirroring the API's role table (api.md): the console offers no screen the API would refuse. */
import type { Role } from '../api/views.js';

export interface Access {
  analytics: boolean;
  clientState: boolean;
  history: boolean;
  cases: boolean;
  feed: boolean;
  /** One case's state (the executive reads it from the approvals inbox). */
  caseDetail: boolean;
  /** Records commands on clients and cases (operator). */
  operate: boolean;
  /** Approves terminations from the inbox (executive). */
  approve: boolean;
}

export function accessOf(roles: readonly Role[]): Access {
  const has = (...allowed: Role[]) => roles.includes('admin') || allowed.some((r) => roles.includes(r));
  return {
    analytics: has('analyst'),
    clientState: has('operator', 'auditor'),
    history: has('auditor'),
    cases: has('operator', 'auditor'),
    caseDetail: has('operator', 'auditor', 'executive'),
    feed: has('service', 'auditor'),
    operate: has('operator'),
    approve: has('executive'),
  };
}
