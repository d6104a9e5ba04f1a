import { isReplayedResult, type CommandResult } from '@libs/application';

/** Minimal response surface for headers (Express response with passthrough). */
export interface HeaderSink {
  setHeader(name: string, value: string): unknown;
}

/**
 * Sets what a command answer carries in headers: the new ETag (and Location for a creation), and
 * `Idempotent-Replayed: true` when it is the stored answer of a repeated Idempotency-Key.
 */
export function commandHeaders(res: HeaderSink, result: CommandResult, location?: string): CommandResult {
  res.setHeader('ETag', `"${result.version}"`);
  if (isReplayedResult(result)) res.setHeader('Idempotent-Replayed', 'true');
  if (location) res.setHeader('Location', location);
  return result;
}

/** Deep copy as plain JSON: DTO class instances are not what the store accepts. */
export function plainData<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
