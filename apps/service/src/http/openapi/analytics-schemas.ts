/**
 * Answers of the analytics routes (docs/analysts.md): the client list, the monthly reports and
 * the definitions they follow. Merged into the document's components by response-schemas.ts.
 */
import { arr, count, instant, int, money, nextCursor, num, obj, orNull, str, type JsonSchema } from './json-schema.js';
import { definitionsVersion, flags, month, ratio, reportCurrency, segment, segmentFilter, signedMoney } from './response-fragments.js';

const moneySummary = obj({ billed: money, collected: money, costToServe: money, margin: signedMoney, marginRatio: ratio });

/** The client list, the reports and their definitions, by component name. */
export const ANALYTICS_SCHEMAS: Record<string, JsonSchema> = {
  ClientList: obj(
    {
      asOf: orNull(instant),
      currency: reportCurrency,
      definitionsVersion,
      clients: arr(
        obj({ subscriberId: str(), name: str(), segment, status: str(), salesRepId: str(), lifetime: moneySummary, trailing90Days: moneySummary, flags }),
      ),
      nextCursor,
    },
    ['nextCursor'],
  ),
  ChurnReport: obj({
    segment: segmentFilter,
    currency: reportCurrency,
    definitionsVersion,
    months: arr(
      obj({
        month,
        customersAtStart: count,
        new: count,
        reactivated: count,
        churned: obj({ voluntary: count, involuntary: count, migrated: count, total: count, fromStart: count }),
        customersAtEnd: count,
        customerChurnRate: ratio,
        startingCustomerChurnRate: ratio,
        mrrAtStart: money,
        mrrAtEnd: money,
        mrrLost: money,
        revenueChurnRate: ratio,
        mrrNew: money,
        mrrExpansion: money,
        mrrContraction: money,
        mrrReactivation: money,
        mrrSuspended: money,
        mrrReinstated: money,
        grossMrrChurnRate: ratio,
        netMrrChurnRate: orNull(num({ description: 'may be negative' })),
        netRevenueRetention: ratio,
        quickRatio: ratio,
      }),
    ),
  }),
  CohortsReport: obj({
    segment: segmentFilter,
    currency: reportCurrency,
    lastMonth: orNull(month),
    definitionsVersion,
    cohorts: arr(
      obj({
        cohort: month,
        customers: count,
        mrr: money,
        months: arr(obj({ offset: count, month, customersRetained: count, customerRetention: ratio, mrrRetained: money, netMrrRetention: ratio })),
      }),
    ),
  }),
  DefaultRateReport: obj({
    segment: segmentFilter,
    currency: reportCurrency,
    definitionsVersion,
    months: arr(
      obj({
        month,
        invoicesDue: count,
        amountDue: money,
        invoicesDefaulted: count,
        amountDefaulted: money,
        defaultRate: ratio,
        amountDefaultRate: ratio,
        invoicesRecovered: count,
        amountRecovered: money,
        amountWrittenOff: money,
        aging: obj({ '1-30': money, '31-60': money, '61-90': money, '90+': money }, [], { description: 'still owed at month end by days past due (minor units)' }),
      }),
    ),
  }),
  RevenueReport: obj({
    segment: segmentFilter,
    currency: reportCurrency,
    definitionsVersion,
    months: arr(
      obj({
        month,
        clientsBilled: count,
        billed: money,
        collected: money,
        costToServe: money,
        arpu: orNull(num()),
        collectedPerClient: orNull(num()),
        costPerClient: orNull(num()),
        marginPerClient: orNull(num()),
      }),
    ),
  }),
  SalesRepsReport: obj({
    segment: segmentFilter,
    currency: reportCurrency,
    definitionsVersion,
    months: arr(
      obj({
        month,
        reps: arr(
          obj({ salesRepId: str(), newSubscribers: count, newMrr: money, churnedWithin90Days: count, invoicesDue: count, invoicesDefaulted: count, defaultRate: ratio }),
        ),
      }),
    ),
  }),
  ForecastReport: obj({
    segment: segmentFilter,
    currency: reportCurrency,
    definitionsVersion,
    inputs: obj({
      segment: segmentFilter,
      currency: reportCurrency,
      asOf: orNull(instant),
      baseMonth: month,
      trailingMonths: arr(month),
      mrr: num(),
      revenueChurnRate: num(),
      newMrr: num(),
      netExpansion: num(),
      amountDefaultRate: num(),
    }),
    months: arr(obj({ month, mrr: num(), expectedCollections: num() })),
  }),
  AnalyticsDefinitions: obj({
    version: int({ minimum: 1, description: 'the definitions version (also X-Definitions-Version and definitionsVersion on every analytics answer)' }),
    metrics: arr(obj({ name: str({ example: 'churn.customerChurnRate' }), formula: str(), since: int({ minimum: 1 }) })),
  }),
};
