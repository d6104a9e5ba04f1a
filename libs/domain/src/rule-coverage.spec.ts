/**
 * Completeness of the domain's specs: every rule code (domain.md §4–§5 and the additional ones)
 * is refused by at least one given/when/then spec and raised somewhere in the deciders, and the
 * upcaster example — an old event version upcast on read — holds.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventContracts, upcastEvent, validateEventData } from './contracts/registry.js';
import { ADDITIONAL_RULE_CODES, SPEC_RULE_CODES } from './shared/errors.js';
import { foldSubscriber } from './subscriber/evolve.js';
import { enrolled, invoiced, SUB } from './testing/fixtures.js';
import type { SubscriberEvent } from './contracts/events.js';

const SRC = dirname(fileURLToPath(import.meta.url));

function filesUnder(dir: string, accept: (name: string) => boolean): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesUnder(path, accept);
    return accept(name) ? [path] : [];
  });
}

/** Codes the given/when/then specs expect a refusal with: `.then('code')`. */
function codesRefusedBySpecs(): Set<string> {
  const codes = new Set<string>();
  for (const file of filesUnder(SRC, (n) => n.endsWith('.spec.ts'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/\.then\(\s*'([a-z-]+)'\s*\)/g)) codes.add(m[1]!);
  }
  return codes;
}

/** Codes the deciders can raise: `refuse('code', …)` or `doneOrRefuse(auto, 'code', …)`. */
function codesRaisedByDeciders(): Set<string> {
  const codes = new Set<string>();
  for (const file of filesUnder(SRC, (n) => n.endsWith('.ts') && !n.endsWith('.spec.ts'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/(?:\brefuse\(|\bdoneOrRefuse\(\s*[\w.]+\s*,)\s*'([a-z-]+)'/g)) codes.add(m[1]!);
  }
  return codes;
}

describe('rule coverage', () => {
  const refused = codesRefusedBySpecs();
  const raised = codesRaisedByDeciders();

  it.each([...SPEC_RULE_CODES])('spec rule %s has a given/when/then spec refusing with it', (code) => {
    expect(refused.has(code)).toBe(true);
  });

  it.each([...ADDITIONAL_RULE_CODES])('additional rule %s has a given/when/then spec refusing with it', (code) => {
    expect(refused.has(code)).toBe(true);
  });

  it('every code a decider raises is a declared rule code, and every declared code is raised', () => {
    const declared = new Set<string>([...SPEC_RULE_CODES, ...ADDITIONAL_RULE_CODES]);
    expect([...raised].filter((c) => !declared.has(c))).toEqual([]);
    expect([...declared].filter((c) => !raised.has(c))).toEqual([]);
  });
});

describe('upcasting on read: PaymentReminderSent v1 → v2', () => {
  const v1 = { subscriberId: SUB, occurredAt: '2026-01-11T00:00:00.000Z', invoiceId: 'inv-1' };

  it('the contract knows both versions and validates each with its own schema', () => {
    expect(eventContracts.PaymentReminderSent.schemaVersion).toBe(2);
    expect(validateEventData('PaymentReminderSent', v1, 1)).toEqual({ valid: true });
    // A v1 payload is not a valid v2 event: the tone is missing.
    expect(validateEventData('PaymentReminderSent', v1).valid).toBe(false);
  });

  it('a stored v1 event reads as a friendly reminder at the current version', () => {
    const up = upcastEvent({ type: 'PaymentReminderSent', data: v1, schemaVersion: 1 });
    expect(up).toEqual({ type: 'PaymentReminderSent', schemaVersion: 2, data: { ...v1, tone: 'friendly' } });
    expect(validateEventData(up.type, up.data)).toEqual({ valid: true });
  });

  it('an event without schemaVersion (written before versioning) counts as v1', () => {
    expect(upcastEvent({ type: 'PaymentReminderSent', data: v1 }).data).toEqual({ ...v1, tone: 'friendly' });
  });

  it('a current event is left as it is', () => {
    const v2 = { ...v1, tone: 'final' };
    expect(upcastEvent({ type: 'PaymentReminderSent', data: v2, schemaVersion: 2 })).toEqual({ type: 'PaymentReminderSent', schemaVersion: 2, data: v2 });
    // Event types that never changed are at version 1 and pass through.
    const issued = invoiced().data;
    expect(upcastEvent({ type: 'InvoiceIssued', data: issued, schemaVersion: 1 }).data).toEqual(issued);
  });

  it('the upcast event folds like a current one', () => {
    const up = upcastEvent({ type: 'PaymentReminderSent', data: v1, schemaVersion: 1 }) as SubscriberEvent;
    const state = foldSubscriber([enrolled(), invoiced(), up]);
    expect(state.invoices['inv-1']?.reminders).toEqual([{ tone: 'friendly', at: v1.occurredAt }]);
  });

  it('refuses unknown types and versions newer than the code', () => {
    expect(() => upcastEvent({ type: 'NoSuchEvent', data: {} })).toThrow(TypeError);
    expect(() => upcastEvent({ type: 'PaymentReminderSent', data: v1, schemaVersion: 3 })).toThrow(TypeError);
    expect(() => upcastEvent({ type: 'PaymentReminderSent', data: v1, schemaVersion: 0 })).toThrow(TypeError);
  });
});
