/**
 * Which currency the money screens show. The service never sums money across currencies: when the
 * log holds several, a money route answers 400 `currency-required` listing them. The console learns
 * the list from that answer, picks the first, and lets the user switch; one choice for every screen
 * (an analyst looks at one currency at a time), kept for the tab's session.
 */
import { useSyncExternalStore } from 'react';
import { ApiError } from './client.js';
import { onSessionChange } from './session.js';

const STORAGE_KEY = 'client-lifecycle.currency';

interface Choice {
  /** The chosen currency, or undefined while the log holds one (the service then picks it). */
  currency: string | undefined;
  /** The currencies in use, known once the service asked for one; empty until then. */
  known: readonly string[];
}

let choice: Choice = { currency: readStored(), known: [] };
const listeners = new Set<() => void>();

function readStored(): string | undefined {
  try {
    return sessionStorage.getItem(STORAGE_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

function set(next: Choice): void {
  choice = next;
  try {
    if (next.currency) sessionStorage.setItem(STORAGE_KEY, next.currency);
    else sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // storage unavailable: the choice lasts for this page only
  }
  for (const l of listeners) l();
}

/** The currencies a `currency-required` refusal lists, or undefined for any other error. */
export function requiredCurrencies(error: unknown): string[] | undefined {
  if (!(error instanceof ApiError) || error.code !== 'currency-required') return undefined;
  const list = error.problem?.['currencies'];
  return Array.isArray(list) && list.length > 0 && list.every((c) => typeof c === 'string') ? (list as string[]) : undefined;
}

/**
 * Runs a money request with the chosen currency; on `currency-required` it learns the list, picks
 * one (the kept choice when still in use, else the first) and rethrows — the new choice changes
 * the queries' keys, so they run again with it.
 */
export async function withCurrency<T>(run: (currency: string | undefined) => Promise<T>): Promise<T> {
  try {
    return await run(choice.currency);
  } catch (error) {
    const list = requiredCurrencies(error);
    if (list) set({ known: list, currency: choice.currency && list.includes(choice.currency) ? choice.currency : list[0] });
    throw error;
  }
}

export function chooseCurrency(currency: string): void {
  if (choice.known.includes(currency)) set({ ...choice, currency });
}

/** Forgets the choice (sign-out: another key may see another company). */
export function resetCurrency(): void {
  set({ currency: undefined, known: [] });
}

// Another key may see another company: its currencies are learnt afresh.
onSessionChange((key) => {
  if (!key) resetCurrency();
});

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useCurrencyChoice(): Choice {
  return useSyncExternalStore(subscribe, () => choice);
}
