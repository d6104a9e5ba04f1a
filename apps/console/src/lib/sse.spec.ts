import { SseParser } from './sse.js';

describe('SSE parser', () => {
  it('assembles events split across chunks, with ids, types and multi-line data', () => {
    const parser = new SseParser();
    expect(parser.push('id: 7\nevent: PaymentMissed\nda')).toEqual([]);
    expect(parser.push('ta: {"a":1}\n\n: heartbeat\n\nid: 8\r\ndata: x\r\ndata: y\r\n\r\n')).toEqual([
      { id: '7', event: 'PaymentMissed', data: '{"a":1}' },
      { id: '8', event: 'message', data: 'x\ny' },
    ]);
  });

  it('keeps the last id for events that carry none, and ignores comments alone', () => {
    const parser = new SseParser();
    expect(parser.push('id: 3\ndata: a\n\ndata: b\n\n:only a comment\n\n')).toEqual([
      { id: '3', event: 'message', data: 'a' },
      { id: '3', event: 'message', data: 'b' },
    ]);
  });
});
