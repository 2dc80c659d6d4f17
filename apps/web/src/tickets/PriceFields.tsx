import type { TicketingInput } from '@earshot/protocol';
import { useId } from 'react';
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
  if (priceMinor === null || priceMinor <= 0) return { problem: 'Enter a price such as 4.99.' };
  const capacity = Number(d.capacity);
  if (!Number.isInteger(capacity) || capacity < 1) return { problem: 'Tickets: a whole number, at least 1.' };
  return { ticketing: { priceMinor, currency: d.currency, capacity }, problem: null };
}

/** "Sell tickets" on New Space: price, currency and how many. */
export function PriceFields({ value, onChange }: { value: PriceDraft; onChange: (d: PriceDraft) => void }) {
  const base = useId();
  const { problem } = readPrice(value);
  return (
    <fieldset className="field radio-group price-fields">
      <legend>Tickets</legend>
      <label className="choice">
        <input
          type="checkbox"
          checked={value.on}
          onChange={(e) => onChange({ ...value, on: e.target.checked })}
          data-testid="sell-tickets"
        />
        <span>
          <span className="choice-label">Sell tickets</span>
          <span className="hint">Only ticket holders can listen. Price and number are fixed after the first sale.</span>
        </span>
      </label>
      {value.on && (
        <div className="price-row">
          <div className="field">
            <label htmlFor={`${base}-price`}>Price</label>
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
            <label htmlFor={`${base}-currency`}>Currency</label>
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
            <label htmlFor={`${base}-capacity`}>Tickets</label>
            <input
              id={`${base}-capacity`}
              inputMode="numeric"
              value={value.capacity}
              onChange={(e) => onChange({ ...value, capacity: e.target.value })}
              autoComplete="off"
            />
          </div>
          <small id={`${base}-problem`} className={problem ? 'counter over' : 'hint'}>
            {problem ?? 'The host keeps 97% of ticket sales (80% beyond $50,000 lifetime).'}
          </small>
        </div>
      )}
    </fieldset>
  );
}
