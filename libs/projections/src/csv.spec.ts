import { csvRows, isMoneyColumn, neutraliseFormula, toCsv } from './csv.js';

describe('CSV', () => {
  it('neutralises text that a spreadsheet would run as a formula; numbers keep their sign', () => {
    const csv = toCsv([
      { name: '=HYPERLINK("http://x","y")', note: '+1', dash: '-a', at: '@SUM(A1)', tab: '\tx', cr: '\rx', ok: 'plain', balance: -2500, active: true },
    ]);
    const [header, row] = csv.split('\r\n');
    expect(header).toBe('name,note,dash,at,tab,cr,ok,balance (minor units),active');
    expect(row).toBe(`"'=HYPERLINK(""http://x"",""y"")",'+1,'-a,'@SUM(A1),'\tx,"'\rx",plain,-2500,true`);
    expect(neutraliseFormula('a=b')).toBe('a=b');
  });

  it('flattens nested objects into dotted columns, joins arrays, leaves null empty, ends lines with CRLF', () => {
    const csv = toCsv([
      { id: 'a', churned: { total: 2 }, flags: ['x', 'y'], closedAt: null },
      { id: 'b', aging: { '1-30': 5 } },
    ]);
    expect(csv).toBe('id,churned.total,flags,closedAt,aging.1-30 (minor units)\r\na,2,x;y,,\r\nb,,,,5\r\n');
  });

  it('states the unit of money columns, not of the rates derived from them', () => {
    for (const c of ['mrrAtStart', 'amountDue', 'lifetime.billed', 'trailing90Days.margin', 'arpu', 'costPerClient', 'plan.monthlyFee', 'newMrr', 'balance', 'aging.90+']) expect([c, isMoneyColumn(c)]).toEqual([c, true]);
    for (const c of ['amountDefaultRate', 'revenueChurnRate', 'lifetime.marginRatio', 'netMrrRetention', 'customersAtStart', 'month']) expect([c, isMoneyColumn(c)]).toEqual([c, false]);
  });

  it("repeats the answer's segment and currency on every row", () => {
    expect(csvRows({ segment: 'b2c', currency: 'ARS', months: [{ month: '2026-01', mrrAtEnd: 5 }] })).toEqual([{ segment: 'b2c', currency: 'ARS', month: '2026-01', mrrAtEnd: 5 }]);
    expect(csvRows({ segment: 'all', months: [{ month: '2026-01', reps: [{ salesRepId: 'r1' }] }] })).toEqual([{ segment: 'all', month: '2026-01', salesRepId: 'r1' }]);
  });
});
