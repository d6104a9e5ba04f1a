import request from 'supertest';
import { eventContracts } from '@libs/domain';
import type { EventStore, NewEvent, StoredEvent } from '@libs/event-store';
import { FeedSessions } from '../../apps/service/src/feed/feed-sessions.js';
import { checkJsonSchema } from './json-schema.js';
import { openFeed } from './sse-client.js';
import { bearer, complaint, enrolled, KEYS, type RunningApp } from './support.js';
import { settledHead } from '../support/settled-head.js';

const ENVELOPE_KEYS = ['id', 'position', 'streamId', 'version', 'type', 'data', 'occurredAt', 'metadata'];

async function readEverything(running: RunningApp): Promise<StoredEvent[]> {
  const all: StoredEvent[] = [];
  let after = '0';
  for (;;) {
    const page = await running.store.readAll({ after, limit: 1000 });
    all.push(...page.events);
    if (page.last === after) return all;
    after = page.last;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The feed and audit routes end to end; registered once per backend.
 * `app()` returns the running service of the enclosing describe block.
 */
export function feedScenarios(app: () => RunningApp): void {
  it('history: every event in order in the api.md envelope, as JSON and as JSON Lines, upcast unless ?stored=true', async () => {
    const running = app();
    const s = 'hist-1';
    await running.store.append(`subscriber-${s}`, [enrolled(s), ...Array.from({ length: 5 }, (_, i) => complaint(s, i + 1))]);
    // A reminder written before `tone` existed (contract v1).
    const v1: NewEvent = {
      type: 'PaymentReminderSent',
      data: { subscriberId: s, occurredAt: '2026-02-01T00:00:00.000Z', invoiceId: 'inv-1' },
      occurredAt: '2026-02-01T00:00:00.000Z',
      metadata: { actor: 'test', schemaVersion: 1 },
    };
    await running.store.append(`subscriber-${s}`, [v1]);
    const stored = await running.store.readStream(`subscriber-${s}`);

    const json = await request(running.url).get(`/v1/subscribers/${s}/history`).set(bearer(KEYS.auditor)).expect(200);
    expect(json.headers['content-type']).toMatch(/^application\/json/);
    const events = json.body.events as Array<Record<string, unknown>>;
    expect(events.map((e) => e['version'])).toEqual([0, 1, 2, 3, 4, 5, 6]);
    for (const [i, e] of events.entries()) {
      expect(Object.keys(e)).toEqual(ENVELOPE_KEYS);
      expect(e['position']).toBe(stored[i]!.position);
      expect(e['streamId']).toBe(`subscriber-${s}`);
    }
    expect(events.slice(0, 6).map((e) => e['data'])).toEqual(stored.slice(0, 6).map((e) => e.data));
    expect(events[6]!['data']).toMatchObject({ invoiceId: 'inv-1', tone: 'friendly' });
    expect(events[6]!['metadata']).toMatchObject({ schemaVersion: 2, upcastFrom: 1, hash: stored[6]!.metadata.hash });

    const ndjson = await request(running.url).get(`/v1/subscribers/${s}/history`).set(bearer(KEYS.auditor)).set('Accept', 'application/x-ndjson').expect(200);
    expect(ndjson.headers['content-type']).toMatch(/^application\/x-ndjson/);
    expect(ndjson.headers['vary']).toMatch(/\bAccept\b/);
    const lines = ndjson.text.trimEnd().split('\n').map((l) => JSON.parse(l) as unknown);
    expect(lines).toEqual(events);

    const asStored = await request(running.url).get(`/v1/subscribers/${s}/history?stored=true`).set(bearer(KEYS.auditor)).expect(200);
    expect(asStored.body.events[6].data).toEqual(v1.data);
    expect(asStored.body.events[6].metadata.upcastFrom).toBeUndefined();

    await request(running.url).get('/v1/subscribers/nobody/history').set(bearer(KEYS.auditor)).expect(404);
    await request(running.url).get('/v1/subscribers/nobody/integrity').set(bearer(KEYS.auditor)).expect(404);
    await request(running.url).get(`/v1/subscribers/${s}/history?stored=maybe`).set(bearer(KEYS.auditor)).expect(400);
  });

  it('history of a long stream is streamed page by page, complete and in order; case history too', async () => {
    const running = app();
    const s = 'hist-long';
    const total = 2_400;
    await running.store.append(`subscriber-${s}`, [enrolled(s)]);
    for (let from = 1; from < total; from += 400) {
      await running.store.append(`subscriber-${s}`, Array.from({ length: Math.min(400, total - from) }, (_, i) => complaint(s, from + i)));
    }
    const ndjson = await request(running.url).get(`/v1/subscribers/${s}/history`).set(bearer(KEYS.auditor)).set('Accept', 'application/x-ndjson').expect(200);
    const versions = ndjson.text.trimEnd().split('\n').map((l) => (JSON.parse(l) as { version: number }).version);
    expect(versions).toEqual(Array.from({ length: total }, (_, i) => i));
    const json = await request(running.url).get(`/v1/subscribers/${s}/history`).set(bearer(KEYS.auditor)).expect(200);
    expect(json.body.events).toHaveLength(total);
    expect(json.body.events[total - 1].data.description).toBe(`complaint ${total - 1}`);

    await running.store.append('case-c-1', [
      { type: 'CaseOpened', data: { caseId: 'c-1', subscriberId: s, occurredAt: '2026-03-01T00:00:00.000Z', kind: 'complaints', summary: 'too many complaints', openedBy: 'op' }, occurredAt: '2026-03-01T00:00:00.000Z', metadata: { schemaVersion: 1 } },
    ]);
    const caseHistory = await request(running.url).get('/v1/cases/c-1/history').set(bearer(KEYS.operator)).expect(200);
    expect(caseHistory.body.events.map((e: { type: string }) => e.type)).toEqual(['CaseOpened']);
    const integrity = await request(running.url).get('/v1/cases/c-1/integrity').set(bearer(KEYS.auditor)).expect(200);
    expect(integrity.body).toMatchObject({ valid: true, events: 1 });
  });

  it('GET /v1/events pages the log with filters; `last` resumes; bad input is a 400 with field errors', async () => {
    const running = app();
    const start = await settledHead(running.store);
    await running.store.append('subscriber-feed-a', [enrolled('feed-a'), complaint('feed-a', 1)]);
    await running.store.append('case-feed-c', [
      { type: 'CaseOpened', data: { caseId: 'feed-c', subscriberId: 'feed-a', occurredAt: '2026-03-01T00:00:00.000Z', kind: 'complaints', summary: 's', openedBy: 'op' }, occurredAt: '2026-03-01T00:00:00.000Z', metadata: { schemaVersion: 1 } },
    ]);
    await running.store.append('subscriber-feed-b', [enrolled('feed-b'), complaint('feed-b', 1), complaint('feed-b', 2)]);
    // Six events were written; readers see them once no older transaction is still open (the
    // gap-free horizon: the service's own projections commit concurrently).
    const all = await visibleAfter(running.store, start, 6);

    const seen: string[] = [];
    let after = start;
    for (;;) {
      const page = await request(running.url).get(`/v1/events?after=${after}&limit=4`).set(bearer(KEYS.service)).expect(200);
      const events = page.body.events as Array<{ position: string }>;
      expect(events.length).toBeLessThanOrEqual(4);
      if (events.length > 0) expect(page.body.last).toBe(events[events.length - 1]!.position);
      for (const e of events) expect(Object.keys(e)).toEqual(ENVELOPE_KEYS);
      seen.push(...events.map((e) => e.position));
      if (events.length === 0) break;
      after = page.body.last;
    }
    expect(seen).toEqual(all.map((e) => e.position));

    const byType = await request(running.url).get(`/v1/events?after=${start}&types=ComplaintLogged,CaseOpened&limit=1000`).set(bearer(KEYS.auditor)).expect(200);
    expect(byType.body.events.map((e: StoredEvent) => e.position)).toEqual(all.filter((e) => e.type === 'ComplaintLogged' || e.type === 'CaseOpened').map((e) => e.position));
    const byStream = await request(running.url).get(`/v1/events?after=${start}&stream=subscriber-feed-b`).set(bearer(KEYS.service)).expect(200);
    expect(byStream.body.events.map((e: StoredEvent) => e.version)).toEqual([0, 1, 2]);
    expect(byStream.body.last).toBe(all[all.length - 1]!.position);
    const both = await request(running.url).get(`/v1/events?after=${start}&stream=subscriber-&types=SubscriberEnrolled`).set(bearer(KEYS.service)).expect(200);
    expect(both.body.events.map((e: StoredEvent) => e.streamId)).toEqual(all.filter((e) => e.type === 'SubscriberEnrolled').map((e) => e.streamId));

    const bad = await request(running.url).get('/v1/events?after=-1&limit=0&types=Nope,ComplaintLogged&stream=%20x').set(bearer(KEYS.service)).expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['after', 'limit', 'stream', 'types']);
    await request(running.url).get('/v1/events?limit=1001').set(bearer(KEYS.service)).expect(400);
  });

  it('GET /v1/events/schemas publishes every type and version; stored data validates against them', async () => {
    const running = app();
    await running.store.append('subscriber-schema-1', [enrolled('schema-1'), complaint('schema-1', 1)]);
    const res = await request(running.url).get('/v1/events/schemas').set(bearer(KEYS.service)).expect(200);
    const schemas = res.body.events as Array<{ type: string; schemaVersion: number; current: boolean; schema: Record<string, unknown> }>;
    for (const contract of Object.values(eventContracts)) {
      for (const version of Object.keys(contract.versions).map(Number)) {
        expect(schemas.some((s) => s.type === contract.type && s.schemaVersion === version && s.current === (version === contract.schemaVersion))).toBe(true);
      }
    }
    expect(res.body.upcasting).toContainEqual({ type: 'PaymentReminderSent', fromVersion: 1, toVersion: 2, addedProperties: ['tone'], removedProperties: [] });

    const feed = await request(running.url).get('/v1/events?stream=subscriber-schema-1').set(bearer(KEYS.service)).expect(200);
    for (const event of feed.body.events as StoredEvent[]) {
      const schema = schemas.find((s) => s.type === event.type && s.schemaVersion === event.metadata.schemaVersion)!;
      expect(checkJsonSchema(schema.schema, event.data)).toEqual([]);
      expect(checkJsonSchema(res.body.envelope, event)).toEqual([]);
    }
    const complaintSchema = schemas.find((s) => s.type === 'ComplaintLogged' && s.current)!.schema;
    expect(checkJsonSchema(complaintSchema, { subscriberId: 'x', occurredAt: '2026-01-01T00:00:00Z', category: 'billing' })).not.toEqual([]);
  });

  it('SSE: concurrent writers, a reader that leaves mid-way and resumes with Last-Event-ID sees every event once, in order', async () => {
    const running = app();
    await running.store.append('subscriber-sse-0', [enrolled('sse-0'), ...Array.from({ length: 20 }, (_, i) => complaint('sse-0', i + 1))]);
    const start = (await readEverything(running)).at(-1)!.position;

    const writers = 4;
    const perWriter = 60;
    let writing = true;
    // The writers hold their second half until the first reader has left, so the reader leaves and
    // resumes while writes go on, however slow the machine (no race on who finishes first).
    let firstLeft!: () => void;
    const readerLeft = new Promise<void>((resolve) => (firstLeft = resolve));
    const writes = Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        await running.store.append(`subscriber-sse-w${w}`, [enrolled(`sse-w${w}`)]);
        for (let i = 1; i < perWriter; i++) {
          if (i === perWriter / 2) await readerLeft;
          await running.store.append(`subscriber-sse-w${w}`, [complaint(`sse-w${w}`, i)]);
          await sleep(i % 5 === 0 ? 10 : 1);
        }
      }),
    ).finally(() => (writing = false));

    // Starts a little before the writers' events, so the reader catches up and then goes live.
    const first = openFeed(running.url, KEYS.service, { query: `after=${start}` });
    await first.opened;
    await first.until((events) => events.length >= 40);
    first.close();
    const resumeFrom = first.events.at(-1)!.id;
    expect(writing).toBe(true);
    const sessions = running.app.get(FeedSessions);
    // The server notices the disconnect and stops that subscription.
    for (let i = 0; i < 250 && sessions.size > 0; i++) await sleep(20);
    expect(sessions.size).toBe(0);
    firstLeft();
    // `after` is stale on purpose: Last-Event-ID wins.
    const second = openFeed(running.url, KEYS.service, { query: `after=${start}`, lastEventId: resumeFrom });
    // A failed expectation must not leave a reconnecting client behind to keep jest alive.
    try {
      await second.opened;
      await writes;
      // The last event written, once the horizon lets readers see it — the head position of the
      // moment may still be short of it while another transaction is open.
      const expected = (await visibleAfter(running.store, start, writers * perWriter)).map((e) => e.position);
      expect(expected).toHaveLength(writers * perWriter);
      await second.until((events) => events.at(-1)?.id === expected.at(-1));

      const received = [...first.events, ...second.events];
      expect(received.map((e) => e.id)).toEqual(expected);
      for (const e of received) {
        expect(e.envelope.position).toBe(e.id);
        expect(e.envelope.type).toBe(e.type);
      }
      // Per stream, versions arrive 0, 1, 2, … without holes.
      for (let w = 0; w < writers; w++) {
        expect(received.filter((e) => e.envelope.streamId === `subscriber-sse-w${w}`).map((e) => e.envelope.version)).toEqual(Array.from({ length: perWriter }, (_, i) => i));
      }

      // Live: a new event arrives well within a second.
      const before = Date.now();
      await running.store.append('subscriber-sse-0', [complaint('sse-0', 999)]);
      await second.until((events) => events.at(-1)?.envelope.data['description'] === 'complaint 999', 2_000);
      expect(Date.now() - before).toBeLessThan(1_000);
    } finally {
      second.close();
    }
  });

  it('roles: service and auditor read pages and stream (the console\'s live feed); only service reads schemas; health and metrics are public', async () => {
    const running = app();
    await request(running.url).get('/v1/events?limit=1').expect(401);
    await request(running.url).get('/v1/events?limit=1').set(bearer(KEYS.analyst)).expect(403);
    await request(running.url).get('/v1/events?limit=1').set(bearer(KEYS.auditor)).expect(200);
    await request(running.url).get('/v1/events/stream').set(bearer(KEYS.analyst)).expect(403);
    // An open stream never ends by itself: check the auditor's answer starts, then hang up.
    const auditorStream = await fetch(`${running.url}/v1/events/stream`, { headers: bearer(KEYS.auditor) });
    expect(auditorStream.status).toBe(200);
    expect(auditorStream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await auditorStream.body!.cancel();
    await request(running.url).get('/v1/events/schemas').set(bearer(KEYS.operator)).expect(403);
    await request(running.url).get('/v1/subscribers/x/history').set(bearer(KEYS.service)).expect(403);
    await request(running.url).get('/v1/subscribers/x/integrity').set(bearer(KEYS.operator)).expect(403);
    await request(running.url).get('/health').expect(200);
    await request(running.url).get('/metrics').expect(200);
  });

  it('SSE: filters by type and stream prefix, sends heartbeats, refuses a bad Last-Event-ID before streaming', async () => {
    const running = app();
    await running.store.append('subscriber-sse-f', [enrolled('sse-f'), complaint('sse-f', 1)]);
    await running.store.append('case-sse-f', [
      { type: 'CaseOpened', data: { caseId: 'sse-f', subscriberId: 'sse-f', occurredAt: '2026-03-01T00:00:00.000Z', kind: 'complaints', summary: 's', openedBy: 'op' }, occurredAt: '2026-03-01T00:00:00.000Z', metadata: { schemaVersion: 1 } },
    ]);
    const client = openFeed(running.url, KEYS.service, { query: 'types=SubscriberEnrolled,CaseOpened&stream=subscriber-sse-f' });
    await client.opened;
    await client.until((events) => events.length >= 1);
    await sleep(200);
    expect(client.events.map((e) => [e.type, e.envelope.streamId])).toEqual([['SubscriberEnrolled', 'subscriber-sse-f']]);
    client.close();

    const bad = await request(running.url).get('/v1/events/stream').set(bearer(KEYS.service)).set('Last-Event-ID', 'not-a-position').expect(400);
    expect(bad.body.errors[0].field).toBe('Last-Event-ID');

    // Heartbeats (FEED_HEARTBEAT_MS is short in these tests) on an otherwise idle stream.
    const head = await settledHead(running.store);
    const response = await fetch(`${running.url}/v1/events/stream?after=${head}`, { headers: bearer(KEYS.service) });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    let text = '';
    const deadline = Date.now() + 3_000;
    while (!text.includes(': heartbeat') && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    await reader.cancel();
    expect(text).toContain(': heartbeat\n\n');
    expect(text).not.toContain('data:');
  });
}

/**
 * The events after `start` once `count` of them are visible. A reader never sees past an older
 * transaction that is still open (that is what makes the feed gap-free), so right after a write
 * the visible log may briefly end before it.
 */
async function visibleAfter(store: EventStore, start: string, count: number, timeoutMs = 10_000): Promise<StoredEvent[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { events } = await store.readAll({ after: start, limit: 10_000 });
    if (events.length >= count || Date.now() > deadline) return events;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
