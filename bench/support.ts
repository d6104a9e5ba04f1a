/** What every benchmark script shares: arguments, output, and a throw-away PostgreSQL database. */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server benchmarks create their databases on (`DATABASE_URL`, else the local test server). */
export const BENCH_DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A numeric `--name value` argument of the script, or the fallback. */
export function arg(name: string, fallback: number): number {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

/** One line to stdout (benchmarks print tables, and one JSON object last). */
export const log = (line = ''): void => {
  process.stdout.write(`${line}\n`);
};

/** A string `--name value` argument of the script, or undefined. */
export function stringArg(name: string): string | undefined {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates an empty database on the server of `serverUrl`; `drop` removes it, connections and all. */
export async function throwawayDatabase(label: string, serverUrl = BENCH_DATABASE_URL): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `${label}_${randomBytes(4).toString('hex')}`;
  await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return { name, url: u.toString(), drop: () => adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/**
 * A named database kept between runs (created when missing, never dropped): benchmarks whose
 * seeding takes minutes seed it once and reuse it. `drop` does nothing, so callers treat both alike.
 */
export async function keptDatabase(name: string, serverUrl = BENCH_DATABASE_URL): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`--database ${name}: use lower-case letters, digits and _`);
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return { name, url: u.toString(), drop: async () => undefined };
}
