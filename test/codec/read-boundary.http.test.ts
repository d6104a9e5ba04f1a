import { jest } from '@jest/globals';
import request from 'supertest';
import { storedOf } from '@libs/codec';
import type { NewEvent } from '@libs/event-store';
import { createTestDatabase } from '../support/postgres.js';
import { openFeed } from '../feed/sse-client.js';
import { bearer, enrolled, KEYS, startApp, type RunningApp } from '../feed/support.js';

jest.setTimeout(120_000);

/**
 * Issue 13 §1 through the real service: a v1 `PaymentReminderSent` (written before `tone` existed)
 * answers as the current contract (api.md: "an old version is upcast on read"; domain.md §8) on
 * every route that hands out state or events — the subscriber now, as of an instant and a version,
 * its history, the feed page and the live stream — and a new command is decided on the upcast state.
 */
const backends: Array<[string, () => Promise<{ running: RunningApp; drop(): Promise<void> }>]> = [
  ['PGlite', async () => ({ running: await startApp(), drop: async () => undefined })],
  [
    'PostgreSQL',
    async () => {
      const database = await createTestDatabase('codec_http');
      return { running: await startApp({ eventStore: 'postgres', databaseUrl: database.url }), drop: database.drop };
    },
  ],
];

const s = 'codec-http-1';
const remindedAt = '2026-02-02T10:00:00.000Z';
const v1Reminder: NewEvent = {
  type: 'PaymentReminderSent',
  data: { subscriberId: s, occurredAt: remindedAt, invoiceId: 'inv-1' },
  occurredAt: remindedAt,
  metadata: { actor: 'test', role: 'operator', schemaVersion: 1 },
};
const invoice: NewEvent = {
  type: 'InvoiceIssued',
  data: { subscriberId: s, occurredAt: '2026-02-01T00:00:00.000Z', invoiceId: 'inv-1', period: '2026-02', amount: 30000, dueDate: '2026-02-15' },
  occurredAt: '2026-02-01T00:00:00.000Z',
  metadata: { actor: 'test', role: 'operator', schemaVersion: 1 },
};
const friendly = { tone: 'friendly', at: remindedAt };

describe.each(backends)('one read boundary over HTTP: a v1 event answers as current on every route (%s)', (_name, open) => {
  let running: RunningApp;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ running, drop } = await open());
    await storedOf(running.store).append(`subscriber-${s}`, [enrolled(s), invoice, v1Reminder]);
  });
  afterAll(async () => {
    await running?.close();
    await drop?.();
  });

  const get = (path: string, key: string = KEYS.operator) => request(running.url).get(path).set(bearer(key)).expect(200);

  it('GET /v1/subscribers/{id}: now, ?asOf= and ?version= carry the upcast tone', async () => {
    expect((await get(`/v1/subscribers/${s}`)).body.invoices[0].reminders).toEqual([friendly]);
    expect((await get(`/v1/subscribers/${s}?asOf=${remindedAt}`)).body.invoices[0].reminders).toEqual([friendly]);
    expect((await get(`/v1/subscribers/${s}?version=2`, KEYS.auditor)).body.invoices[0].reminders).toEqual([friendly]);
  });

  it('history and the feed (page and live stream) carry the current contract, with upcastFrom', async () => {
    const history = (await get(`/v1/subscribers/${s}/history`, KEYS.auditor)).body.events as Array<{ data: unknown; metadata: unknown }>;
    expect(history[2]!.data).toEqual({ ...v1Reminder.data, tone: 'friendly' });
    expect(history[2]!.metadata).toMatchObject({ schemaVersion: 2, upcastFrom: 1 });

    const page = (await get(`/v1/events?stream=subscriber-${s}&types=PaymentReminderSent`, KEYS.service)).body.events as Array<{ data: unknown; metadata: unknown }>;
    expect(page).toHaveLength(1);
    expect(page[0]!.data).toEqual({ ...v1Reminder.data, tone: 'friendly' });
    expect(page[0]!.metadata).toMatchObject({ schemaVersion: 2, upcastFrom: 1 });

    const feed = openFeed(running.url, KEYS.service, { query: `stream=subscriber-${s}&types=PaymentReminderSent` });
    try {
      await feed.opened;
      await feed.until((events) => events.length >= 1, 30_000);
      expect(feed.events[0]!.envelope.data).toEqual({ ...v1Reminder.data, tone: 'friendly' });
      expect(feed.events[0]!.envelope.metadata).toMatchObject({ schemaVersion: 2, upcastFrom: 1 });
    } finally {
      feed.close();
    }
  });

  it('the write path decides on the upcast state: a firm reminder joins the friendly one', async () => {
    await request(running.url)
      .post(`/v1/subscribers/${s}/reminders`)
      .set(bearer(KEYS.operator))
      .send({ invoiceId: 'inv-1', tone: 'firm', at: '2026-02-03T00:00:00.000Z' })
      .expect(200);
    expect((await get(`/v1/subscribers/${s}`)).body.invoices[0].reminders).toEqual([friendly, { tone: 'firm', at: '2026-02-03T00:00:00.000Z' }]);
    // What is stored stays v1: the hash chain covers it.
    const stored = await storedOf(running.store).readStream(`subscriber-${s}`);
    expect(stored[2]!.data).toEqual(v1Reminder.data);
    expect((await get(`/v1/subscribers/${s}/integrity`, KEYS.auditor)).body.valid).toBe(true);
  });
});
