import { createHash } from 'node:crypto';
import { keyId, parseApiKeys } from '../config.js';
import { actingRole } from './access.guard.js';
import { ApiKeyAuthenticator } from './api-key.authenticator.js';
import { KeyRateLimiter, rateLimitHeaders } from './rate-limiter.js';

describe('ApiKeyAuthenticator', () => {
  const auth = new ApiKeyAuthenticator({
    apiKeys: [
      { id: keyId('operator-key-1'), key: 'operator-key-1', roles: ['operator'] },
      { id: keyId('both-key-0001'), key: 'both-key-0001', roles: ['operator', 'executive'] },
    ],
  });

  it('resolves a configured key to its id and roles, never to the key', () => {
    expect(auth.authenticate('both-key-0001')).toEqual({ id: keyId('both-key-0001'), roles: ['operator', 'executive'] });
    expect(JSON.stringify(auth.authenticate('operator-key-1'))).not.toContain('operator-key-1');
    expect(auth.authenticate('operator-key-2')).toBeNull();
    expect(auth.authenticate('')).toBeNull();
  });

  it('accepts a key configured only by its sha256 digest (role:sha256:<hex>)', () => {
    const [key] = parseApiKeys(`auditor:sha256:${createHash('sha256').update('auditor-key-1').digest('hex')}`);
    const hashed = new ApiKeyAuthenticator({ apiKeys: [key!] });
    expect(hashed.authenticate('auditor-key-1')).toEqual({ id: keyId('auditor-key-1'), roles: ['auditor'] });
    expect(hashed.authenticate(key!.sha256!)).toBeNull();
  });

  it('reads only Bearer credentials', () => {
    expect(ApiKeyAuthenticator.bearer('Bearer abc')).toBe('abc');
    expect(ApiKeyAuthenticator.bearer('bearer   abc ')).toBe('abc');
    expect(ApiKeyAuthenticator.bearer('Basic abc')).toBeNull();
    expect(ApiKeyAuthenticator.bearer('Bearer a b')).toBeNull();
    expect(ApiKeyAuthenticator.bearer(undefined)).toBeNull();
    expect(ApiKeyAuthenticator.bearer(`Bearer ${'x'.repeat(2000)}`)).toBeNull();
  });
});

describe('actingRole', () => {
  it('is the first of the principal’s roles the route allows, else admin, else none', () => {
    expect(actingRole(['operator', 'executive'], ['executive'])).toBe('executive');
    expect(actingRole(['executive', 'operator'], ['operator', 'auditor'])).toBe('operator');
    expect(actingRole(['admin'], ['operator'])).toBe('admin');
    expect(actingRole(['operator', 'admin'], [])).toBe('admin');
    expect(actingRole(['auditor'], ['operator'])).toBeNull();
  });
});

describe('KeyRateLimiter', () => {
  it('allows the limit per sliding minute per key, then tells when to retry', () => {
    const limiter = new KeyRateLimiter({ rateLimitPerMinute: 3 });
    const t0 = 1_800_000_000_000 - (1_800_000_000_000 % 60_000);
    expect([1, 2, 3].map(() => limiter.consume('a', t0).allowed)).toEqual([true, true, true]);
    const refused = limiter.consume('a', t0 + 1000);
    expect(refused).toMatchObject({ allowed: false, remaining: 0 });
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(limiter.consume('b', t0 + 1000).allowed).toBe(true);
    // Early in the next window the previous one still weighs almost fully…
    expect(limiter.consume('a', t0 + 60_500).allowed).toBe(false);
    // …and has faded by the end of it.
    expect(limiter.consume('a', t0 + 119_000).allowed).toBe(true);
    expect(limiter.consume('a', t0 + 10 * 60_000).allowed).toBe(true);
  });
});

describe('rateLimitHeaders', () => {
  it('writes the IETF RateLimit-Policy and RateLimit fields: quota, window, remaining, seconds to reset', () => {
    const limiter = new KeyRateLimiter({ rateLimitPerMinute: 2 });
    const t0 = 1_800_000_000_000 - (1_800_000_000_000 % 60_000);
    expect(rateLimitHeaders(limiter.consume('a', t0 + 15_000))).toEqual({ 'RateLimit-Policy': '"per-key";q=2;w=60', RateLimit: '"per-key";r=1;t=45' });
    limiter.consume('a', t0 + 15_000);
    const refused = limiter.consume('a', t0 + 15_000);
    expect(rateLimitHeaders(refused).RateLimit).toBe(`"per-key";r=0;t=${refused.retryAfterSeconds}`);
  });
});
