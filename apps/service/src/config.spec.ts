import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, keyId, loadConfig, parseApiKeys, persistDevelopmentKey } from './config.js';

describe('service configuration', () => {
  it('defaults to the embedded store, the clock scheduler and the field-advice dunning policy', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3000, eventStore: 'pglite', dataDir: './data', scheduler: 'clock', projector: 'inline' });
    expect(c.policy).toEqual({ graceDays: 0, suspendAfterDays: 15, writeOffOnSuspension: true });
  });

  it('reads the dunning policy from the environment', () => {
    const c = loadConfig({ DUNNING_GRACE_DAYS: '3', DUNNING_SUSPEND_AFTER_DAYS: '20', DUNNING_WRITE_OFF_ON_SUSPENSION: 'false' });
    expect(c.policy).toEqual({ graceDays: 3, suspendAfterDays: 20, writeOffOnSuspension: false });
    expect(() => loadConfig({ DUNNING_GRACE_DAYS: '-1' })).toThrow(ConfigError);
  });

  it('maps role:key pairs to keys with every role they were listed with, and a non-secret id', () => {
    const keys = parseApiKeys('operator:k1-operator-key, analyst:k2-analyst-key,executive:k1-operator-key');
    expect(keys).toEqual([
      { id: keyId('k1-operator-key'), key: 'k1-operator-key', roles: ['operator', 'executive'] },
      { id: keyId('k2-analyst-key'), key: 'k2-analyst-key', roles: ['analyst'] },
    ]);
    expect(keys[0]!.id).not.toContain('k1-operator-key');
    expect(() => parseApiKeys('boss:k1-operator-key')).toThrow(/unknown role "boss"/);
    expect(() => parseApiKeys('operator')).toThrow(ConfigError);
    expect(() => parseApiKeys('operator:short')).toThrow(/shorter than 8/);
  });

  it('refuses to start in production without keys; in development generates an admin key', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/API_KEYS is required in production/);
    const dev = loadConfig({});
    expect(dev.generatedAdminKey).toMatch(/^dev-/);
    expect(dev.apiKeys).toEqual([{ id: keyId(dev.generatedAdminKey!), key: dev.generatedAdminKey, roles: ['admin'] }]);
    expect(loadConfig({ API_KEYS: 'admin:an-admin-key' }).generatedAdminKey).toBeUndefined();
  });

  it('names the missing setting of each backend', () => {
    expect(() => loadConfig({ EVENT_STORE: 'postgres' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ EVENT_STORE: 'eventstoredb' })).toThrow(/EVENTSTORE_CONNECTION_STRING/);
    expect(() => loadConfig({ EVENT_STORE: 'mongo' })).toThrow(/EVENT_STORE must be one of/);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
  });

  it('keeps the generated development key across restarts in DATA_DIR, readable only by its owner', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cl-config-'));
    const first = persistDevelopmentKey({ ...loadConfig({}), dataDir });
    expect(first.created).toBe(true);
    const file = join(dataDir, 'dev-admin-key');
    expect(readFileSync(file, 'utf8').trim()).toBe(first.config.generatedAdminKey);
    expect(statSync(file).mode & 0o077).toBe(0);
    const second = persistDevelopmentKey({ ...loadConfig({}), dataDir });
    expect(second.created).toBe(false);
    expect(second.config.generatedAdminKey).toBe(first.config.generatedAdminKey);
    expect(second.config.apiKeys[0]!.key).toBe(first.config.generatedAdminKey);
  });
});
