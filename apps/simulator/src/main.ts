#!/usr/bin/env node
/**
 * Company simulator CLI: drives a running client-lifecycle service (or the in-memory domain, with
 * `--target memory`) with a deterministic, seeded company. See docs/architecture.md, "The company simulator".
 */
import { Command, InvalidArgumentError } from 'commander';
import cliProgress from 'cli-progress';
import { readSettings, settingsOf, SettingsError } from '@libs/settings';
import { formatSummary, HttpTarget, InMemoryDomainTarget, runSimulation, type SimulationTarget } from '@libs/simulator';

/** SIMULATOR_URL and API_KEY, validated against the one schema (libs/settings). */
function environment(): { SIMULATOR_URL: string; API_KEY?: string } {
  try {
    return readSettings(process.env, settingsOf('simulator'));
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    process.stderr.write(`simulate: configuration error: ${error.message}\n`);
    process.exit(2);
  }
}
const env = environment();

function int(name: string, min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}`);
    return n;
  };
}

function share(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError('must be a number within 0..1');
  return n;
}

/** `operator:k1,executive:k2,admin:k3` → `{operator: 'k1', …}`. */
function parseKeys(value: string): Record<string, string> {
  const keys: Record<string, string> = {};
  for (const pair of value.split(',').map((p) => p.trim()).filter(Boolean)) {
    const i = pair.indexOf(':');
    if (i <= 0 || i === pair.length - 1) throw new InvalidArgumentError(`expected role:key, got ${pair}`);
    keys[pair.slice(0, i)] = pair.slice(i + 1);
  }
  return keys;
}

const program = new Command()
  .name('simulate')
  .description('Simulate a recurring-service company against the client-lifecycle service')
  .option('--subscribers <n>', 'subscribers enrolled over the run', int('subscribers', 0), 2000)
  .option('--months <n>', 'months to simulate', int('months', 1), 24)
  .option('--seed <n>', 'PRNG seed (same seed → same commands)', int('seed', 0), 7)
  .option('--start <YYYY-MM>', 'first simulated month', '2024-01')
  .option('--b2b-share <x>', 'share of business clients', share, 0.2)
  .option('--concurrency <n>', 'subscribers simulated in parallel within a day', int('concurrency', 1), 1)
  .option('--url <url>', 'service base URL', env.SIMULATOR_URL)
  .option('--key <key>', 'an admin API key (may do everything)', env.API_KEY)
  .option('--keys <pairs>', 'API keys per role: operator:k1,executive:k2,admin:k3', parseKeys)
  .option('--target <kind>', 'http (a running service) or memory (the domain in-process, no service)', 'http')
  .option('--run-id <id>', 'prefix of the Idempotency-Keys', 'sim')
  .option('--max-failures <n>', 'stop after this many non-domain errors', int('max-failures', 1), 50)
  .option('--json', 'print the summary as JSON instead of tables')
  .option('--no-progress', 'no progress bar');

program.parse();
const opts = program.opts<{
  subscribers: number;
  months: number;
  seed: number;
  start: string;
  b2bShare: number;
  concurrency: number;
  url: string;
  key?: string;
  keys?: Record<string, string>;
  target: string;
  runId: string;
  maxFailures: number;
  json?: boolean;
  progress: boolean;
}>();

async function main(): Promise<number> {
  let target: SimulationTarget;
  if (opts.target === 'memory') {
    target = new InMemoryDomainTarget();
  } else if (opts.target === 'http') {
    const keys: Record<string, string> = { ...(opts.key ? { admin: opts.key } : {}), ...(opts.keys ?? {}) };
    if (!keys['admin']) {
      process.stderr.write('simulate: an admin key is needed for the scheduler passes (--key, --keys admin:…, or API_KEY)\n');
      return 2;
    }
    target = new HttpTarget({ baseUrl: opts.url, keys });
  } else {
    process.stderr.write(`simulate: unknown --target ${opts.target} (http or memory)\n`);
    return 2;
  }

  const bar = opts.progress
    ? new cliProgress.SingleBar(
        { stream: process.stderr, format: ' {bar} {percentage}% | day {value}/{total} {date} | commands {commands} refused {refusals} failed {failures} | ETA {eta_formatted}' },
        cliProgress.Presets.shades_classic,
      )
    : null;
  let started = false;
  const summary = await runSimulation(
    {
      subscribers: opts.subscribers,
      months: opts.months,
      seed: opts.seed,
      startMonth: opts.start,
      b2bShare: opts.b2bShare,
      concurrency: opts.concurrency,
      runId: opts.runId,
      maxFailures: opts.maxFailures,
    },
    target,
    {
      onProgress: (p) => {
        if (!bar) return;
        const payload = { date: p.date, commands: p.commands, refusals: p.refusals, failures: p.failures };
        if (!started) {
          bar.start(p.days, p.day, payload);
          started = true;
        } else bar.update(p.day, payload);
      },
    },
  );
  bar?.stop();
  process.stdout.write(opts.json ? `${JSON.stringify(summary, null, 2)}\n` : `${formatSummary(summary)}\n`);
  return summary.failures > 0 || summary.aborted ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`simulate: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
