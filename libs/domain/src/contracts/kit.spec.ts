/**
 * The contract kit's bounds hold in the domain's own validation (the same numbers the HTTP layer
 * enforces, see apps/service/src/http/contract-bounds.spec.ts), and dates are marked in the schema.
 */
import { validateCommand } from './commands.js';
import { validateEventData } from './registry.js';
import { CONTRACT_LIMITS, CURRENCIES } from './limits.js';

const at = '2026-01-10T10:00:00Z';
const complaint = (description: string, category = 'billing') => ({ type: 'LogComplaint', data: { subscriberId: 's1', category, description, at } });
const invoice = (amount: number, dueDate = '2026-01-31', period = '2026-01') => ({ type: 'IssueInvoice', data: { subscriberId: 's1', invoiceId: 'i1', period, amount, dueDate, at } });
const fields = (errors: Array<{ field: string }>) => errors.map((e) => e.field);

describe('contract kit', () => {
  it('given free text, then up to text.maxLength characters pass and one more is refused', () => {
    const max = CONTRACT_LIMITS.text.maxLength;
    expect(validateCommand(complaint('x'.repeat(max)))).toEqual([]);
    expect(fields(validateCommand(complaint('x'.repeat(max + 1))))).toEqual(['description']);
  });

  it('given one-line text, then a line break or more than line.maxLength characters is refused', () => {
    expect(fields(validateCommand(complaint('ok', 'two\nlines')))).toEqual(['category']);
    expect(fields(validateCommand(complaint('ok', 'c'.repeat(CONTRACT_LIMITS.line.maxLength + 1))))).toEqual(['category']);
  });

  it('given an amount, then money.maximum passes and 10^12 is refused', () => {
    expect(CONTRACT_LIMITS.money.maximum + 1).toBe(10 ** 12);
    expect(validateCommand(invoice(CONTRACT_LIMITS.money.maximum))).toEqual([]);
    expect(fields(validateCommand(invoice(10 ** 12)))).toEqual(['amount']);
  });

  it('given a currency, then a code of the ISO-4217 list passes and a well-formed non-code is refused', () => {
    const enroll = (currency: string) => ({
      type: 'EnrollSubscriber',
      data: { subscriberId: 's1', name: 'n', segment: 'b2c', plan: { code: 'p', monthlyFee: 1, currency }, salesRepId: 'r', qualification: { needsService: true, valuesService: true, canPay: true }, at },
    });
    expect(CURRENCIES).toContain('EUR');
    expect(validateCommand(enroll('EUR'))).toEqual([]);
    expect(fields(validateCommand(enroll('XYZ')))).toContain('plan.currency');
  });

  it('given a date field, when it is impossible or malformed, then one calendar message names it (marked by the schema, not by its name)', () => {
    expect(validateCommand(invoice(1, '2026-02-30'))).toEqual([{ field: 'dueDate', message: 'is not a calendar date (YYYY-MM-DD)' }]);
    expect(fields(validateCommand(invoice(1, 'soon')))).toEqual(['dueDate']);
    expect(fields(validateCommand(invoice(1, '2026-01-31', '2026-13')))).toEqual(['period']);
    // A date nested in a list item is found the same way.
    const plan = { type: 'ProposeRetentionPlan', data: { caseId: 'c1', actions: [{ owner: 'client', description: 'd', dueDate: '2026-02-31' }], at } };
    expect(validateCommand(plan)).toEqual([{ field: 'actions.0.dueDate', message: 'is not a calendar date (YYYY-MM-DD)' }]);
    expect(validateEventData('InvoiceIssued', { subscriberId: 's1', occurredAt: '2026-02-30T00:00:00Z', invoiceId: 'i', period: '2026-01', amount: 1, dueDate: '2026-01-31' })).toEqual({
      valid: false,
      errors: [{ field: 'occurredAt', message: 'is not an ISO-8601 instant' }],
    });
  });

  it('given a list, then more than list.maxItems items are refused', () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `i${i}`);
    const writeOff = (n: number) => ({ type: 'WriteOffDebt', data: { subscriberId: 's1', invoiceIds: ids(n), at } });
    expect(validateCommand(writeOff(CONTRACT_LIMITS.list.maxItems))).toEqual([]);
    expect(fields(validateCommand(writeOff(CONTRACT_LIMITS.list.maxItems + 1)))).toEqual(['invoiceIds']);
  });
});
