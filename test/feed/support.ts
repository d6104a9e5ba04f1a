import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import type { EventStore, NewEvent } from '@libs/event-store';
import { createApp } from '../../apps/service/src/app.js';
import { keyId, loadConfig, type ServiceConfig } from '../../apps/service/src/config.js';
import { EVENT_STORE } from '../../apps/service/src/infrastructure/tokens.js';

/** Keys of the test service, one per role the feed and audit routes care about. */
export const KEYS = {
  service: 'service-key-0001',
  auditor: 'auditor-key-0001',
  operator: 'operator-key-0001',
  analyst: 'analyst-key-0001',
} as const;

export const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

export interface RunningApp {
  app: INestApplication;
  /** `http://127.0.0.1:<port>` */
  url: string;
  store: EventStore;
  close(): Promise<void>;
}

/** Starts the whole service (`createApp`, in-memory PGlite unless overridden) on an ephemeral port. */
export async function startApp(overrides: Partial<ServiceConfig> = {}): Promise<RunningApp> {
  const config: ServiceConfig = {
    ...loadConfig({ NODE_ENV: 'test', SCHEDULER: 'manual' }),
    dataDir: undefined,
    logLevel: 'silent',
    apiKeys: Object.entries(KEYS).map(([role, key]) => ({ id: keyId(key), key, roles: [role as 'service'] })),
    generatedAdminKey: undefined,
    ...overrides,
  };
  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}`, store: app.get<EventStore>(EVENT_STORE), close: () => app.close() };
}

/** A valid `ComplaintLogged` (current contract) for seeding a stream directly through the store. */
export function complaint(subscriberId: string, n: number, at = new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString()): NewEvent {
  return {
    type: 'ComplaintLogged',
    data: { subscriberId, occurredAt: at, category: 'billing', description: `complaint ${n}` },
    occurredAt: at,
    metadata: { actor: 'test', role: 'operator', correlationId: `seed-${n}`, schemaVersion: 1 },
  };
}

/** The enrolment the application would write, for streams that should fold to a real subscriber. */
export function enrolled(subscriberId: string, at = '2026-01-01T00:00:00.000Z'): NewEvent {
  return {
    type: 'SubscriberEnrolled',
    data: {
      subscriberId,
      occurredAt: at,
      name: 'Alarmas Pérez',
      segment: 'b2c',
      plan: { code: 'alarm-basic', monthlyFee: 30000, currency: 'EUR' },
      salesRepId: 'rep-1',
      qualification: { needsService: true, valuesService: true, canPay: true },
      noticeDays: 15,
    },
    occurredAt: at,
    metadata: { actor: 'test', role: 'operator', correlationId: 'seed-enrol', schemaVersion: 1 },
  };
}
