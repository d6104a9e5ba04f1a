import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './private-postgres.js';

/**
 * Brokers of the test's own (shared notes, "Brokers"): the shared RabbitMQ at 5672 and NATS at
 * 4222 serve every suite in parallel, so tests that restart a broker restart one of these.
 */
export const SHARED_AMQP_URL = process.env.RELAY_TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
export const SHARED_NATS_URL = process.env.RELAY_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitForPort(port: number, open: boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await portOpen(port)) !== open) {
    if (Date.now() > deadline) throw new Error(`${what}: port ${port} still ${open ? 'closed' : 'open'} after ${timeoutMs} ms`);
    await sleep(100);
  }
}

export interface PrivateNats {
  url: string;
  port: number;
  /** Stops the server (SIGTERM: JetStream's files are flushed) and waits until the port is closed. */
  stop(): Promise<void>;
  /** Starts it again on the same port and storage. */
  start(): Promise<void>;
  destroy(): Promise<void>;
}

/** `nats-server -js` on a free port with its own storage directory. */
export async function startPrivateNats(): Promise<PrivateNats> {
  const dir = mkdtempSync(join(tmpdir(), 'cl-nats-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir], { stdio: 'ignore' });
    await waitForPort(port, true, 30_000, 'nats-server');
  };
  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((r) => running.once('exit', r));
    running.kill('SIGTERM');
    await exited;
    await waitForPort(port, false, 10_000, 'nats-server');
  };
  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    start,
    stop,
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface PrivateRabbit {
  url: string;
  port: number;
  /** `rabbitmqctl stop_app`: the broker closes every connection and stops listening. */
  stopApp(): void;
  startApp(): Promise<void>;
  /** `rabbitmqctl close_all_connections`: every client connection closed by the broker. */
  closeConnections(): void;
  /** `rabbitmqctl stop`: the whole node (Erlang VM) stops; durable queues and persistent messages stay on disk. */
  stop(): Promise<void>;
  /** Boots the node again on the same ports and data directory. */
  start(): Promise<void>;
  destroy(): void;
}

/**
 * A RabbitMQ node of its own (name, port, distribution port, data directory); about 10 s to boot
 * on a loaded machine. The Debian wrapper runs the server as the `rabbitmq` user, which must own
 * the directory; /etc/rabbitmq's listener setting is overridden by a config file of its own.
 */
export async function startPrivateRabbit(): Promise<PrivateRabbit> {
  const dir = mkdtempSync(join(tmpdir(), 'cl-rabbit-'));
  const port = await freePort();
  const distPort = await freePort();
  const node = `cltest${process.pid}p${port}@localhost`;
  writeFileSync(join(dir, 'rabbitmq.conf'), `listeners.tcp.local = 127.0.0.1:${port}\n`);
  writeFileSync(join(dir, 'enabled_plugins'), '[].\n');
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'rabbitmq'], { encoding: 'utf8' }));
    const gid = Number(execFileSync('id', ['-g', 'rabbitmq'], { encoding: 'utf8' }));
    for (const p of [dir, join(dir, 'rabbitmq.conf'), join(dir, 'enabled_plugins')]) chownSync(p, uid, gid);
  }
  const env = {
    ...process.env,
    RABBITMQ_NODENAME: node,
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_PID_FILE: join(dir, 'pid'),
    RABBITMQ_FEATURE_FLAGS_FILE: join(dir, 'feature_flags'),
  };
  const ctl = (...args: string[]) => execFileSync('rabbitmqctl', ['-n', node, ...args], { stdio: 'pipe', encoding: 'utf8', timeout: 60_000 });
  let server: ChildProcess | undefined;
  const boot = async () => {
    const child = spawn('rabbitmq-server', [], { cwd: dir, env, stdio: 'ignore', detached: false });
    server = child;
    try {
      await waitForPort(port, true, 90_000, 'rabbitmq-server');
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
  };
  await boot();
  return {
    url: `amqp://guest:guest@127.0.0.1:${port}`,
    port,
    stopApp() {
      ctl('stop_app');
    },
    closeConnections() {
      ctl('close_all_connections', 'test: connections closed by the broker');
    },
    async startApp() {
      ctl('start_app');
      await waitForPort(port, true, 60_000, 'rabbitmq start_app');
    },
    async stop() {
      const running = server;
      server = undefined;
      const exited = running && running.exitCode === null ? new Promise((r) => running.once('exit', r)) : Promise.resolve();
      ctl('stop');
      await Promise.race([exited, sleep(30_000)]);
      await waitForPort(port, false, 30_000, 'rabbitmq stop');
    },
    start: boot,
    destroy() {
      try {
        ctl('stop');
      } catch {
        server?.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
