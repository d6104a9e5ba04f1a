/**
 * Connection strings: KurrentDB's `kurrentdb://` / `kurrentdb+discover://`, and the `esdb://`,
 * `esdb+discover://` and `kurrent://` spellings older deployments use (the rest is identical).
 */

/**
 * Rewrites the older schemes to `kurrentdb`: the client still parses `esdb://` but warns on
 * stderr at every connection, which would end up in operators' logs as noise.
 */
export function normalizeConnectionString(connectionString: string): string {
  return connectionString.trim().replace(/^(esdb|kurrent)(\+discover)?:\/\//i, (_m, _scheme: string, discover?: string) => `kurrentdb${discover ?? ''}://`);
}

/**
 * Hides the password of a connection string for messages and logs: `esdb://admin:***@host`.
 * Everything up to the last `@` counts as user info, so an unescaped `@` in a password is masked
 * too (masking too much is the safe side).
 */
export function maskConnectionString(connectionString: string): string {
  const schemeEnd = connectionString.indexOf('://');
  if (schemeEnd < 0) return connectionString;
  const start = schemeEnd + 3;
  const at = connectionString.lastIndexOf('@');
  if (at < start) return connectionString;
  const colon = connectionString.indexOf(':', start);
  if (colon < 0 || colon > at) return connectionString;
  return `${connectionString.slice(0, colon + 1)}***${connectionString.slice(at)}`;
}

/** The password in a connection string, if any (to scrub it from error messages). */
export function connectionStringPassword(connectionString: string): string | undefined {
  const schemeEnd = connectionString.indexOf('://');
  const at = connectionString.lastIndexOf('@');
  if (schemeEnd < 0 || at < schemeEnd + 3) return undefined;
  const userInfo = connectionString.slice(schemeEnd + 3, at);
  const colon = userInfo.indexOf(':');
  return colon >= 0 && colon < userInfo.length - 1 ? userInfo.slice(colon + 1) : undefined;
}
