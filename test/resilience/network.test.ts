import { OutageLoad, REQUEST_TIMEOUT_MS, until } from './load.js';
import { startPrivatePostgres, type PrivatePostgres } from '../support/private-postgres.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

/**
 * Issue 12, network faults between the service and a healthy database, through a TCP proxy: the
 * port refuses connections for a few seconds, then the network silently drops everything (a black
 * hole). Requests answer 503 within the stated connect/query timeouts instead of hanging; afterwards
 * every acknowledged write is there exactly once, without a restart.
 */
describe('network faults (TCP proxy in front of a private PostgreSQL)', () => {
  let server: PrivatePostgres;
  let proxy: TcpProxy;
  let load: OutageLoad;

  beforeAll(async () => {
    server = await startPrivatePostgres();
    proxy = await startTcpProxy(server.port);
    const viaProxy = server.url.replace(`:${server.port}/`, `:${proxy.port}/`);
    load = new OutageLoad(viaProxy, server.url, { database: { poolSize: 10, connectTimeoutMs: 1_000, queryTimeoutMs: 2_000 } });
    await load.start();
  }, 60_000);

  afterAll(async () => {
    proxy?.heal();
    await load?.stop();
    await proxy?.close();
    server?.destroy();
  }, 60_000);

  it('the port refuses connections for a few seconds under load: 503s, then recovery', async () => {
    load.startWriters();
    await until('writes before the fault', () => load.acked.size >= 20);
    const before = load.count503;
    const refusing = proxy.refuse(3_000);
    await until('503s while refused', () => load.count503 > before + 4);
    await load.expectQueryUnavailable();
    await refusing;
    const after = load.acked.size;
    await until('writes after the fault', () => load.acked.size >= after + 20);
    await load.waitReady();
    await load.stopWriters();
    expect(load.unexpected).toEqual([]);
    await load.expectEveryAcknowledgedWriteOnce();
  }, 120_000);

  it('a black hole (nothing forwarded) under load: 503 within the timeouts, never a hang, then recovery', async () => {
    load.startWriters();
    const target = load.acked.size + 20;
    await until('writes before the fault', () => load.acked.size >= target);
    const before = load.count503;
    proxy.blackHole();
    const started = Date.now();
    await until('503s in the black hole', () => load.count503 > before + 4, 20_000);
    const query = Date.now();
    await load.expectQueryUnavailable();
    // Connect 1 s, query 2 s: well inside the client's own timeout.
    expect(Date.now() - query).toBeLessThan(REQUEST_TIMEOUT_MS / 2);
    expect((await load.call('GET', '/health/ready')).status).toBe(503);
    expect((await load.call('GET', '/health/live')).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(30_000);
    proxy.heal();
    const after = load.acked.size;
    await until('writes after the fault', () => load.acked.size >= after + 20);
    await load.waitReady();
    await load.stopWriters();
    expect(load.unexpected).toEqual([]);
    await load.expectEveryAcknowledgedWriteOnce();
  }, 120_000);
});
