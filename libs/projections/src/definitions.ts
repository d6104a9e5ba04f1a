/**
 * The definitions of every metric the analytics routes serve (domain.md §6), in words, versioned.
 * This list is the one place the formulas are written: `GET /v1/analytics/definitions` serves it,
 * every analytics answer carries its `definitionsVersion`, and docs/analytics-definitions.md is
 * rendered from it (test/projections/definitions.test.ts fails when the document, or a served
 * field, is out of step).
 *
 * Raise DEFINITIONS_VERSION whenever a metric is added or its meaning changes, and set that
 * metric's `since` to the new version, so an analyst can tell when a number's meaning changed.
 */

/** Version 1: the definitions before issue 17. Version 2: MRR movements, SaaS ratios, the profitability tenure, currencies. */
export const DEFINITIONS_VERSION = 2;

export interface MetricDefinition {
  /** `<route>.<field path>` as served, e.g. `churn.churned.fromStart` (arrays of months, clients or reps left out). */
  name: string;
  formula: string;
  /** The definitions version in which this meaning was introduced or last changed. */
  since: number;
}

const RATE = 'A plain decimal (0.2, not 20), unrounded; null when the denominator is 0.';
const MONTH = 'M is a UTC calendar month of occurredAt; its start is the state before any event of M.';

const m = (name: string, formula: string, since = 1): MetricDefinition => ({ name, formula, since });

const churnDefinitions: MetricDefinition[] = [
  m('churn.customersAtStart', `Customers at M's first instant: subscribers enrolled or reactivated before it and not terminated before it; suspended and under-notice subscribers count. ${MONTH}`),
  m('churn.new', 'Subscribers enrolled in M.'),
  m('churn.reactivated', 'Terminated subscribers reactivated in M.'),
  m('churn.churned.voluntary', 'Terminations in M of kind voluntary (the client gave notice).'),
  m('churn.churned.involuntary', 'Terminations in M of kind involuntary (the provider gave notice).'),
  m('churn.churned.migrated', 'Terminations in M of kind migrated (moved to a partner).'),
  m('churn.churned.total', 'All terminations in M: voluntary + involuntary + migrated.'),
  m('churn.churned.fromStart', "Subscribers terminated in M who were customers at M's first instant (leaves out those who joined or came back in M and left in M).", 2),
  m('churn.customersAtEnd', 'customersAtStart + new + reactivated − churned.total (= customersAtStart of the next month).'),
  m('churn.customerChurnRate', `churned.total / customersAtStart. ${RATE}`),
  m('churn.startingCustomerChurnRate', `churned.fromStart / customersAtStart: the convention of analytics tools that leave out clients who joined and left in the same month. ${RATE}`, 2),
  m('churn.mrrAtStart', "MRR at M's first instant: Σ current plan monthlyFee of subscribers whose status is active or notice (suspended subscribers add nothing)."),
  m('churn.mrrAtEnd', "MRR at the first instant of the next month (the same sum after every event of M)."),
  m('churn.mrrLost', 'Σ planAtTermination.monthlyFee of the subscribers terminated in M.'),
  m('churn.revenueChurnRate', `mrrLost / mrrAtStart. ${RATE}`),
  m('churn.mrrNew', 'Σ plan monthlyFee of the subscribers enrolled in M.'),
  m('churn.mrrExpansion', 'Σ of (new fee − old fee) over the plan changes up in M.'),
  m('churn.mrrContraction', 'Σ of (old fee − new fee) over the plan changes down in M, as a positive amount.'),
  m('churn.mrrReactivation', 'Σ plan monthlyFee (the plan they came back on) of the subscribers reactivated in M.', 2),
  m('churn.mrrSuspended', "Σ monthlyFee of the subscribers whose service was suspended in M (it leaves MRR, which counts active and notice only).", 2),
  m('churn.mrrReinstated', 'Σ monthlyFee of the subscribers whose suspended service was reinstated in M (it comes back into MRR).', 2),
  m('churn.grossMrrChurnRate', `(mrrLost + mrrContraction) / mrrAtStart. ${RATE}`, 2),
  m('churn.netMrrChurnRate', `(mrrLost + mrrContraction − mrrExpansion − mrrReactivation) / mrrAtStart; negative when expansion and reactivation outweigh the losses. ${RATE}`, 2),
  m('churn.netRevenueRetention', '1 − netMrrChurnRate; null when netMrrChurnRate is null.', 2),
  m('churn.quickRatio', `(mrrNew + mrrExpansion + mrrReactivation) / (mrrLost + mrrContraction). ${RATE}`, 2),
];

const agingBucket = (bucket: string, range: string) =>
  m(`default-rate.aging.${bucket}`, `Still owed at M's end (the first instant of M+1) on missed invoices that are then ${range} days past due (days past due at t = floor((t − dueDate 00:00Z) / 1 day)); any due month.`);

const defaultRateDefinitions: MetricDefinition[] = [
  m('default-rate.invoicesDue', "Invoices whose dueDate falls in M (M's cohort)."),
  m('default-rate.amountDue', 'Σ amount of the invoices of the cohort.'),
  m('default-rate.invoicesDefaulted', 'Invoices of the cohort for which a PaymentMissed was recorded, up to now.'),
  m('default-rate.amountDefaulted', 'Σ amount of the PaymentMissed recorded for the cohort.'),
  m('default-rate.defaultRate', `invoicesDefaulted / invoicesDue. ${RATE}`),
  m('default-rate.amountDefaultRate', `amountDefaulted / amountDue. ${RATE}`),
  m('default-rate.invoicesRecovered', 'Defaulted invoices of the cohort whose last cent was later paid (not written off).'),
  m('default-rate.amountRecovered', 'Σ of what payments after the miss took off the cohort’s defaulted invoices.'),
  m('default-rate.amountWrittenOff', 'Σ written off on the invoices of the cohort.'),
  agingBucket('1-30', '1 to 30'),
  agingBucket('31-60', '31 to 60'),
  agingBucket('61-90', '61 to 90'),
  agingBucket('90+', 'more than 90'),
];

const revenueDefinitions: MetricDefinition[] = [
  m('revenue-per-client.clientsBilled', 'Distinct subscribers with an invoice for billing period M.'),
  m('revenue-per-client.billed', 'Σ amount of the invoices for billing period M.'),
  m('revenue-per-client.collected', 'Σ payments received in M.'),
  m('revenue-per-client.costToServe', 'Σ costs to serve recorded in M.'),
  m('revenue-per-client.arpu', `billed / clientsBilled (average revenue per account, ARPA). ${RATE}`),
  m('revenue-per-client.collectedPerClient', `collected / clientsBilled. ${RATE}`),
  m('revenue-per-client.costPerClient', `costToServe / clientsBilled. ${RATE}`),
  m('revenue-per-client.marginPerClient', `(collected − costToServe) / clientsBilled. ${RATE}`),
];

const TRAILING = "over the trailing 90 days (asOf − 90 d, asOf], asOf being the newest occurredAt the read model has seen";
const moneySummary = (prefix: string, window: string): MetricDefinition[] => [
  m(`clients.${prefix}.billed`, `Σ invoices issued ${window}.`),
  m(`clients.${prefix}.collected`, `Σ payments received ${window}.`),
  m(`clients.${prefix}.costToServe`, `Σ costs to serve recorded ${window}.`),
  m(`clients.${prefix}.margin`, `collected − costToServe ${window}.`),
  m(`clients.${prefix}.marginRatio`, `margin / collected ${window}. ${RATE}`),
];

const clientDefinitions: MetricDefinition[] = [
  ...moneySummary('lifetime', 'over the subscriber’s whole history'),
  ...moneySummary('trailing90Days', TRAILING),
  m(
    'clients.flags.unprofitable',
    'Trailing-90-day margin < 0, for a subscriber who has been a customer the whole window (enrolled or last reactivated at or before asOf − 90 d) and is active or suspended — the tenure rule of the profitability watch, so the flag and the automatic case agree.',
    2,
  ),
  m('clients.flags.in_default', 'A missed invoice is still owed.'),
  m('clients.flags.open_case', 'The subscriber has at least one open case.'),
];

const salesRepDefinitions: MetricDefinition[] = [
  m('sales-reps.newSubscribers', 'Subscribers the rep enrolled in M.'),
  m('sales-reps.newMrr', 'Σ enrolment plan monthlyFee of those subscribers.'),
  m('sales-reps.churnedWithin90Days', 'Of those subscribers, the ones terminated at most 90 days after their enrolment.'),
  m('sales-reps.invoicesDue', 'Invoices issued to those subscribers, to date.'),
  m('sales-reps.invoicesDefaulted', 'Of those invoices, the ones recorded missed, to date.'),
  m('sales-reps.defaultRate', `invoicesDefaulted / invoicesDue (the quality of a sale). ${RATE}`),
];

const forecastDefinitions: MetricDefinition[] = [
  m('forecast.inputs.baseMonth', 'Month of the newest business time known to the churn and default-rate read models; the forecast starts with the month after it.'),
  m('forecast.inputs.trailingMonths', 'The three complete months before the base month whose averages are the inputs.'),
  m('forecast.inputs.mrr', 'MRR now (MRR(0)).'),
  m('forecast.inputs.revenueChurnRate', 'c: mean revenueChurnRate of the trailing months (months where it is null left out; 0 if none).'),
  m('forecast.inputs.newMrr', 'n: mean mrrNew of the trailing months.'),
  m('forecast.inputs.netExpansion', 'e: mean (mrrExpansion − mrrContraction) of the trailing months.'),
  m('forecast.inputs.amountDefaultRate', 'd: mean amountDefaultRate of the trailing months’ cohorts (null months left out; 0 if none).'),
  m('forecast.mrr', 'MRR(k+1) = MRR(k)·(1 − c) + n + e, from MRR(0) = inputs.mrr; rounded to the unit, the recurrence runs unrounded.'),
  m('forecast.expectedCollections', 'collections(k) = MRR(k)·(1 − d), rounded to the unit.'),
];

const cohortDefinitions: MetricDefinition[] = [
  m('cohorts.customers', 'Cohort size: the subscribers first enrolled in the cohort month C (reactivations are not enrolments).', 2),
  m('cohorts.mrr', 'Σ enrolment plan monthlyFee of the cohort.', 2),
  m('cohorts.customersRetained', 'Cohort members who are customers at the end of month C+k (the first instant of C+k+1); a reactivated client counts as retained again. Offsets k run from 0 to the month of the newest event in the log.', 2),
  m('cohorts.customerRetention', `customersRetained / customers. ${RATE}`, 2),
  m('cohorts.mrrRetained', 'Σ MRR of the cohort members at the end of C+k (their current monthlyFee while active or notice).', 2),
  m('cohorts.netMrrRetention', `mrrRetained / mrr (above 1 when expansion outweighs churn). ${RATE}`, 2),
];

/** Every definition, in the order the document lists them. */
export const METRIC_DEFINITIONS: readonly MetricDefinition[] = [
  ...churnDefinitions,
  ...defaultRateDefinitions,
  ...revenueDefinitions,
  ...clientDefinitions,
  ...salesRepDefinitions,
  ...forecastDefinitions,
  ...cohortDefinitions,
];

/** `GET /v1/analytics/definitions`. */
export function definitions(): { version: number; metrics: MetricDefinition[] } {
  return { version: DEFINITIONS_VERSION, metrics: METRIC_DEFINITIONS.map((d) => ({ ...d })) };
}

/** Fields of an analytics answer that identify a row or state its context rather than measure something. */
export const DIMENSION_FIELDS: readonly string[] = ['month', 'segment', 'currency', 'asOf', 'subscriberId', 'name', 'status', 'salesRepId', 'definitionsVersion', 'cohort', 'offset', 'lastMonth'];

/** docs/analytics-definitions.md, rendered from {@link METRIC_DEFINITIONS}. */
export function definitionsMarkdown(): string {
  const escape = (text: string) => text.replace(/\|/g, '\\|');
  const lines = [
    '# Analytics definitions',
    '',
    '<!-- Rendered from libs/projections/src/definitions.ts: edit there, then',
    '     UPDATE_DOCS=1 NODE_OPTIONS=--experimental-vm-modules npx jest test/projections/definitions.test.ts -->',
    '',
    `Definitions version **${DEFINITIONS_VERSION}**. This is the one place the formulas are written in words;`,
    '`GET /v1/analytics/definitions` serves the same list and every analytics answer carries',
    '`definitionsVersion`. A metric\'s `since` is the version in which its meaning was introduced or last',
    'changed. Money is in integer minor units of the answer\'s currency and never summed across',
    'currencies; months are UTC calendar months of `occurredAt`.',
    '',
  ];
  const routes = [...new Set(METRIC_DEFINITIONS.map((d) => d.name.split('.')[0]))];
  for (const route of routes) {
    lines.push(`## ${route}`, '', '| metric | formula | since |', '|---|---|---|');
    for (const d of METRIC_DEFINITIONS.filter((x) => x.name.split('.')[0] === route)) lines.push(`| \`${d.name}\` | ${escape(d.formula)} | ${d.since} |`);
    lines.push('');
  }
  return lines.join('\n');
}
