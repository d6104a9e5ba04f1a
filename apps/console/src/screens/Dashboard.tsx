import { useMemo, useState } from 'react';
import type { EChartsCoreOption } from 'echarts/core';
import { useCurrencyChoice } from '../api/currency.js';
import { useChurn, useDefaultRate, useForecast, useRevenue, useSalesReps, type RangeQuery } from '../api/queries.js';
import type { SegmentFilter } from '../api/views.js';
import { Chart } from '../components/Chart.js';
import { CurrencyPicker } from '../components/CurrencyPicker.js';
import { DataTable } from '../components/DataTable.js';
import { DownloadButton, withQuery } from '../components/Download.js';
import { ErrorNotice, Loading, Section } from '../components/Status.js';
import { useI18n } from '../i18n/i18n.js';
import { churnSplit, headline, isEmptyRange, mrrMovements, type Kpi } from '../lib/dashboard.js';
import { addMonths, currencyDigits, formatMoney, formatMonth, formatNumber, formatPercent, lastCompleteMonth, type Locale } from '../lib/format.js';

const major = (minor: number | null, currency: string) => (minor === null ? null : minor / 10 ** currencyDigits(currency || 'EUR'));

export function Dashboard() {
  const { t, locale } = useI18n();
  const defaultTo = lastCompleteMonth(new Date());
  const [range, setRange] = useState<RangeQuery>({ from: addMonths(defaultTo, -11), to: defaultTo, segment: 'all' });
  // All five requests start together: one step after sign-in, no waterfall.
  const churn = useChurn(range);
  const defaults = useDefaultRate(range);
  const revenue = useRevenue(range);
  const reps = useSalesReps(range);
  const forecast = useForecast(range.segment, 12);
  const chosen = useCurrencyChoice().currency;
  const currency = churn.data?.currency ?? revenue.data?.currency ?? '';
  const money = (minor: number | null | undefined) => formatMoney(minor === null || minor === undefined ? minor : Math.round(minor), currency, locale);

  const head = useMemo(
    () =>
      churn.data && defaults.data && revenue.data && reps.data
        ? headline(range.to, { churn: churn.data.months, defaults: defaults.data.months, revenue: revenue.data.months, reps: reps.data.months })
        : null,
    [churn.data, defaults.data, revenue.data, reps.data, range.to],
  );
  const q = { from: range.from, to: range.to, segment: range.segment, currency: chosen };
  // A rate's change is in percentage points, not a percentage of itself.
  const points = (c: number) => t('dashboard.kpi.points', { value: new Intl.NumberFormat(locale === 'es' ? 'es-ES' : 'en-GB', { maximumFractionDigits: 1, minimumFractionDigits: 1 }).format(c * 100) });
  const failed = [churn, defaults, revenue, reps].find((r) => r.isError);

  return (
    <>
      <h1>{t('dashboard.title')}</h1>
      <form className="controls" onSubmit={(e) => e.preventDefault()} aria-label={t('dashboard.title')}>
        <label>
          {t('common.segment')}{' '}
          <select value={range.segment} onChange={(e) => setRange({ ...range, segment: e.target.value as SegmentFilter })} name="segment">
            <option value="all">{t('common.segment.all')}</option>
            <option value="b2b">{t('common.segment.b2b')}</option>
            <option value="b2c">{t('common.segment.b2c')}</option>
          </select>
        </label>
        <CurrencyPicker />
        <label>
          {t('common.from')}{' '}
          <input type="month" name="from" value={range.from} max={range.to} onChange={(e) => e.target.value && setRange({ ...range, from: e.target.value })} />
        </label>
        <label>
          {t('common.to')}{' '}
          <input type="month" name="to" value={range.to} min={range.from} onChange={(e) => e.target.value && setRange({ ...range, to: e.target.value })} />
        </label>
      </form>
      {failed ? <ErrorNotice error={failed.error} retry={() => void failed.refetch()} /> : null}
      <p className="muted">{t('dashboard.for', { month: formatMonth(range.to, locale) })}</p>
      {churn.data && isEmptyRange(churn.data.months) ? (
        <p role="status" className="card">
          {t('dashboard.noData')}
        </p>
      ) : null}
      {head ? (
        <div className="kpis" role="list">
          <KpiCard label={t('dashboard.kpi.churn')} kpi={head.customerChurnRate} show={(v) => formatPercent(v, locale)} change={points} previousMonth={head.previousMonth} lowerIsBetter />
          <KpiCard label={t('dashboard.kpi.default')} kpi={head.defaultRate} show={(v) => formatPercent(v, locale)} change={points} previousMonth={head.previousMonth} lowerIsBetter />
          <KpiCard label={t('dashboard.kpi.arpu')} kpi={head.arpu} show={(v) => money(v)} change={(c) => money(c)} previousMonth={head.previousMonth} />
          <KpiCard
            label={t('dashboard.kpi.newSales')}
            kpi={head.newSales}
            show={(v) => formatNumber(v, locale)}
            change={(c) => formatNumber(c, locale)}
            previousMonth={head.previousMonth}
            detail={t('dashboard.kpi.newSalesDetail', { count: formatNumber(head.newSales.value, locale), reps: head.newSales.reps })}
          />
        </div>
      ) : failed ? null : (
        <Loading />
      )}
      {currency ? <p className="muted">{t('dashboard.currencyNote', { currency })}</p> : null}

      <Section id="mrr" title={t('dashboard.mrr')} actions={<DownloadButton path={withQuery('/v1/analytics/churn', q)} accept="text/csv" fallbackName="churn.csv" />}>
        {churn.data ? <MrrChart rows={churn.data.months} currency={currency} locale={locale} /> : <Loading />}
      </Section>
      <Section id="churn" title={t('dashboard.churnRates')} actions={<DownloadButton path={withQuery('/v1/analytics/churn', q)} accept="text/csv" fallbackName="churn.csv" />}>
        {churn.data ? <ChurnChart rows={churn.data.months} locale={locale} /> : <Loading />}
      </Section>
      <Section id="defaults" title={t('dashboard.defaults')} actions={<DownloadButton path={withQuery('/v1/analytics/default-rate', q)} accept="text/csv" fallbackName="default-rate.csv" />}>
        {defaults.data ? <DefaultChart rows={defaults.data.months} currency={currency} locale={locale} /> : <Loading />}
      </Section>
      <Section id="revenue" title={t('dashboard.revenue')} actions={<DownloadButton path={withQuery('/v1/analytics/revenue-per-client', q)} accept="text/csv" fallbackName="revenue-per-client.csv" />}>
        {revenue.data ? <RevenueChart rows={revenue.data.months} currency={currency} locale={locale} /> : <Loading />}
      </Section>
      <Section
        id="forecast"
        title={t('dashboard.forecast')}
        actions={<DownloadButton path={withQuery('/v1/analytics/forecast', { segment: range.segment, months: '12', currency: chosen })} accept="text/csv" fallbackName="forecast.csv" />}
      >
        {forecast.isError ? <ErrorNotice error={forecast.error} /> : forecast.data ? <ForecastChart answer={forecast.data} currency={currency} locale={locale} /> : <Loading />}
      </Section>
    </>
  );
}

function KpiCard({
  label,
  kpi,
  show,
  change,
  previousMonth,
  detail,
  lowerIsBetter,
}: {
  label: string;
  kpi: Kpi;
  show: (v: number | null) => string;
  change: (c: number) => string;
  previousMonth: string;
  detail?: string;
  lowerIsBetter?: boolean;
}) {
  const { t, locale } = useI18n();
  const good = kpi.change === null || kpi.change === 0 ? null : lowerIsBetter ? kpi.change < 0 : kpi.change > 0;
  return (
    <div className="kpi" role="listitem" data-kpi={label}>
      <div className="kpi-label">{label}</div>
      <div className="kpi-value">{show(kpi.value)}</div>
      <div className={`kpi-change ${good === null ? '' : good ? 'good' : 'bad'}`}>
        {kpi.change === null
          ? t('dashboard.kpi.noPrevious')
          : t('dashboard.kpi.change', { change: `${kpi.change > 0 ? '+' : ''}${change(kpi.change)}`, month: formatMonth(previousMonth, locale) })}
      </div>
      {detail ? <div className="muted">{detail}</div> : null}
    </div>
  );
}

function NumbersTable<Row>({ id, caption, rows, columns }: { id: string; caption: string; rows: readonly Row[]; columns: Array<{ key: string; label: string; value: (r: Row) => string }> }) {
  const { t } = useI18n();
  return (
    <details>
      <summary>{t('common.showTable')}</summary>
      <DataTable
        id={id}
        caption={caption}
        rows={rows}
        rowKey={(r) => JSON.stringify(r)}
        columns={columns.map((c, i) => ({ key: c.key, label: c.label, render: c.value, numeric: i > 0 }))}
      />
    </details>
  );
}

function MrrChart({ rows, currency, locale }: { rows: Parameters<typeof mrrMovements>[0]; currency: string; locale: Locale }) {
  const { t } = useI18n();
  const data = mrrMovements(rows);
  const option = useMemo<EChartsCoreOption>(
    () => ({
      aria: { enabled: true },
      tooltip: { trigger: 'axis' },
      legend: { top: 0, type: 'scroll' },
      grid: { left: 60, right: 60, top: 48, bottom: 30 },
      xAxis: { type: 'category', data: data.map((r) => formatMonth(r.month, locale)) },
      yAxis: [{ type: 'value', name: currency }, { type: 'value', name: 'MRR' }],
      series: [
        { name: t('series.new'), type: 'bar', stack: 'm', data: data.map((r) => major(r.new, currency)) },
        { name: t('series.expansion'), type: 'bar', stack: 'm', data: data.map((r) => major(r.expansion, currency)) },
        { name: t('series.contraction'), type: 'bar', stack: 'm', data: data.map((r) => major(r.contraction, currency)) },
        { name: t('series.churned'), type: 'bar', stack: 'm', data: data.map((r) => major(r.churned, currency)) },
        { name: t('series.mrr'), type: 'line', yAxisIndex: 1, data: data.map((r) => major(r.mrr, currency)) },
      ],
    }),
    [data, currency, locale, t],
  );
  const m = (v: number) => formatMoney(v, currency, locale);
  return (
    <>
      {rows.length === 0 ? <p>{t('dashboard.noData')}</p> : <Chart option={option} label={t('dashboard.mrr')} describedBy="mrr-table" />}
      <NumbersTable
        id="mrr-table"
        caption={t('dashboard.mrr')}
        rows={data}
        columns={[
          { key: 'month', label: t('common.month'), value: (r) => formatMonth(r.month, locale) },
          { key: 'mrr', label: t('series.mrr'), value: (r) => m(r.mrr) },
          { key: 'new', label: t('series.new'), value: (r) => m(r.new) },
          { key: 'expansion', label: t('series.expansion'), value: (r) => m(r.expansion) },
          { key: 'contraction', label: t('series.contraction'), value: (r) => m(r.contraction) },
          { key: 'churned', label: t('series.churned'), value: (r) => m(r.churned) },
        ]}
      />
    </>
  );
}

function ChurnChart({ rows, locale }: { rows: Parameters<typeof churnSplit>[0]; locale: Locale }) {
  const { t } = useI18n();
  const data = churnSplit(rows);
  const pct = (v: number | null) => (v === null ? null : Math.round(v * 10000) / 100);
  const option = useMemo<EChartsCoreOption>(
    () => ({
      aria: { enabled: true },
      tooltip: { trigger: 'axis' },
      legend: { top: 0, type: 'scroll' },
      grid: { left: 50, right: 20, top: 48, bottom: 30 },
      xAxis: { type: 'category', data: data.map((r) => formatMonth(r.month, locale)) },
      yAxis: { type: 'value', name: '%' },
      series: [
        { name: t('series.customerChurn'), type: 'line', data: data.map((r) => pct(r.customerChurnRate)) },
        { name: t('series.voluntary'), type: 'line', data: data.map((r) => pct(r.voluntary)) },
        { name: t('series.involuntary'), type: 'line', data: data.map((r) => pct(r.involuntary)) },
        { name: t('series.revenueChurn'), type: 'line', lineStyle: { type: 'dashed' }, data: data.map((r) => pct(r.revenueChurnRate)) },
      ],
    }),
    [data, locale, t],
  );
  const p = (v: number | null) => formatPercent(v, locale, 2);
  return (
    <>
      {rows.length === 0 ? <p>{t('dashboard.noData')}</p> : <Chart option={option} label={t('dashboard.churnRates')} describedBy="churn-table" />}
      <NumbersTable
        id="churn-table"
        caption={t('dashboard.churnRates')}
        rows={rows.map((r, i) => ({ ...r, split: data[i]! }))}
        columns={[
          { key: 'month', label: t('common.month'), value: (r) => formatMonth(r.month, locale) },
          { key: 'start', label: t('series.customersAtStart'), value: (r) => formatNumber(r.customersAtStart, locale) },
          { key: 'end', label: t('series.customersAtEnd'), value: (r) => formatNumber(r.customersAtEnd, locale) },
          { key: 'rate', label: t('series.customerChurn'), value: (r) => p(r.customerChurnRate) },
          { key: 'vol', label: t('series.voluntary'), value: (r) => `${formatNumber(r.churned.voluntary, locale)} (${p(r.split.voluntary)})` },
          { key: 'invol', label: t('series.involuntary'), value: (r) => `${formatNumber(r.churned.involuntary, locale)} (${p(r.split.involuntary)})` },
          { key: 'mig', label: t('series.migrated'), value: (r) => formatNumber(r.churned.migrated, locale) },
          { key: 'rev', label: t('series.revenueChurn'), value: (r) => p(r.revenueChurnRate) },
        ]}
      />
    </>
  );
}

function DefaultChart({ rows, currency, locale }: { rows: import('../api/views.js').DefaultRateMonth[]; currency: string; locale: Locale }) {
  const { t } = useI18n();
  const buckets = [
    ['1-30', t('series.aging1')],
    ['31-60', t('series.aging31')],
    ['61-90', t('series.aging61')],
    ['90+', t('series.aging90')],
  ] as const;
  const option = useMemo<EChartsCoreOption>(
    () => ({
      aria: { enabled: true },
      tooltip: { trigger: 'axis' },
      legend: { top: 0, type: 'scroll' },
      grid: { left: 60, right: 50, top: 48, bottom: 30 },
      xAxis: { type: 'category', data: rows.map((r) => formatMonth(r.month, locale)) },
      yAxis: [{ type: 'value', name: currency }, { type: 'value', name: '%' }],
      series: [
        ...buckets.map(([key, name]) => ({ name, type: 'bar', stack: 'aging', data: rows.map((r) => major(r.aging[key], currency)) })),
        { name: t('series.defaultRate'), type: 'line', yAxisIndex: 1, data: rows.map((r) => (r.defaultRate === null ? null : Math.round(r.defaultRate * 10000) / 100)) },
      ],
    }),
    // buckets derive from t
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [rows, currency, locale, t],
  );
  const m = (v: number) => formatMoney(v, currency, locale);
  return (
    <>
      {rows.length === 0 ? <p>{t('dashboard.noData')}</p> : <Chart option={option} label={t('dashboard.defaults')} describedBy="defaults-table" />}
      <NumbersTable
        id="defaults-table"
        caption={t('dashboard.defaults')}
        rows={rows}
        columns={[
          { key: 'month', label: t('common.month'), value: (r) => formatMonth(r.month, locale) },
          { key: 'due', label: t('series.invoicesDue'), value: (r) => formatNumber(r.invoicesDue, locale) },
          { key: 'defaulted', label: t('series.invoicesDefaulted'), value: (r) => formatNumber(r.invoicesDefaulted, locale) },
          { key: 'rate', label: t('series.defaultRate'), value: (r) => formatPercent(r.defaultRate, locale, 2) },
          { key: 'amountRate', label: t('series.amountDefaultRate'), value: (r) => formatPercent(r.amountDefaultRate, locale, 2) },
          ...buckets.map(([key, name]) => ({ key, label: name, value: (r: (typeof rows)[number]) => m(r.aging[key]) })),
        ]}
      />
    </>
  );
}

function RevenueChart({ rows, currency, locale }: { rows: import('../api/views.js').RevenueMonth[]; currency: string; locale: Locale }) {
  const { t } = useI18n();
  const option = useMemo<EChartsCoreOption>(
    () => ({
      aria: { enabled: true },
      tooltip: { trigger: 'axis' },
      legend: { top: 0, type: 'scroll' },
      grid: { left: 60, right: 20, top: 48, bottom: 30 },
      xAxis: { type: 'category', data: rows.map((r) => formatMonth(r.month, locale)) },
      yAxis: { type: 'value', name: currency },
      series: [
        { name: t('series.arpu'), type: 'line', data: rows.map((r) => major(r.arpu, currency)) },
        { name: t('series.collected'), type: 'line', data: rows.map((r) => major(r.collectedPerClient, currency)) },
        { name: t('series.costToServe'), type: 'line', data: rows.map((r) => major(r.costPerClient, currency)) },
        { name: t('series.marginPerClient'), type: 'bar', data: rows.map((r) => major(r.marginPerClient, currency)) },
      ],
    }),
    [rows, currency, locale, t],
  );
  const m = (v: number | null) => formatMoney(v === null ? null : Math.round(v), currency, locale);
  return (
    <>
      {rows.length === 0 ? <p>{t('dashboard.noData')}</p> : <Chart option={option} label={t('dashboard.revenue')} describedBy="revenue-table" />}
      <NumbersTable
        id="revenue-table"
        caption={t('dashboard.revenue')}
        rows={rows}
        columns={[
          { key: 'month', label: t('common.month'), value: (r) => formatMonth(r.month, locale) },
          { key: 'clients', label: t('series.clientsBilled'), value: (r) => formatNumber(r.clientsBilled, locale) },
          { key: 'billed', label: t('series.billed'), value: (r) => m(r.billed) },
          { key: 'collected', label: t('series.collected'), value: (r) => m(r.collected) },
          { key: 'cost', label: t('series.costToServe'), value: (r) => m(r.costToServe) },
          { key: 'arpu', label: t('series.arpu'), value: (r) => m(r.arpu) },
          { key: 'margin', label: t('series.marginPerClient'), value: (r) => m(r.marginPerClient) },
        ]}
      />
    </>
  );
}

function ForecastChart({ answer, currency, locale }: { answer: import('../api/views.js').ForecastAnswer; currency: string; locale: Locale }) {
  const { t } = useI18n();
  const cur = answer.currency ?? currency;
  const option = useMemo<EChartsCoreOption>(
    () => ({
      aria: { enabled: true },
      tooltip: { trigger: 'axis' },
      legend: { top: 0, type: 'scroll' },
      grid: { left: 60, right: 20, top: 48, bottom: 30 },
      xAxis: { type: 'category', data: answer.months.map((r) => formatMonth(r.month, locale)) },
      yAxis: { type: 'value', name: cur },
      series: [
        { name: t('series.mrr'), type: 'line', data: answer.months.map((r) => major(r.mrr, cur)) },
        { name: t('series.expectedCollections'), type: 'bar', data: answer.months.map((r) => major(r.expectedCollections, cur)) },
      ],
    }),
    [answer, cur, locale, t],
  );
  const m = (v: number) => formatMoney(Math.round(v), cur, locale);
  const i = answer.inputs;
  return (
    <>
      <p className="inputs">
        {t('dashboard.forecastInputs', {
          month: formatMonth(i.baseMonth, locale),
          mrr: m(i.mrr),
          churn: formatPercent(i.revenueChurnRate, locale, 2),
          newMrr: m(i.newMrr),
          expansion: m(i.netExpansion),
          default: formatPercent(i.amountDefaultRate, locale, 2),
          trailing: i.trailingMonths.length,
        })}
      </p>
      <Chart option={option} label={t('dashboard.forecast')} describedBy="forecast-table" />
      <NumbersTable
        id="forecast-table"
        caption={t('dashboard.forecast')}
        rows={answer.months}
        columns={[
          { key: 'month', label: t('common.month'), value: (r) => formatMonth(r.month, locale) },
          { key: 'mrr', label: t('series.mrr'), value: (r) => m(r.mrr) },
          { key: 'collections', label: t('series.expectedCollections'), value: (r) => m(r.expectedCollections) },
        ]}
      />
    </>
  );
}
