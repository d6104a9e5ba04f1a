import type { Settings } from '@libs/settings';
import type { RetryPolicy } from './backoff.js';
import type { WebhookSettings } from './webhooks/manager.js';

/** How long the previous secret keeps signing after a rotation (api.md: 24 h). */
export const ROTATION_OVERLAP_MS = 24 * 3_600_000;

export interface RelayConfig {
  /** `auto`: in the service with PROJECTOR=inline, always in the projector. */
  mode: 'auto' | 'on' | 'off';
  retry: RetryPolicy;
  webhooks: WebhookSettings;
  /** The broker relays (unset URL: that relay is off). */
  brokers: BrokerRelayConfig;
}

export interface BrokerRelayConfig {
  amqp?: { url: string; exchange: string };
  nats?: { url: string; stream: string; subjectPrefix: string };
}

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `24h`, `30m`, `90s`, `500ms`, `2d` → milliseconds (the settings schema checked the form). */
function parseDuration(text: string): number {
  const m = /^([0-9]+)(ms|s|m|h|d)$/.exec(text.trim());
  if (!m) throw new Error(`not a duration: ${text}`);
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

export type RelaySettingName =
  | 'NODE_ENV'
  | 'RELAYS'
  | 'RELAY_RETRY_BASE_MS'
  | 'RELAY_RETRY_MAX_MS'
  | 'WEBHOOK_TIMEOUT_MS'
  | 'WEBHOOK_FAILING_AFTER'
  | 'WEBHOOK_ATTEMPTS_RETENTION_HOURS'
  | 'WEBHOOK_ALLOW_PRIVATE'
  | 'RELAY_AMQP_URL'
  | 'RELAY_AMQP_EXCHANGE'
  | 'RELAY_NATS_URL'
  | 'RELAY_NATS_STREAM'
  | 'RELAY_NATS_SUBJECT_PREFIX';

/** The relays' part of the validated settings (the service's and the projector's). */
export function relayConfigFrom(s: Pick<Settings, RelaySettingName>): RelayConfig {
  const allowPrivate = s.NODE_ENV !== 'production' || ['1', 'true', 'yes'].includes(s.WEBHOOK_ALLOW_PRIVATE);
  return {
    mode: s.RELAYS,
    retry: { baseMs: s.RELAY_RETRY_BASE_MS, maxMs: Math.max(s.RELAY_RETRY_BASE_MS, s.RELAY_RETRY_MAX_MS) },
    webhooks: {
      timeoutMs: s.WEBHOOK_TIMEOUT_MS,
      failingAfterMs: parseDuration(s.WEBHOOK_FAILING_AFTER),
      attemptsRetentionHours: s.WEBHOOK_ATTEMPTS_RETENTION_HOURS,
      allowPrivate,
    },
    brokers: {
      ...(s.RELAY_AMQP_URL ? { amqp: { url: s.RELAY_AMQP_URL, exchange: s.RELAY_AMQP_EXCHANGE } } : {}),
      ...(s.RELAY_NATS_URL ? { nats: { url: s.RELAY_NATS_URL, stream: s.RELAY_NATS_STREAM, subjectPrefix: s.RELAY_NATS_SUBJECT_PREFIX } } : {}),
    },
  };
}
