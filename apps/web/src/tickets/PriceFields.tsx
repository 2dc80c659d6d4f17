import type { TicketingInput } from '@earshot/protocol';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { i18n } from '../i18n';
import { CURRENCIES, parseMoney } from './money';

export interface PriceDraft {
  on: boolean;
  price: string;
  currency: string;
  capacity: string;
}
export const emptyPrice: PriceDraft = { on: false, price: '5.00', currency: 'USD', capacity: '100' };

/** The draft as the API's ticketing, or a problem to show (null ticketing = a free Space). */
export function readPrice(d: PriceDraft): { ticketing?: TicketingInput; problem: string | null } {
  if (!d.on) return { problem: null };
  const priceMinor = parseMoney(d.price, d.currency);
  if (priceMinor === null || priceMinor <= 0)
    return { problem: i18n.t('tickets.enterPrice', { example: (4.99).toLocaleString(i18n.language) }) };
  const capacity = Number(d.capacity);
  if (!Number.isInteger(capacity) || capacity < 1) return { problem: i18n.t('tickets.wholeNumber') };
  return { ticketing: { priceMinor, currency: d.currency, capacity }, problem: null };
}

/** "Sell tickets" on New Space: price, currency and how many. */
export function PriceFields({ value, onChange }: { value: PriceDraft; onChange: (d: PriceDraft) => void }) {
  const base = useId();
  const { t } = useTranslation();
  const { problem } = readPrice(value);
  return (
    <fieldset className="field radio-group price-fields">
      <legend>{t('tickets.tickets')}</legend>
      <label className="choice">
        <input
          type="checkbox"
          checked={value.on}
          onChange={(e) => onChange({ ...value, on: e.target.checked })}
          data-testid="sell-tickets"
        />
        <span>
          <span className="choice-label">{t('tickets.sell')}</span>
          <span className="hint">{t('tickets.sellHint')}</span>
        </span>
      </label>
      {value.on && (
        <div className="price-row">
          <div className="field">
            <label htmlFor={`${base}-price`}>{t('tickets.price')}</label>
            <input
              id={`${base}-price`}
              inputMode="decimal"
              value={value.price}
              onChange={(e) => onChange({ ...value, price: e.target.value })}
              aria-invalid={!!problem || undefined}
              aria-describedby={`${base}-problem`}
              autoComplete="off"
            />
          </div>
          <div className="field">
            <label htmlFor={`${base}-currency`}>{t('tickets.currency')}</label>
            <select
              id={`${base}-currency`}
              value={value.currency}
              onChange={(e) => onChange({ ...value, currency: e.target.value })}
            >
              {CURRENCIES.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${base}-capacity`}>{t('tickets.tickets')}</label>
            <input
              id={`${base}-capacity`}
              inputMode="numeric"
              value={value.capacity}
              onChange={(e) => onChange({ ...value, capacity: e.target.value })}
              autoComplete="off"
            />
          </div>
          <small id={`${base}-problem`} className={problem ? 'counter over' : 'hint'}>
            {problem ?? t('tickets.share')}
          </small>
        </div>
      )}
    </fieldset>
  );
}
