import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkWebhookUrl, isPrivateAddress } from './address-guard.js';
import { WebhookSink } from './sink.js';
import type { WebhookRecord, WebhookStore } from './store.js';

describe('SSRF guard', () => {
  it.each([
    '127.0.0.1',
    '127.9.9.9',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '::1',
    '::',
    'fe80::1',
    'fd00::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '64:ff9b::a9fe:a9fe',
  ])('refuses %s', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('allows %s', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });

  it('checks the URL: http(s) only, no credentials, and every address of the host when private targets are not allowed', async () => {
    expect(await checkWebhookUrl('ftp://example.com/', true)).toMatch(/http or https/);
    expect(await checkWebhookUrl('https://u:p@example.com/', true)).toMatch(/credentials/);
    expect(await checkWebhookUrl('http://127.0.0.1:8080/hook', true)).toBeUndefined();
    expect(await checkWebhookUrl('http://127.0.0.1:8080/hook', false)).toMatch(/private/);
    expect(await checkWebhookUrl('http://[::1]/hook', false)).toMatch(/private/);
    expect(await checkWebhookUrl('http://169.254.169.254/latest/meta-data', false)).toMatch(/private/);
    expect(await checkWebhookUrl('http://localhost:3000/', false)).toMatch(/resolves to a loopback/);
    expect(await checkWebhookUrl('https://93.184.216.34/hook', false)).toBeUndefined();
  });

  it('checks again at delivery: a name that resolves to a private address is refused before any byte is sent', async () => {
    let hits = 0;
    const server = createServer((_req, res) => {
      hits++;
      res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const store = { setFailingSince: async () => undefined, markFailing: async () => false, recordAttempts: async () => undefined } as unknown as WebhookStore;
    const record = (url: string): WebhookRecord => ({
      id: 'w1', url, types: null, stream: null, description: null, status: 'active', secret: 'whsec_AAAA', previousSecret: null, previousSecretUntil: null, failingSince: null, revision: 0, createdAt: '', updatedAt: '',
    });
    const event = { id: 'e1', position: '1', streamId: 's-1', version: 0, type: 'T', data: {}, occurredAt: '2026-01-01T00:00:00Z', metadata: {} };
    try {
      for (const url of [`http://localhost:${port}/hook`, `http://127.0.0.1:${port}/hook`]) {
        const sink = new WebhookSink(record(url), store, { timeoutMs: 2_000, failingAfterMs: 60_000, allowPrivate: false });
        await expect(sink.deliver(event)).rejects.toThrow(/refused/);
        await sink.close();
      }
      expect(hits).toBe(0);
      // The same target with private targets allowed (development) is delivered to.
      const allowed = new WebhookSink(record(`http://localhost:${port}/hook`), store, { timeoutMs: 2_000, failingAfterMs: 60_000, allowPrivate: true });
      await allowed.deliver(event);
      await allowed.close();
      expect(hits).toBe(1);
    } finally {
      server.close();
    }
  });
});
