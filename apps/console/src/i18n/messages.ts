import { en as base } from './en.js';
import { es as baseEs } from './es.js';
import { formsEn, formsEs } from './forms.js';
import { opsEn, opsEs } from './operations.js';
import type { Locale } from '../lib/format.js';

// One dictionary per language: the screens' words (en.ts/es.ts), the forms' (forms.ts) and the
// operations screens' (operations.ts). Spanish is typed by the English keys, so none is missing.
const en = { ...base, ...formsEn, ...opsEn };
export type MessageKey = keyof typeof en;
export type Messages = Record<MessageKey, string>;
const es: Messages = { ...baseEs, ...formsEs, ...opsEs };

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
