import { SettingsError } from '@libs/settings';
import { projectorConfigFromEnv } from './config.js';

describe('projector configuration', () => {
  it('runs every projection by default, the listed ones with PROJECTIONS=a,b', () => {
    expect(projectorConfigFromEnv({}).only).toBeUndefined();
    expect(projectorConfigFromEnv({ PROJECTIONS: 'churn, cohorts' }).only).toEqual(['churn', 'cohorts']);
  });

  it('runs no projection with PROJECTIONS=none: a process for the push relays alone', () => {
    const c = projectorConfigFromEnv({ PROJECTIONS: 'none', RELAYS: 'on' });
    expect(c.only).toEqual([]);
    expect(c.relay.mode).toBe('on');
  });

  it('refuses a malformed list, naming the variable', () => {
    expect(() => projectorConfigFromEnv({ PROJECTIONS: 'Churn;cohorts' })).toThrow(SettingsError);
    expect(() => projectorConfigFromEnv({ PROJECTIONS: 'Churn;cohorts' })).toThrow(/PROJECTIONS/);
  });
});
