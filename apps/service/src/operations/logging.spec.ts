import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pinoHttp } from 'pino-http';
import { loggingParams } from './logging.js';

describe('structured request logs', () => {
  it('logs JSON with the request id, never the Authorization header; echoes x-request-id', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, callback) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        callback();
      },
    });
    const params = loggingParams('info', sink).pinoHttp as unknown as Parameters<typeof pinoHttp>;
    const middleware = pinoHttp(...params);
    const server = createServer((req, res) => {
      middleware(req, res);
      res.end((req as unknown as { id: string }).id);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    try {
      const kept = await fetch(`http://127.0.0.1:${port}/v1/events`, { headers: { Authorization: 'Bearer secret-key-123', 'x-request-id': 'req-42' } });
      expect(kept.headers.get('x-request-id')).toBe('req-42');
      expect(await kept.text()).toBe('req-42');
      const long = await fetch(`http://127.0.0.1:${port}/v1/events`, { headers: { 'x-request-id': 'x'.repeat(129) } });
      expect(long.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      await fetch(`http://127.0.0.1:${port}/health`);
      await new Promise((r) => setTimeout(r, 20));
    } finally {
      server.close();
    }
    const entries = lines.map((l) => JSON.parse(l) as { req: { id: string; url: string; headers: Record<string, string> }; res: { statusCode: number } });
    expect(lines.join('\n')).not.toContain('secret-key-123');
    // Health checks are not logged.
    expect(entries.map((e) => e.req.url)).toEqual(['/v1/events', '/v1/events']);
    expect(entries[0]!.req.id).toBe('req-42');
    expect(entries[0]!.req.headers['authorization']).toBe('[redacted]');
  });
});
