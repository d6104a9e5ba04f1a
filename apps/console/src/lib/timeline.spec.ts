import { actorOf, describeEvent, isAfter, KNOWN_EVENT_TYPES } from './timeline.js';

const sample = (type: string) => ({ type, data: { subscriberId: 's-1', invoiceId: '2026-11', amount: 30000, outstanding: 60000, reason: 'non_payment' } });

describe('timeline sentences', () => {
  it('says a payment and a suspension in plain words, in both languages', () => {
    expect(describeEvent({ type: 'PaymentReceived', data: { invoiceId: '2026-11', amount: 30000 } }, { locale: 'en', currency: 'EUR' })).toBe(
      'Payment of €300.00 received for invoice 2026-11',
    );
    expect(describeEvent({ type: 'PaymentReceived', data: { invoiceId: '2026-11', amount: 30000 } }, { locale: 'es', currency: 'EUR' })).toBe(
      'Pago de 300,00\u00a0€ recibido para la factura 2026-11',
    );
    expect(describeEvent({ type: 'ServiceSuspended', data: { reason: 'non_payment', outstanding: 60000 } }, { locale: 'en', currency: 'EUR' })).toBe(
      'Service suspended for non-payment; €600.00 outstanding',
    );
    expect(describeEvent({ type: 'DebtWrittenOff', data: { amount: 60000, invoiceIds: ['a', 'b'] } }, { locale: 'en', currency: 'EUR' })).toBe(
      '€600.00 written off (invoices a, b)',
    );
  });

  it.each(KNOWN_EVENT_TYPES)('has a sentence of its own for %s in English and Spanish', (type) => {
    const en = describeEvent(sample(type), { locale: 'en', currency: 'EUR' });
    const es = describeEvent(sample(type), { locale: 'es', currency: 'EUR' });
    expect(en).not.toBe(`${type} event`);
    expect(es).not.toBe(`Evento ${type}`);
    expect(en).not.toBe(es);
  });

  it('shows an event type it does not know instead of hiding it', () => {
    expect(describeEvent({ type: 'SomethingNew', data: {} }, { locale: 'en', currency: 'EUR' })).toBe('SomethingNew event');
  });

  it('reads who acted from the metadata, and greys what came after the chosen instant', () => {
    expect(actorOf({ metadata: { actor: 'key-1', role: 'operator' } })).toEqual({ actor: 'key-1', role: 'operator' });
    expect(actorOf({ metadata: { actor: 'key-1', role: ['operator', 'executive'] } }).role).toBe('operator, executive');
    expect(isAfter({ occurredAt: '2026-03-02T00:00:00Z' }, '2026-03-01T00:00:00Z')).toBe(true);
    expect(isAfter({ occurredAt: '2026-03-01T00:00:00Z' }, '2026-03-01T00:00:00Z')).toBe(false);
    expect(isAfter({ occurredAt: '2026-03-02T00:00:00Z' }, null)).toBe(false);
  });
});
