import { useMemo, useState } from 'react';
import { useCurrencyChoice } from '../api/currency.js';
import { useSalesReps } from '../api/queries.js';
import { CurrencyPicker } from '../components/CurrencyPicker.js';
import type { RepMonth, SegmentFilter } from '../api/views.js';
import { DataTable } from '../components/DataTable.js';
import { DownloadButton, withQuery } from '../components/Download.js';
import { ErrorNotice, Loading } from '../components/Status.js';
import { useI18n } from '../i18n/i18n.js';
import { addMonths, formatMoney, formatMonth, formatNumber, formatPercent, lastCompleteMonth } from '../lib/format.js';

/** Per month and rep: new subscribers, new MRR, and the quality of the sale. */
export function SalesReps() {
  const { t, locale } = useI18n();
  const defaultTo = lastCompleteMonth(new Date());
  const [range, setRange] = useState({ from: addMonths(defaultTo, -5), to: defaultTo, segment: 'all' as SegmentFilter });
  const chosen = useCurrencyChoice().currency;
  const reps = useSalesReps(range);
  const rows = useMemo(
    () => (reps.data?.months ?? []).flatMap((m) => m.reps.map((r) => ({ ...r, month: m.month }))).sort((a, b) => b.month.localeCompare(a.month) || b.newMrr - a.newMrr),
    [reps.data],
  );
  const currency = reps.data?.currency ?? '';
  return (
    <>
      <h1>{t('salesReps.title')}</h1>
      <p className="muted">{t('salesReps.lead')}</p>
      <form className="controls" onSubmit={(e) => e.preventDefault()} aria-label={t('salesReps.title')}>
        <label>
          {t('common.from')} <input type="month" name="from" value={range.from} onChange={(e) => e.target.value && setRange({ ...range, from: e.target.value })} />
        </label>
        <label>
          {t('common.to')} <input type="month" name="to" value={range.to} onChange={(e) => e.target.value && setRange({ ...range, to: e.target.value })} />
        </label>
        <CurrencyPicker />
        <DownloadButton path={withQuery('/v1/analytics/sales-reps', { ...range, currency: chosen })} accept="text/csv" fallbackName="sales-reps.csv" />
      </form>
      {reps.isError ? <ErrorNotice error={reps.error} retry={() => void reps.refetch()} /> : null}
      {reps.isPending ? (
        <Loading />
      ) : (
        <DataTable<RepMonth & { month: string }>
          caption={t('salesReps.title')}
          rows={rows}
          rowKey={(r) => `${r.month}-${r.salesRepId}`}
          columns={[
            { key: 'month', label: t('common.month'), render: (r) => formatMonth(r.month, locale), sortValue: (r) => r.month },
            { key: 'rep', label: t('salesReps.col.rep'), render: (r) => r.salesRepId, sortValue: (r) => r.salesRepId },
            { key: 'new', label: t('salesReps.col.newSubscribers'), numeric: true, render: (r) => formatNumber(r.newSubscribers, locale), sortValue: (r) => r.newSubscribers },
            { key: 'mrr', label: t('salesReps.col.newMrr'), numeric: true, render: (r) => formatMoney(r.newMrr, currency, locale), sortValue: (r) => r.newMrr },
            { key: 'churned', label: t('salesReps.col.churned90'), numeric: true, render: (r) => formatNumber(r.churnedWithin90Days, locale), sortValue: (r) => r.churnedWithin90Days },
            { key: 'default', label: t('salesReps.col.cohortDefault'), numeric: true, render: (r) => formatPercent(r.defaultRate, locale), sortValue: (r) => r.defaultRate },
          ]}
        />
      )}
    </>
  );
}
