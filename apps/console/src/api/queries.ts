/**
 * TanStack Query hooks over the typed client. Keys are the path and its parameters, so two screens
 * asking for the same rows share one request and one cache entry.
 */
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from './client.js';
import { readAfterLastCommand } from './operations.js';
import { useCurrencyChoice, withCurrency } from './currency.js';
import type {
  CaseListItem,
  CaseView,
  ChurnMonth,
  ClientsAnswer,
  DefaultRateMonth,
  ForecastAnswer,
  IntegrityReport,
  Me,
  MonthsAnswer,
  RevenueMonth,
  SalesRepsAnswer,
  SegmentFilter,
  SubscriberView,
} from './views.js';
import type { Envelope } from '../lib/timeline.js';
import type { paths } from './schema.js';

/** The ISO-4217 codes the service accepts for `currency=` (the domain's contract kit). */
type CurrencyCode = NonNullable<NonNullable<paths['/v1/analytics/churn']['get']['parameters']['query']>['currency']>;

export interface RangeQuery {
  from: string;
  to: string;
  segment: SegmentFilter;
}

/** The query with the chosen currency, when there is one to choose. */
function withChosen<Q extends object>(query: Q, currency: string | undefined): Q & { currency?: CurrencyCode } {
  // The chosen code is one the service listed itself (currency-required answers), so it is one of its codes.
  return currency ? { ...query, currency: currency as CurrencyCode } : query;
}

export function useMe(enabled: boolean) {
  return useQuery({
    queryKey: ['me'],
    enabled,
    retry: false,
    queryFn: async () => unwrap<Me>(await api.GET('/v1/me')),
  });
}

export function useChurn(q: RangeQuery, enabled = true) {
  const { currency } = useCurrencyChoice();
  return useQuery({
    queryKey: ['churn', q, currency],
    enabled,
    queryFn: () => withCurrency(async (c) => unwrap<MonthsAnswer<ChurnMonth>>(await api.GET('/v1/analytics/churn', { params: { query: withChosen(q, c) } }))),
  });
}

export function useDefaultRate(q: RangeQuery, enabled = true) {
  const { currency } = useCurrencyChoice();
  return useQuery({
    queryKey: ['default-rate', q, currency],
    enabled,
    queryFn: () => withCurrency(async (c) => unwrap<MonthsAnswer<DefaultRateMonth>>(await api.GET('/v1/analytics/default-rate', { params: { query: withChosen(q, c) } }))),
  });
}

export function useRevenue(q: RangeQuery, enabled = true) {
  const { currency } = useCurrencyChoice();
  return useQuery({
    queryKey: ['revenue-per-client', q, currency],
    enabled,
    queryFn: () => withCurrency(async (c) => unwrap<MonthsAnswer<RevenueMonth>>(await api.GET('/v1/analytics/revenue-per-client', { params: { query: withChosen(q, c) } }))),
  });
}

export function useSalesReps(q: RangeQuery, enabled = true) {
  const { currency } = useCurrencyChoice();
  return useQuery({
    queryKey: ['sales-reps', q, currency],
    enabled,
    queryFn: () => withCurrency(async (c) => unwrap<SalesRepsAnswer>(await api.GET('/v1/analytics/sales-reps', { params: { query: withChosen(q, c) } }))),
  });
}

export function useForecast(segment: SegmentFilter, months: number, enabled = true) {
  const { currency } = useCurrencyChoice();
  return useQuery({
    queryKey: ['forecast', segment, months, currency],
    enabled,
    queryFn: () =>
      withCurrency(async (c) => unwrap<ForecastAnswer>(await api.GET('/v1/analytics/forecast', { params: { query: withChosen({ segment, months: String(months) }, c) } }))),
  });
}

export interface ClientsQuery {
  segment: SegmentFilter;
  flag?: 'unprofitable' | 'in_default' | 'open_case';
  sort: 'margin' | 'marginRatio' | 'trailingMargin' | 'billed' | 'collected' | 'costToServe';
  order: 'asc' | 'desc';
}

/** One page of the profitability list; `cursor` continues where the last page stopped. */
export async function fetchClientsPage(q: ClientsQuery, limit: number, cursor?: string): Promise<ClientsAnswer> {
  return withCurrency(async (currency) => {
    const query: Record<string, string> = { segment: q.segment, sort: q.sort, order: q.order, limit: String(limit) };
    if (q.flag) query['flag'] = q.flag;
    if (cursor) query['cursor'] = cursor;
    if (currency) query['currency'] = currency;
    return unwrap<ClientsAnswer>(await api.GET('/v1/analytics/clients', { params: { query: query as never } }));
  });
}

export function useSubscriber(id: string, asOf: string | null, enabled = true) {
  return useQuery({
    queryKey: ['subscriber', id, asOf],
    enabled,
    queryFn: async () =>
      unwrap<SubscriberView>(await api.GET('/v1/subscribers/{id}', { params: { path: { id }, query: asOf ? { asOf } : {} } })),
  });
}

export function useSubscriberHistory(id: string, enabled: boolean) {
  return useQuery({
    queryKey: ['subscriber-history', id],
    enabled,
    queryFn: async () => unwrap<{ events: Envelope[] }>(await api.GET('/v1/subscribers/{id}/history', { params: { path: { id } } })),
  });
}

export function useSubscriberIntegrity(id: string, enabled: boolean) {
  return useQuery({
    queryKey: ['subscriber-integrity', id],
    enabled,
    queryFn: async () => unwrap<IntegrityReport>(await api.GET('/v1/subscribers/{id}/integrity', { params: { path: { id } } })),
  });
}

export function useCase(id: string) {
  return useQuery({
    queryKey: ['case', id],
    queryFn: async () => unwrap<CaseView>(await api.GET('/v1/cases/{id}', { params: { path: { id } } })),
  });
}

export function useCaseHistory(id: string, enabled = true) {
  return useQuery({
    queryKey: ['case-history', id],
    enabled,
    queryFn: async () => unwrap<{ events: Envelope[] }>(await api.GET('/v1/cases/{id}/history', { params: { path: { id } } })),
  });
}

export function useCaseIntegrity(id: string, enabled: boolean) {
  return useQuery({
    queryKey: ['case-integrity', id],
    enabled,
    queryFn: async () => unwrap<IntegrityReport>(await api.GET('/v1/cases/{id}/integrity', { params: { path: { id } } })),
  });
}

export function useCases(filter: { subscriberId?: string; status?: 'open' | 'closed'; kind?: string }, enabled = true) {
  return useQuery({
    queryKey: ['cases', filter],
    enabled,
    queryFn: async () => {
      const query: Record<string, string> = {};
      for (const [k, v] of Object.entries(filter)) if (v) query[k] = v;
      // The cases list is a read model: wait for the last command this console recorded.
      Object.assign(query, readAfterLastCommand());
      return unwrap<{ cases: CaseListItem[]; nextCursor?: string | null }>(await api.GET('/v1/cases', { params: { query: query as never } }));
    },
  });
}
