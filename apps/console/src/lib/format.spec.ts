import { addMonths, formatMoney, formatMoneyByCurrency, formatPercent, lastCompleteMonth, minorToDecimal } from './format.js';

describe('money formatting', () => {
  it('turns minor units into a decimal without floating point, by the currency’s digits', () => {
    expect(minorToDecimal(30000, 'EUR')).toBe('300.00');
    expect(minorToDecimal(5, 'EUR')).toBe('0.05');
    expect(minorToDecimal(-60001, 'USD')).toBe('-600.01');
    expect(minorToDecimal(1234, 'JPY')).toBe('1234');
    expect(minorToDecimal(1234, 'KWD')).toBe('1.234');
    expect(minorToDecimal(9007199254740991, 'EUR')).toBe('90071992547409.91');
  });

  it('formats in the reader’s language, in the subscriber’s currency', () => {
    expect(formatMoney(30000, 'EUR', 'en')).toBe('€300.00');
    expect(formatMoney(30000, 'EUR', 'es')).toBe('300,00\u00a0€');
    expect(formatMoney(123456, 'USD', 'es')).toMatch(/^1234,56\u00a0US\$$|^1\.234,56\u00a0US\$$/);
    expect(formatMoney(null, 'EUR', 'en')).toBe('—');
  });

  it('never sums currencies: each total keeps its own', () => {
    expect(formatMoneyByCurrency({ EUR: 30000, USD: 12000 }, 'en')).toBe('€300.00 · US$120.00');
  });

  it('shows an unknown currency as a plain decimal rather than failing', () => {
    expect(formatMoney(30000, '', 'en')).toBe('300.00');
  });
});

describe('percentages and months', () => {
  it('formats ratios and leaves unknowns visible as a dash', () => {
    expect(formatPercent(0.125, 'en')).toBe('12.5%');
    expect(formatPercent(0.125, 'es')).toBe('12,5\u00a0%');
    expect(formatPercent(null, 'en')).toBe('—');
  });

  it('counts months across years and finds the last complete month', () => {
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(addMonths('2025-11', 14)).toBe('2027-01');
    expect(lastCompleteMonth(new Date('2026-12-07T02:00:00Z'))).toBe('2026-11');
    expect(lastCompleteMonth(new Date('2026-01-01T00:00:00Z'))).toBe('2025-12');
  });
});
