/**
 * What a simulation run did, and a plain-text rendering of it for the CLI.
 */
import type { SimulationOptions } from './options.js';

export interface SimulationSummary {
  seed: number;
  subscribers: number;
  months: number;
  /** First simulated day and the instant of the last scheduler pass. */
  from: string;
  to: string;
  days: number;
  /** Commands sent (refused and failed included). */
  commands: number;
  succeeded: number;
  commandsByType: Record<string, number>;
  /** Commands the target accepted, by type. */
  succeededByType: Record<string, number>;
  /** Domain refusals: expected, part of the story. */
  refusals: number;
  refusalsByCode: Record<string, number>;
  /** `CommandType: code`. */
  refusalsByCommand: Record<string, number>;
  /** Anything that is not a domain refusal (5xx, validation errors, network): a problem to look at. */
  failures: number;
  failuresByCode: Record<string, number>;
  failureSamples: Array<{ command: string; code: string; message: string }>;
  /** Events written, from command answers and scheduler passes (follow-ups of policies included). */
  events: number;
  eventsByType: Record<string, number>;
  ticks: number;
  /** Reads of the target (re-alignment and open cases). */
  reads: number;
  /** Final status in the model; `not_enrolled` = the sale did not happen (unqualified, no override). */
  subscribersByStatus: Record<string, number>;
  /** Stopped early after `maxFailures` failures. */
  aborted: boolean;
}

export function emptySummary(o: SimulationOptions): SimulationSummary {
  return {
    seed: o.seed,
    subscribers: o.subscribers,
    months: o.months,
    from: '',
    to: '',
    days: 0,
    commands: 0,
    succeeded: 0,
    commandsByType: {},
    succeededByType: {},
    refusals: 0,
    refusalsByCode: {},
    refusalsByCommand: {},
    failures: 0,
    failuresByCode: {},
    failureSamples: [],
    events: 0,
    eventsByType: {},
    ticks: 0,
    reads: 0,
    subscribersByStatus: {},
    aborted: false,
  };
}

function table(title: string, counts: Record<string, number>): string[] {
  const rows = Object.entries(counts).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  if (rows.length === 0) return [`${title}: none`];
  const width = Math.max(title.length, ...rows.map(([k]) => k.length));
  const total = rows.reduce((s, [, v]) => s + v, 0);
  return [
    `${title.padEnd(width)}  ${'count'.padStart(9)}  ${'share'.padStart(6)}`,
    `${'-'.repeat(width)}  ${'-'.repeat(9)}  ${'-'.repeat(6)}`,
    ...rows.map(([k, v]) => `${k.padEnd(width)}  ${String(v).padStart(9)}  ${((100 * v) / total).toFixed(1).padStart(5)}%`),
  ];
}

/** A plain-text report: totals, then one table per breakdown. */
export function formatSummary(s: SimulationSummary): string {
  const lines = [
    `Simulated ${s.days} days (${s.from} → ${s.to}), seed ${s.seed}, ${s.subscribers} prospective subscribers${s.aborted ? ' — ABORTED after too many failures' : ''}`,
    `commands ${s.commands} (ok ${s.succeeded}, refused ${s.refusals}, failed ${s.failures}), events ${s.events}, scheduler passes ${s.ticks}, reads ${s.reads}`,
    '',
    ...table('command', s.commandsByType),
    '',
    ...table('event', s.eventsByType),
    '',
    ...table('refusal', s.refusalsByCommand),
    '',
    ...table('final status', s.subscribersByStatus),
  ];
  if (s.failures > 0) {
    lines.push('', ...table('failure', s.failuresByCode), '', 'first failures:');
    for (const f of s.failureSamples) lines.push(`  ${f.command} [${f.code}] ${f.message}`);
  }
  return lines.join('\n');
}
