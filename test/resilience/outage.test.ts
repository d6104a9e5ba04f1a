import { OutageLoad, until } from './load.js';
import { startPrivatePostgres, type PrivatePostgres } from '../support/private-postgres.js';

/**
 * Issue 12, "database outages": the service on a PostgreSQL of its own, under concurrent writers,
 * a live subscription and an SSE reader, while the server is stopped and started again and while
 * every backend is terminated. The process must not die, commands and queries must answer 503
 * problem+json with Retry-After (never 500, never a hang), and afterwards every acknowledged write
 * is in the log, the subscription, the feed and the read models exactly once — without a restart.
 */
describe('database outages (private PostgreSQL)', () => {
  let server: PrivatePostgres;
  let load: OutageLoad;

  beforeAll(async () => {
    server = await startPrivatePostgres();
    load = new OutageLoad(server.url, server.url);
    await load.start();
  }, 60_000);

  afterAll(async () => {
    await load?.stop();
    server?.destroy();
  }, 60_000);

  it('server stopped and started under load: 503s meanwhile, /health/live up, recovery without restart', async () => {
    load.startWriters();
    await until('writes before the outage', () => load.acked.size >= 20);
    server.stop();
    const before = load.count503;
    await until('503s during the outage', () => load.count503 > before + 4);
    await load.expectQueryUnavailable();
    expect((await load.call('GET', '/health/ready')).status).toBe(503);
    expect((await load.call('GET', '/health/live')).status).toBe(200);
    const duringOutage = load.acked.size;
    server.start();
    await until('writes after the outage', () => load.acked.size >= duringOutage + 20);
    await load.waitReady();
    await load.stopWriters();
    expect(load.unexpected).toEqual([]);
    await load.expectEveryAcknowledgedWriteOnce();
  }, 120_000);

  it('every backend terminated (pg_terminate_backend) under load: nothing lost, nothing twice', async () => {
    load.startWriters();
    for (let round = 0; round < 3; round++) {
      const target = load.acked.size + 15;
      await until(`writes before termination ${round}`, () => load.acked.size >= target);
      expect(await server.terminateBackends()).toBeGreaterThan(0);
    }
    const after = load.acked.size;
    await until('writes after the terminations', () => load.acked.size >= after + 20);
    await load.stopWriters();
    expect(load.unexpected).toEqual([]);
    await load.expectEveryAcknowledgedWriteOnce();
    await load.waitReady();
  }, 120_000);
});
