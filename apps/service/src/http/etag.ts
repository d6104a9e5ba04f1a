import type { HeaderSink } from './command-result.js';

/** A response on which the ETag and, for a fresh client copy, 304 can be set. */
export interface ConditionalResponse extends HeaderSink {
  status(code: number): unknown;
}

/**
 * Sets `ETag: "<version>"` and answers whether the client's `If-None-Match` already names it
 * (then the caller answers 304 with no body).
 */
export function notModified(res: ConditionalResponse, version: number, ifNoneMatch: string | undefined): boolean {
  const tag = `"${version}"`;
  res.setHeader('ETag', tag);
  if (ifNoneMatch === undefined) return false;
  const fresh = ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === tag || t.trim() === '*');
  if (fresh) res.status(304);
  return fresh;
}
