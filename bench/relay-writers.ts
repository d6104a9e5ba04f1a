/**
 * bench:relay's live writers, run as a CHILD process so that they load the service as real HTTP
 * clients do, from outside its event loop: `relay-writers.js <baseUrl> <apiKey> <seconds> <writers>
 * <subscriberIds,comma-separated>` — each writer a keep-alive connection recording payments of 1–9
 * cents on its own share of the subscribers (each has a big open invoice), one request at a time,
 * for `seconds`. Sends `{ writes, errors, p50Ms, p99Ms }` (request → acknowledgement) to the parent.
 */
import http from 'node:http';

const [base, key, secondsArg, writersArg, idsArg] = process.argv.slice(2);
const seconds = Number(secondsArg);
const writers = Number(writersArg);
const ids = idsArg!.split(',');
const agent = new http.Agent({ keepAlive: true, maxSockets: writers });

function post(path: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${path}`, { method: 'POST', agent, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function main(): Promise<void> {
  let writes = 0;
  let errors = 0;
  const latencies: number[] = [];
  const until = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      const mine = ids.filter((_, i) => i % writers === w);
      for (let i = 0; Date.now() < until; i++) {
        const started = performance.now();
        const status = await post(`/v1/subscribers/${mine[i % mine.length]}/payments`, JSON.stringify({ invoiceId: 'big', amount: 1 + (i % 9) })).catch(() => 0);
        latencies.push(performance.now() - started);
        if (status >= 200 && status < 300) writes++;
        else errors++;
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN);
  process.send!({ writes, errors, p50Ms: at(0.5), p99Ms: at(0.99) }, () => process.exit(0));
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
