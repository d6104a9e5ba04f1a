import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { EventStore } from '@libs/event-store';
import { createApp } from '../../apps/service/src/app.js';
import { keyId, loadConfig, type ServiceConfig } from '../../apps/service/src/config.js';
import { EVENT_STORE } from '../../apps/service/src/infrastructure/tokens.js';

/** Keys of the test service: one per role, and one key with two roles. */
export const KEYS = {
  operator: 'operator-key-0001',
  executive: 'executive-key-0001',
  auditor: 'auditor-key-0001',
  analyst: 'analyst-key-0001',
  service: 'service-key-0001',
  admin: 'admin-key-0001',
  operatorExecutive: 'op-exec-key-0001',
} as const;

export const API_KEYS = [
  `operator:${KEYS.operator}`,
  `executive:${KEYS.executive}`,
  `auditor:${KEYS.auditor}`,
  `analyst:${KEYS.analyst}`,
  `service:${KEYS.service}`,
  `admin:${KEYS.admin}`,
  `operator:${KEYS.operatorExecutive}`,
  `executive:${KEYS.operatorExecutive}`,
].join(',');

export const OPERATOR_ID = keyId(KEYS.operator);

/** Test configuration: in-memory PGlite, manual scheduler, the keys above; `overrides` win. */
export function testConfig(overrides: Partial<ServiceConfig> = {}): ServiceConfig {
  const base = loadConfig({ NODE_ENV: 'test', API_KEYS, SCHEDULER: 'manual', EVENT_STORE: 'pglite' });
  return { ...base, dataDir: undefined, ...overrides };
}

/** The real service for tests, not listening (`createApp`, as `main.ts` builds it). */
export async function startApp(overrides: Partial<ServiceConfig> = {}): Promise<INestApplication> {
  return createApp(testConfig(overrides));
}

export function storeOf(app: INestApplication): EventStore {
  return app.get<EventStore>(EVENT_STORE, { strict: false });
}

export type Agent = ReturnType<typeof request>;

/** `POST path` as `who` with a JSON body and optional headers. */
export function post(app: INestApplication, path: string, body: unknown, who: keyof typeof KEYS = 'operator', headers: Record<string, string> = {}) {
  let req = request(app.getHttpServer()).post(path).set('Authorization', `Bearer ${KEYS[who]}`);
  for (const [k, v] of Object.entries(headers)) req = req.set(k, v);
  return body === undefined ? req : req.send(body as object);
}

/** `GET path` as `who`. */
export function get(app: INestApplication, path: string, who: keyof typeof KEYS = 'operator', headers: Record<string, string> = {}) {
  let req = request(app.getHttpServer()).get(path).set('Authorization', `Bearer ${KEYS[who]}`);
  for (const [k, v] of Object.entries(headers)) req = req.set(k, v);
  return req;
}

/** A qualified enrollment body. */
export function enrollment(subscriberId: string, overrides: Record<string, unknown> = {}) {
  return {
    subscriberId,
    name: 'Alarmas Pérez',
    segment: 'b2c',
    plan: { code: 'alarm-basic', monthlyFee: 30000, currency: 'USD' },
    salesRepId: 'rep-1',
    qualification: { needsService: true, valuesService: true, canPay: true },
    at: '2026-01-01T09:00:00Z',
    ...overrides,
  };
}
