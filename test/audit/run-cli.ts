import { PassThrough } from 'node:stream';
import { runAuditCli, type AuditCliIo } from '../../apps/audit-cli/src/cli.js';

/** Runs the audit CLI in-process with `io` and captures what it printed, for the audit tests. */
export async function runCaptured(argv: readonly string[], io: Omit<AuditCliIo, 'stdout' | 'stderr'>): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await runAuditCli(argv, { ...io, stdout, stderr });
  return { code, out, err };
}
