import { chooseCurrency, useCurrencyChoice } from '../api/currency.js';
import { useI18n } from '../i18n/i18n.js';

/** Shown only when the log holds more than one currency: money is never summed across them. */
export function CurrencyPicker() {
  const { t } = useI18n();
  const { currency, known } = useCurrencyChoice();
  if (known.length < 2) return null;
  return (
    <label>
      {t('common.currency')}{' '}
      <select name="currency" value={currency ?? known[0]} onChange={(e) => chooseCurrency(e.target.value)}>
        {known.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </select>
    </label>
  );
}
