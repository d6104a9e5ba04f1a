/**
 * Issue 12, "a bad setting": each process — the service, the projector, the audit CLI — started
 * with a bad value refuses to start, exits 2, and says which variable is wrong and what it accepts
 * (before, FEED_HEARTBEAT_MS=abc silently fell back to 15 s).
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(process.cwd());

function run(entry: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', resolve(root, 'test/projections/register-ts.mjs'), resolve(root, entry), ...args], {
    cwd: root,
    env: { ...process.env, NODE_OPTIONS: '', DATA_DIR: '/nonexistent/never-created', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((done) => child.once('exit', (code) => done({ code, output })));
}

describe('a bad setting stops the start, naming the variable and the accepted values', () => {
  it('service: FEED_HEARTBEAT_MS=abc', async () => {
    const { code, output } = await run('apps/service/src/main.ts', [], { FEED_HEARTBEAT_MS: 'abc' });
    expect(code).toBe(2);
    expect(output).toContain('FEED_HEARTBEAT_MS must be an integer from 10 to 3600000, got "abc"');
  });

  it('service: several at once (LOG_LEVEL, SCHEDULER_INTERVAL_MS), and a missing API_KEYS_FILE', async () => {
    const bad = await run('apps/service/src/main.ts', [], { LOG_LEVEL: 'loud', SCHEDULER_INTERVAL_MS: '5s' });
    expect(bad.code).toBe(2);
    expect(bad.output).toMatch(/SCHEDULER_INTERVAL_MS must be an integer from 100 to 86400000, got "5s"/);
    expect(bad.output).toMatch(/LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"/);
    const file = await run('apps/service/src/main.ts', [], { API_KEYS_FILE: '/nonexistent/keys' });
    expect(file.code).toBe(2);
    expect(file.output).toContain('API_KEYS_FILE: cannot read /nonexistent/keys');
  });

  it('projector: PROJECTOR_BATCH_SIZE=0', async () => {
    const { code, output } = await run('apps/projector/src/main.ts', ['status'], { PROJECTOR_BATCH_SIZE: '0' });
    expect(code).toBe(2);
    expect(output).toContain('PROJECTOR_BATCH_SIZE must be an integer from 1 to 10000, got "0"');
  });

  it('audit CLI: EVENT_STORE=mongo', async () => {
    const { code, output } = await run('apps/audit-cli/src/main.ts', ['verify'], { EVENT_STORE: 'mongo' });
    expect(code).toBe(2);
    expect(output).toContain('EVENT_STORE must be one of pglite, postgres, eventstoredb, got "mongo"');
  });
});
