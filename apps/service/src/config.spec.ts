import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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
    expect(keys).toMatchObject([
      { id: keyId('k1-operator-key'), key: 'k1-operator-key', roles: ['operator', 'executive'] },
      { id: keyId('k2-analyst-key'), key: 'k2-analyst-key', roles: ['analyst'] },
    ]);
    expect(keys[0]!.id).not.toContain('k1-operator-key');
    expect(() => parseApiKeys('boss:k1-operator-key')).toThrow(/unknown role "boss"/);
    expect(() => parseApiKeys('operator')).toThrow(ConfigError);
    expect(() => parseApiKeys('operator:short')).toThrow(/shorter than 8/);
  });

  it('refuses to start in production without keys; in development generates an admin key', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/API_KEYS \(or API_KEYS_FILE\) is required in production/);
    const dev = loadConfig({});
    expect(dev.generatedAdminKey).toMatch(/^dev-/);
    expect(dev.apiKeys).toMatchObject([{ id: keyId(dev.generatedAdminKey!), key: dev.generatedAdminKey, roles: ['admin'] }]);
    expect(loadConfig({ API_KEYS: 'admin:an-admin-key' }).generatedAdminKey).toBeUndefined();
  });

  it('accepts keys as role:sha256:<hex> digests, with the same id as the plain key, and from API_KEYS_FILE', () => {
    const digest = createHash('sha256').update('k1-operator-key').digest('hex');
    const [hashed] = parseApiKeys(`operator:sha256:${digest.toUpperCase()}`);
    expect(hashed).toEqual({ id: keyId('k1-operator-key'), sha256: digest, roles: ['operator'] });
    // The plain key and its digest are one key: roles merge.
    expect(parseApiKeys(`operator:k1-operator-key,executive:sha256:${digest}`)).toMatchObject([{ roles: ['operator', 'executive'] }]);
    expect(() => parseApiKeys('operator:sha256:abc')).toThrow(/64 hexadecimal digits/);

    const dir = mkdtempSync(join(tmpdir(), 'cl-keys-'));
    const file = join(dir, 'keys');
    writeFileSync(file, `# operators\noperator:sha256:${digest}\nadmin:an-admin-key-1, analyst:an-analyst-key\n`);
    const fromFile = loadConfig({ API_KEYS_FILE: file, NODE_ENV: 'production' });
    expect(fromFile.apiKeys.map((k) => k.roles)).toEqual([['operator'], ['admin'], ['analyst']]);
    expect(fromFile.generatedAdminKey).toBeUndefined();
    expect(() => loadConfig({ API_KEYS_FILE: file, API_KEYS: 'admin:an-admin-key' })).toThrow(/both set/);
    expect(() => loadConfig({ API_KEYS_FILE: join(dir, 'missing') })).toThrow(/API_KEYS_FILE: cannot read/);
  });

  it('refuses a bad value of any setting, naming the variable and what it accepts', () => {
    expect(() => loadConfig({ FEED_HEARTBEAT_MS: 'abc' })).toThrow('FEED_HEARTBEAT_MS must be an integer from 10 to 3600000, got "abc"');
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent/);
    expect(() => loadConfig({ DEMO: 'maybe' })).toThrow(/DEMO must be one of 1, 0, true, false, yes, no/);
    expect(() => loadConfig({ HEALTH_STORE_TIMEOUT_MS: '1.5' })).toThrow(/HEALTH_STORE_TIMEOUT_MS must be an integer/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL must be/);
    // Every bad variable at once.
    expect(() => loadConfig({ PORT: '-1', SCHEDULER: 'cron' })).toThrow(/PORT must be .*; SCHEDULER must be one of clock, manual/);
    expect(loadConfig({ FEED_HEARTBEAT_MS: ' ', DEMO: 'yes' }).demo).toBe(true);
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
