import { jest } from '@jest/globals';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { SseSession, sseFrame } from './sse.js';
import type { EventEnvelope } from './envelope.js';

/** A response whose socket is "full" until drained by the test. */
class FakeResponse extends EventEmitter {
  statusCode = 0;
  headers: Record<string, string> = {};
  chunks: string[] = [];
  full = false;
  writableNeedDrain = false;
  writableEnded = false;
  destroyed = false;
  setHeader(name: string, value: string) {
    this.headers[name.toLowerCase()] = value;
  }
  flushHeaders() {}
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    this.writableNeedDrain = this.full;
    return !this.full;
  }
  end() {
    this.writableEnded = true;
    this.emit('close');
  }
}

const envelope = (position: string): EventEnvelope => ({
  id: `id-${position}`,
  position,
  streamId: 'subscriber-1',
  version: Number(position),
  type: 'ComplaintLogged',
  data: { note: 'line\nbreak' },
  occurredAt: '2026-01-01T00:00:00.000Z',
  metadata: {},
});

describe('SseSession', () => {
  it('frames an event with id = position, event = type and one data line', () => {
    const frame = sseFrame(envelope('7'));
    expect(frame.startsWith('id: 7\nevent: ComplaintLogged\ndata: {')).toBe(true);
    expect(frame.endsWith('}\n\n')).toBe(true);
    expect(frame.split('\n')).toHaveLength(5);
  });

  it('waits for drain before taking more, and fails the batch when the client leaves', async () => {
    const res = new FakeResponse();
    const session = new SseSession(res as unknown as ServerResponse, { heartbeatMs: 60_000 });
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    res.full = true;
    let done = false;
    const sending = session.send([envelope('1'), envelope('2')]).then(() => (done = true));
    await new Promise((r) => setImmediate(r));
    // The first frame filled the socket: the second waits.
    expect(res.chunks.filter((c) => c.startsWith('id:'))).toHaveLength(1);
    expect(done).toBe(false);
    res.full = false;
    res.emit('drain');
    await sending;
    expect(res.chunks.filter((c) => c.startsWith('id:'))).toHaveLength(2);

    res.full = true;
    const stuck = session.send([envelope('3'), envelope('4')]);
    const closed = jest.fn();
    session.onClose(closed);
    res.emit('close');
    await expect(stuck).rejects.toThrow();
    expect(closed).toHaveBeenCalledTimes(1);
    expect(session.closed).toBe(true);
  });

  it('writes heartbeat comments on an idle stream', async () => {
    const res = new FakeResponse();
    const session = new SseSession(res as unknown as ServerResponse, { heartbeatMs: 20 });
    await new Promise((r) => setTimeout(r, 70));
    session.end();
    expect(res.chunks.filter((c) => c === ': heartbeat\n\n').length).toBeGreaterThanOrEqual(2);
  });
});
