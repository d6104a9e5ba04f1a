/**
 * The compose files run RabbitMQ and NATS (JetStream on) beside the service, and every process
 * that may run the relays gets RELAY_* settings that the settings schema accepts and that point at
 * those compose services. `docker compose` is not on every machine; this reads the files.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { readSettings } from '@libs/settings';

const docker = join(process.cwd(), 'docker');
const RELAY_NAMES = ['RELAY_AMQP_URL', 'RELAY_AMQP_EXCHANGE', 'RELAY_NATS_URL', 'RELAY_NATS_STREAM', 'RELAY_NATS_SUBJECT_PREFIX'] as const;

interface ComposeService {
  command?: string[];
  environment?: Record<string, string>;
}

/** `${NAME:-default}` → default, as compose does with NAME unset. */
function withDefaults(value: string): string {
  return value.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');
}

describe.each(['docker-compose.yml', 'docker-compose.postgres.yml', 'docker-compose.cluster.yml'])('%s', (file) => {
  const compose = parse(readFileSync(join(docker, file), 'utf8'), { merge: true }) as { services: Record<string, ComposeService>; volumes: Record<string, unknown> };

  it('given the file, then it runs rabbitmq and nats with JetStream on durable volumes', () => {
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(['rabbitmq', 'nats']));
    expect(compose.services.nats!.command).toEqual(expect.arrayContaining(['-js', '-sd']));
    expect(Object.keys(compose.volumes)).toEqual(expect.arrayContaining(['rabbitmq-data', 'nats-data']));
  });

  it('given the processes that may run relays, then their RELAY_* settings are valid and name the compose brokers', () => {
    const runners = ['service', 'projector'].filter((name) => compose.services[name]);
    expect(runners).toContain('service');
    for (const name of runners) {
      const env = Object.fromEntries(Object.entries(compose.services[name]!.environment ?? {}).map(([k, v]) => [k, withDefaults(String(v))]));
      const settings = readSettings(env, [...RELAY_NAMES]);
      expect(new URL(settings.RELAY_AMQP_URL!).hostname).toBe('rabbitmq');
      expect(new URL(settings.RELAY_NATS_URL!).hostname).toBe('nats');
      expect(settings.RELAY_NATS_STREAM).toBe('CLIENT_LIFECYCLE');
    }
  });
});
