import { useMemo, useState } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useCurrencyChoice } from '../api/currency.js';
import { fetchClientsPage, type ClientsQuery } from '../api/queries.js';
import { CurrencyPicker } from '../components/CurrencyPicker.js';
import type { ClientRow, SegmentFilter } from '../api/views.js';
import { DataTable, type Column } from '../components/DataTable.js';
import { DownloadButton, withQuery } from '../components/Download.js';
import { ErrorNotice, Loading } from '../components/Status.js';
import { useI18n } from '../i18n/i18n.js';
import { formatMoney } from '../lib/format.js';
import { hrefTo } from '../lib/route.js';
import { matchesSearch } from '../lib/table.js';
import { word } from '../lib/vocabulary.js';

const PAGE = 200;
type SortKey = ClientsQuery['sort'];

/**
 * The profitability list, paged through to the end with the service's cursor. A row links to the
 * client when the key may read a client's state (operator, auditor): analytics alone may not.
 */
export function Clients({ canOpen }: { canOpen: boolean }) {
  const { t, locale } = useI18n();
  const [query, setQuery] = useState<ClientsQuery>({ segment: 'all', sort: 'margin', order: 'asc' });
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState('');
  const chosen = useCurrencyChoice().currency;
  const pages = useInfiniteQuery({
    queryKey: ['clients', query, chosen],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => fetchClientsPage(query, PAGE, pageParam),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = useMemo(() => (pages.data?.pages ?? []).flatMap((p) => p.clients), [pages.data]);
  const shown = useMemo(() => rows.filter((r) => matchesSearch(search, r.name, r.subscriberId) && (!status || r.status === status)), [rows, search, status]);
  const money = (r: ClientRow, minor: number) => formatMoney(minor, pages.data?.pages[0]?.currency ?? '', locale);
  const sortable = (key: SortKey) => () => 0 as number | null | string;
  const columns: Column<ClientRow>[] = [
    { key: 'name', label: t('clients.col.name'), render: (r) => (canOpen ? <a href={hrefTo('clients', r.subscriberId)}>{r.name}</a> : r.name) },
    { key: 'segment', label: t('clients.col.segment'), render: (r) => word(locale, 'segment', r.segment) },
    { key: 'status', label: t('clients.col.status'), render: (r) => t(`status.${r.status}` as 'status.active') },
    { key: 'billed', label: t('clients.col.billed'), numeric: true, sortValue: sortable('billed'), render: (r) => money(r, r.lifetime.billed) },
    { key: 'collected', label: t('clients.col.collected'), numeric: true, sortValue: sortable('collected'), render: (r) => money(r, r.lifetime.collected) },
    { key: 'costToServe', label: t('clients.col.costToServe'), numeric: true, sortValue: sortable('costToServe'), render: (r) => money(r, r.lifetime.costToServe) },
    { key: 'margin', label: t('clients.col.margin'), numeric: true, sortValue: sortable('margin'), render: (r) => money(r, r.lifetime.margin) },
    { key: 'trailingMargin', label: t('clients.col.trailingMargin'), numeric: true, sortValue: sortable('trailingMargin'), render: (r) => money(r, r.trailing90Days.margin) },
    { key: 'flags', label: t('clients.col.flags'), render: (r) => r.flags.map((f) => t(`clients.flag.${f}`)).join(', ') },
  ];
  return (
    <>
      <h1>{t('clients.title')}</h1>
      <p className="muted">{t('clients.lead')}</p>
      <form className="controls" onSubmit={(e) => e.preventDefault()} aria-label={t('clients.title')}>
        <label>
          {t('common.search')} <input type="search" name="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder={t('clients.searchPlaceholder')} />
        </label>
        <label>
          {t('clients.flag')}{' '}
          <select name="flag" value={query.flag ?? ''} onChange={(e) => setQuery({ ...query, flag: (e.target.value || undefined) as ClientsQuery['flag'] })}>
            <option value="">{t('clients.flag.any')}</option>
            <option value="unprofitable">{t('clients.flag.unprofitable')}</option>
            <option value="in_default">{t('clients.flag.in_default')}</option>
            <option value="open_case">{t('clients.flag.open_case')}</option>
          </select>
        </label>
        <label>
          {t('common.segment')}{' '}
          <select name="segment" value={query.segment} onChange={(e) => setQuery({ ...query, segment: e.target.value as SegmentFilter })}>
            <option value="all">{t('common.segment.all')}</option>
            <option value="b2b">{t('common.segment.b2b')}</option>
            <option value="b2c">{t('common.segment.b2c')}</option>
          </select>
        </label>
        <label>
          {t('common.status')}{' '}
          <select name="status" value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">{t('clients.flag.any')}</option>
            {(['active', 'suspended', 'notice', 'terminated'] as const).map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <CurrencyPicker />
        <DownloadButton path={withQuery('/v1/analytics/clients', { segment: query.segment, flag: query.flag, sort: query.sort, order: query.order, limit: '1000', currency: chosen })} accept="text/csv" fallbackName="clients.csv" />
      </form>
      {pages.isError ? <ErrorNotice error={pages.error} retry={() => void pages.refetch()} /> : null}
      {pages.isPending ? (
        <Loading />
      ) : (
        <>
          <DataTable
            caption={t('clients.shown', { count: shown.length })}
            columns={columns}
            rows={shown}
            rowKey={(r) => r.subscriberId}
            sort={{ key: query.sort, order: query.order }}
            onSort={(s) => setQuery({ ...query, sort: s.key as SortKey, order: s.order })}
          />
          <p>
            {pages.hasNextPage ? (
              <button type="button" onClick={() => void pages.fetchNextPage()} disabled={pages.isFetchingNextPage}>
                {pages.isFetchingNextPage ? t('common.loading') : t('clients.loadMore')}
              </button>
            ) : (
              <span className="muted">{t('clients.all')}</span>
            )}
          </p>
        </>
      )}
    </>
  );
}
