import { en, type MessageKey, type Messages } from './en.js';
import { es } from './es.js';
import type { Locale } from '../lib/format.js';

export type { MessageKey, Messages };
export const MESSAGES: Record<Locale, Messages> = { en, es };
export const LOCALES: readonly Locale[] = ['en', 'es'];

/** Fills `{name}` placeholders; an unknown placeholder stays visible rather than vanishing. */
export function interpolate(template: string, values: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

export function translate(locale: Locale, key: MessageKey, values?: Record<string, string | number>): string {
  return interpolate(MESSAGES[locale][key] ?? MESSAGES.en[key], values);
}

/** The browser's first language we speak; Spanish for any es-* tag. */
export function detectLocale(languages: readonly string[]): Locale {
  for (const tag of languages) {
    const base = tag.toLowerCase().split('-')[0];
    if (base === 'es') return 'es';
    if (base === 'en') return 'en';
  }
  return 'en';
}
