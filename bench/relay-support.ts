/** What bench:relay's phases share: the child processes, percentiles, and the bare AMQP publisher. */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import amqp from 'amqplib';

export const pct = (xs: readonly number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
};

/** Forks `bench/<script>.js` (beside this file in dist) with `args`. */
export function child(script: string, args: readonly string[]): ChildProcess {
  return fork(fileURLToPath(new URL(`./${script}.js`, import.meta.url)), [...args], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

/** The next message of `proc` (rejects if it exits first). */
export function nextMessage<T>(proc: ChildProcess): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`child exited (${code}) before answering`));
    proc.once('exit', onExit);
    proc.once('message', (m) => {
      proc.off('exit', onExit);
      resolve(m as T);
    });
  });
}

/** A receiver child (`relay-receiver.js`): its ready value, a report, and stop. */
export interface ReceiverChild {
  ready: string;
  live(since: number): void;
  report(): Promise<{ received: Record<'webhook' | 'amqp' | 'nats', number>; delays: Record<'webhook' | 'amqp' | 'nats', number[]> }>;
  stop(): Promise<void>;
}

export async function receiverChild(args: readonly string[]): Promise<ReceiverChild> {
  const proc = child('relay-receiver', args);
  const { ready } = await nextMessage<{ ready: string }>(proc);
  return {
    ready,
    live: (since) => proc.send({ live: since }),
    report: async () => {
      const answer = nextMessage<Awaited<ReturnType<ReceiverChild['report']>>>(proc);
      proc.send({ report: true });
      return answer;
    },
    stop: async () => {
      if (proc.exitCode !== null) return;
      const exited = once(proc, 'exit');
      proc.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * RabbitMQ without the relay: `count` messages like the relay's (same body size, persistent, the
 * same properties and headers) on one confirm channel, `window` published before waiting for their
 * confirms, to the same exchange and bound queue — the broker's ceiling for this publisher shape.
 */
export async function barePublisher(url: string, exchange: string, count: number, window: number, sampleBody: Buffer): Promise<number> {
  const conn = await amqp.connect(url);
  try {
    const ch = await conn.createConfirmChannel();
    const started = performance.now();
    for (let i = 0; i < count; i += window) {
      const n = Math.min(window, count - i);
      for (let k = 0; k < n; k++) {
        const id = `bare-${i + k}`;
        const ok = ch.publish(exchange, 'subscriber.InvoiceIssued', sampleBody, {
          persistent: true,
          contentType: 'application/json',
          contentEncoding: 'utf-8',
          messageId: id,
          type: 'InvoiceIssued',
          appId: 'client-lifecycle',
          timestamp: Math.floor(Date.now() / 1000),
          headers: { position: String(i + k), type: 'InvoiceIssued', streamId: 'subscriber-bare', version: k },
        });
        if (!ok) await once(ch, 'drain');
      }
      await ch.waitForConfirms();
    }
    const seconds = (performance.now() - started) / 1000;
    await ch.close();
    return count / seconds;
  } finally {
    await conn.close().catch(() => undefined);
  }
}
