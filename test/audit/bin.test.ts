/**
 * The audit CLI as an auditor runs it: `npm run audit -- …` is `node bin/client-lifecycle-audit.mjs`
 * on the built code in dist/ (no TypeScript loader, the settings read from the environment, the
 * store opened by main.ts). The other audit tests call `runAuditCli` in-process, so a break in the
 * build (an alias tsc-alias leaves unresolved, a missing file in dist/) or in main.ts would pass
 * them. Here the CLI is compiled into a temporary directory with the build's own tsconfig and
 * spawned with plain `node` for `export --all` and `verify --export` on a PostgreSQL store.
 */
import { execFile, spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { jest } from '@jest/globals';
import { generateSigningKey, type ExportManifest } from '@libs/audit';
import { openEventStore, type OpenedEventStore } from '@libs/event-store';
import { createTestDatabase } from '../support/postgres.js';
import { steadyMoves, writeSubscriberHistory } from './histories.js';

jest.setTimeout(300_000);
const exec = promisify(execFile);
const root = resolve(process.cwd());

let database: { url: string; drop(): Promise<void> };
let opened: OpenedEventStore;
let dir: string;
let bin: string;
let keyFile: string;
let publicKeyFile: string;
let written = 0;

/**
 * Builds the CLI and what it imports the way `npm run build` does (tsc with tsconfig.build.json,
 * then tsc-alias), into `<dir>/dist`, beside a copy of bin/ — the layout the bin script expects.
 */
async function buildCli(into: string): Promise<string> {
  const config = join(into, 'tsconfig.json');
  await mkdir(into, { recursive: true });
  await writeFile(
    config,
    JSON.stringify({
      extends: join(root, 'tsconfig.build.json'),
      // Relative outDir: tsc-alias joins an absolute one to the config's folder. Types and aliases
      // from the checkout, as the config here is outside it.
      compilerOptions: {
        outDir: 'dist',
        rootDir: root,
        baseUrl: root,
        paths: { '@libs/*': ['libs/*/src/index.ts'] },
        typeRoots: [join(root, 'node_modules/@types')],
        tsBuildInfoFile: null,
        incremental: false,
      },
      include: [join(root, 'apps/audit-cli/src/main.ts')],
      'tsc-alias': { resolveFullPaths: true },
    }),
  );
  await exec(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', config], { cwd: root });
  await exec(process.execPath, [join(root, 'node_modules/tsc-alias/dist/bin/index.js'), '-p', config], { cwd: root });
  // The built files resolve their packages and their module type from here, as in the checkout.
  await symlink(join(root, 'node_modules'), join(into, 'node_modules'));
  await writeFile(join(into, 'package.json'), JSON.stringify({ type: 'module' }));
  await cp(join(root, 'bin/client-lifecycle-audit.mjs'), join(into, 'bin/client-lifecycle-audit.mjs'));
  return join(into, 'bin/client-lifecycle-audit.mjs');
}

/** Runs the bin with plain node (no loader, no NODE_OPTIONS from jest), the store in the environment. */
function audit(argv: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [bin, ...argv], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', EVENT_STORE: 'postgres', DATABASE_URL: database.url, DATA_DIR: join(dir, 'data'), NODE_ENV: 'development', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  return new Promise((done, fail) => {
    child.once('error', fail);
    child.once('exit', (code) => done({ code, out, err }));
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cl-audit-bin-'));
  database = await createTestDatabase('cl_audit_bin');
  opened = await openEventStore({ backend: 'postgres', databaseUrl: database.url, poolSize: 2 });
  for (let i = 0; i < 3; i++) written += (await writeSubscriberHistory(opened.store, `bin-${i}`, steadyMoves(4 + i))).events.length;
  const { key, pem } = generateSigningKey();
  keyFile = join(dir, 'signing.pem');
  publicKeyFile = join(dir, 'public.pem');
  await writeFile(keyFile, pem, { mode: 0o600 });
  await writeFile(publicKeyFile, key.publicKeyPem);
  bin = await buildCli(join(dir, 'build'));
});

afterAll(async () => {
  await opened?.close();
  await database?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the built audit CLI, spawned through bin/client-lifecycle-audit.mjs', () => {
  it('export --all writes a signed export of the whole log, and verify --export passes it offline', async () => {
    // Given a PostgreSQL store of three subscribers and the service's signing key
    const exportDir = join(dir, 'export');

    // When the auditor exports the whole log through the bin
    const exported = await audit(['export', '--all', '--out', exportDir], { AUDIT_SIGNING_KEY_FILE: keyFile });

    // Then it exits 0, says what it wrote, and the manifest counts every event of every stream
    expect(exported.err).toContain(`exported ${written} events of 3 streams`);
    expect(exported.code).toBe(0);
    const manifest = JSON.parse(await readFile(join(exportDir, 'manifest.json'), 'utf8')) as ExportManifest;
    expect(manifest.events).toBe(written);
    expect(manifest.head.streams).toBe(3);

    // And verify --export, with no store reachable at all, checks it against the pinned key
    const verified = await audit(['verify', '--export', exportDir, '--public-key', publicKeyFile], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(verified.out).toContain(`OK export ${exportDir}: `);
    expect(verified.out).toContain(`${written} events, 3 streams`);
    expect(verified.code).toBe(0);
  });

  it('verify --export names the line of an event changed in the exported file, exit 1', async () => {
    // Given an export of the same log
    const exportDir = join(dir, 'export-tampered');
    expect((await audit(['export', '--all', '--out', exportDir], { AUDIT_SIGNING_KEY_FILE: keyFile })).code).toBe(0);
    const manifest = JSON.parse(await readFile(join(exportDir, 'manifest.json'), 'utf8')) as ExportManifest;
    const file = manifest.files[0].name;
    const lines = (await readFile(join(exportDir, file), 'utf8')).split('\n');

    // When one event's actor is changed in its file
    const event = JSON.parse(lines[1]) as { metadata: Record<string, unknown> };
    event.metadata.actor = 'someone-else';
    lines[1] = JSON.stringify(event);
    await writeFile(join(exportDir, file), lines.join('\n'));

    // Then the spawned CLI reports that file and line as broken and exits 1
    const verified = await audit(['verify', '--export', exportDir, '--public-key', publicKeyFile]);
    expect(verified.out).toContain(`BROKEN ${file}:2: `);
    expect(verified.code).toBe(1);
  });
});
