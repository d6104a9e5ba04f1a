import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { registerDecorator, ValidateIf, type ValidationArguments, type ValidationOptions } from 'class-validator';
import { isCalendarDate, isInstant } from '@libs/domain';
import { RequestValidationError, type FieldProblem } from './problem.js';

/** Most field errors reported for one request: enough to fix it, bounded for hostile input. */
const MAX_FIELD_ERRORS = 50;

/** Flattens class-validator's tree into dotted paths (`plan.monthlyFee`, `actions.0.owner`). */
export function flattenValidationErrors(errors: readonly ValidationError[], parent = ''): FieldProblem[] {
  const out: FieldProblem[] = [];
  const visit = (list: readonly ValidationError[], prefix: string): void => {
    for (const error of list) {
      if (out.length >= MAX_FIELD_ERRORS) return;
      const field = prefix ? `${prefix}.${error.property}` : error.property;
      for (const [constraint, message] of Object.entries(error.constraints ?? {})) {
        // class-validator prefixes messages with the property (or "property x should not exist"): keep them readable.
        out.push({ field, message: constraint === 'whitelistValidation' ? 'is not allowed' : stripProperty(message, error.property) });
        if (out.length >= MAX_FIELD_ERRORS) return;
      }
      if (error.children?.length) visit(error.children, field);
    }
  };
  visit(errors, parent);
  return out;
}

function stripProperty(message: string, property: string): string {
  return message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
}

/** The global pipe: unknown fields refused, nested objects validated, plain JSON turned into DTO classes. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    // Numbers must arrive as JSON numbers: "100" is not an amount.
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    stopAtFirstError: false,
    exceptionFactory: (errors) => new RequestValidationError(flattenValidationErrors(errors)),
  });
}

/** Characters the store cannot keep verbatim (NUL, lone surrogates) and other control characters. */
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Names, codes, ids: no line breaks either. */
// eslint-disable-next-line no-control-regex
const UNSAFE_LINE_CHARS = /[\u0000-\u001F\u007F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Aggregate ids become stream names (`subscriber-<id>`), so they follow the store's stream-name alphabet. */
export const AGGREGATE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,119}$/;

/** Text that is not blank (unless `allowEmpty`), at most `max` characters, storable as is. */
export function IsText(max: number, options: { allowEmpty?: boolean; singleLine?: boolean } = {}, validationOptions?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isText',
      target: object.constructor,
      propertyName,
      options: validationOptions,
      // Read back by the OpenAPI document (openapi/validator-schema.ts).
      constraints: [max, options.allowEmpty === true],
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'string' || value.length > max) return false;
          if (!options.allowEmpty && value.trim() === '') return false;
          return !(options.singleLine ? UNSAFE_LINE_CHARS : UNSAFE_CHARS).test(value);
        },
        defaultMessage(args: ValidationArguments) {
          const v = args.value;
          if (typeof v !== 'string') return 'must be a string';
          if (v.length > max) return `must be at most ${max} characters`;
          if (!options.allowEmpty && v.trim() === '') return 'must not be blank';
          return 'contains characters that are not allowed (control characters, NUL or lone surrogates)';
        },
      },
    });
}

/** An aggregate id: 1–120 characters of `A-Z a-z 0-9 _ . : @ -`, starting with a letter or digit. */
export function IsAggregateId(validationOptions?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isAggregateId',
      target: object.constructor,
      propertyName,
      options: validationOptions,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && AGGREGATE_ID_PATTERN.test(value),
        defaultMessage: () => 'must be 1-120 characters of letters, digits and _ . : @ - (starting with a letter or digit)',
      },
    });
}

/** An identifier of something inside an aggregate (invoice, sales rep): 1–200 characters on one line. */
export function IsIdentifier(validationOptions?: ValidationOptions) {
  return IsText(200, { singleLine: true }, validationOptions);
}

/** ISO-8601 instant with a zone designator, calendar-valid (2026-02-30T… is refused). */
export function IsInstant(validationOptions?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isInstant',
      target: object.constructor,
      propertyName,
      options: validationOptions,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && value.length <= 40 && isInstant(value) && isCalendarDate(value.slice(0, 10)),
        defaultMessage: () => 'must be an ISO-8601 instant with a zone, e.g. 2026-01-31T10:00:00Z',
      },
    });
}

/** Calendar date `YYYY-MM-DD` that exists. */
export function IsCalendarDate(validationOptions?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isCalendarDate',
      target: object.constructor,
      propertyName,
      options: validationOptions,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isCalendarDate(value),
        defaultMessage: () => 'must be a calendar date YYYY-MM-DD',
      },
    });
}

/** Calendar month `YYYY-MM`. */
export function IsPeriod(validationOptions?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isPeriod',
      target: object.constructor,
      propertyName,
      options: validationOptions,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && /^\d{4}-(0[1-9]|1[0-2])$/.test(value),
        defaultMessage: () => 'must be a calendar month YYYY-MM',
      },
    });
}

/** Largest amount accepted, in minor units (exclusive): far below 2^53, far above any real invoice. */
export const MAX_MINOR_UNITS = 1_000_000_000_000;

/** Integer minor units, `min` ≤ value < 10^12. */
export function IsMinorUnits(min: 0 | 1, validationOptions?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isMinorUnits',
      target: object.constructor,
      propertyName,
      options: validationOptions,
      constraints: [min],
      validator: {
        validate: (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value >= min && value < MAX_MINOR_UNITS,
        defaultMessage: () => `must be an integer number of minor units (cents), ${min === 1 ? 'at least 1' : 'at least 0'} and below 10^12`,
      },
    });
}

/** A non-negative integer count (days, minutes) up to `max`. */
export function IsCount(max: number, validationOptions?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isCount',
      target: object.constructor,
      propertyName,
      options: validationOptions,
      constraints: [max],
      validator: {
        validate: (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max,
        defaultMessage: () => `must be an integer from 0 to ${max}`,
      },
    });
}

/** ISO-4217 active currency codes. */
export const CURRENCIES = [
  'AED', 'AFN', 'ALL', 'AMD', 'ANG', 'AOA', 'ARS', 'AUD', 'AWG', 'AZN', 'BAM', 'BBD', 'BDT', 'BGN', 'BHD', 'BIF', 'BMD', 'BND', 'BOB',
  'BRL', 'BSD', 'BTN', 'BWP', 'BYN', 'BZD', 'CAD', 'CDF', 'CHF', 'CLP', 'CNY', 'COP', 'CRC', 'CUP', 'CVE', 'CZK', 'DJF', 'DKK', 'DOP',
  'DZD', 'EGP', 'ERN', 'ETB', 'EUR', 'FJD', 'FKP', 'GBP', 'GEL', 'GHS', 'GIP', 'GMD', 'GNF', 'GTQ', 'GYD', 'HKD', 'HNL', 'HTG', 'HUF',
  'IDR', 'ILS', 'INR', 'IQD', 'IRR', 'ISK', 'JMD', 'JOD', 'JPY', 'KES', 'KGS', 'KHR', 'KMF', 'KPW', 'KRW', 'KWD', 'KYD', 'KZT', 'LAK',
  'LBP', 'LKR', 'LRD', 'LSL', 'LYD', 'MAD', 'MDL', 'MGA', 'MKD', 'MMK', 'MNT', 'MOP', 'MRU', 'MUR', 'MVR', 'MWK', 'MXN', 'MYR', 'MZN',
  'NAD', 'NGN', 'NIO', 'NOK', 'NPR', 'NZD', 'OMR', 'PAB', 'PEN', 'PGK', 'PHP', 'PKR', 'PLN', 'PYG', 'QAR', 'RON', 'RSD', 'RUB', 'RWF',
  'SAR', 'SBD', 'SCR', 'SDG', 'SEK', 'SGD', 'SHP', 'SLE', 'SOS', 'SRD', 'SSP', 'STN', 'SVC', 'SYP', 'SZL', 'THB', 'TJS', 'TMT', 'TND',
  'TOP', 'TRY', 'TTD', 'TWD', 'TZS', 'UAH', 'UGX', 'USD', 'UYU', 'UZS', 'VES', 'VND', 'VUV', 'WST', 'XAF', 'XCD', 'XOF', 'XPF', 'YER',
  'ZAR', 'ZMW', 'ZWL',
] as const;
const CURRENCY_SET: ReadonlySet<string> = new Set(CURRENCIES);

/** A known ISO-4217 code (three upper-case letters). */
export function IsCurrency(validationOptions?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isCurrency',
      target: object.constructor,
      propertyName,
      options: validationOptions,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && CURRENCY_SET.has(value),
        defaultMessage: () => 'must be an ISO-4217 currency code (three upper-case letters, e.g. EUR)',
      },
    });
}

/** Turns a validated DTO (class instances, absent optionals) into the plain JSON the domain and the store take. */
export function toPlain<T extends object>(dto: T): Record<string, unknown> {
  return JSON.parse(JSON.stringify(dto)) as Record<string, unknown>;
}

/**
 * Optional field: skipped when absent, but `null` is validated (and refused) like any other
 * value — unlike `@IsOptional()`, which would let `null` through to the domain.
 */
export function Optional(validationOptions?: ValidationOptions): PropertyDecorator {
  return ValidateIf((object: Record<string, unknown>, value: unknown) => value !== undefined, validationOptions);
}
