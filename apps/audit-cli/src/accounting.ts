/**
 * The CLI's reads in the access log (domain.md §7 "Reads are accounted for"): each command that
 * reads the log is recorded — actor AUDIT_ACTOR (default cli:<OS user>), role `cli`, the command
 * line — before it reads, so a read whose record cannot be written does not happen.
 * `verify --export` reads only files (offline, no database) and is not recorded; the export
 * it checks was.
 */
import type { Command } from 'commander';
import type { AccessKind, AccessRecorder } from '@libs/audit';

const KINDS: Record<string, AccessKind> = {
  history: 'history',
  state: 'state-as-of',
  verify: 'integrity',
  prove: 'integrity',
  export: 'export',
};

export async function accountRead(io: { accessLog?: AccessRecorder; actor?: string }, argv: readonly string[], command: Command): Promise<void> {
  if (!io.accessLog) return;
  const options = command.opts<{ export?: string }>();
  if (command.name() === 'verify' && options.export !== undefined) return;
  // The stream or id typed; none for the whole log (export --all, verify --all).
  const target = command.args[0] ?? null;
  await io.accessLog.record({
    actor: io.actor ?? 'cli:unknown',
    role: 'cli',
    source: 'cli',
    kind: KINDS[command.name()] ?? 'evidence',
    what: `audit ${argv.join(' ')}`.slice(0, 500),
    target,
  });
}
