/**
 * Hash routes (`#/clients/42?asOf=…`): the service serves one index.html, and a hash never reaches
 * a server log, so nothing a person navigates to is recorded outside the browser.
 */
export type Route =
  | { name: 'dashboard'; query: URLSearchParams }
  | { name: 'clients'; query: URLSearchParams }
  | { name: 'sales-reps'; query: URLSearchParams }
  | { name: 'cases'; query: URLSearchParams }
  | { name: 'client'; id: string; query: URLSearchParams }
  | { name: 'case'; id: string; query: URLSearchParams }
  | { name: 'feed'; query: URLSearchParams }
  | { name: 'queues'; query: URLSearchParams }
  | { name: 'approvals'; query: URLSearchParams }
  | { name: 'enrol'; query: URLSearchParams }
  | { name: 'letter'; id: string; query: URLSearchParams }
  | { name: 'not-found'; query: URLSearchParams };

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '') || '/';
  const [path = '/', search = ''] = raw.split('?', 2);
  const query = new URLSearchParams(search);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { name: 'dashboard', query };
  const [head, id] = parts;
  if (parts.length === 1) {
    if (head === 'dashboard') return { name: 'dashboard', query };
    if (head === 'clients') return { name: 'clients', query };
    if (head === 'sales-reps') return { name: 'sales-reps', query };
    if (head === 'cases') return { name: 'cases', query };
    if (head === 'feed') return { name: 'feed', query };
    if (head === 'queues') return { name: 'queues', query };
    if (head === 'approvals') return { name: 'approvals', query };
    if (head === 'enrol') return { name: 'enrol', query };
  }
  if (parts.length === 2 && id) {
    if (head === 'clients') return { name: 'client', id, query };
    if (head === 'cases') return { name: 'case', id, query };
  }
  if (parts.length === 3 && id && head === 'cases' && parts[2] === 'letter') return { name: 'letter', id, query };
  return { name: 'not-found', query };
}

/** `href` for a route: `hrefTo('clients', 'a b', {asOf})` → `#/clients/a%20b?asOf=…`. */
export function hrefTo(head: string, id?: string, query?: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') params.set(k, v);
  const search = params.toString();
  return `#/${head}${id !== undefined ? `/${encodeURIComponent(id)}` : ''}${search ? `?${search}` : ''}`;
}
