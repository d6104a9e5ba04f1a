import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { ArrayMaxSize, registerDecorator, ValidateIf, type ValidationArguments, type ValidationOptions } from 'class-validator';
import { CONTRACT_LIMITS as L, CURRENCIES, isCalendarDate, isInstant } from '@libs/domain';
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

/** Aggregate ids become stream names (`subscriber-<id>`): the kit's pattern, compiled once. */
export const AGGREGATE_ID_PATTERN = new RegExp(L.aggregateId.pattern);
const PERIOD_RE = new RegExp(L.month.pattern);

/** The kit's text types: one line or free text, blank allowed or not. */
export type TextType = 'line' | 'anyLine' | 'text' | 'anyText';

/**
 * Text of one of the kit's text types (its length and blankness), storable as is. `line` types
 * also refuse line breaks. The OpenAPI fragment is the kit's type (openapi/validator-schema.ts).
 */
export function IsText(type: TextType, validationOptions?: ValidationOptions): PropertyDecorator;
/** Text outside the domain's contracts (webhook descriptions): its own bound. */
export function IsText(max: number, options?: { allowEmpty?: boolean; singleLine?: boolean }, validationOptions?: ValidationOptions): PropertyDecorator;
export function IsText(
  kind: TextType | number,
  optionsOrValidation?: ValidationOptions | { allowEmpty?: boolean; singleLine?: boolean },
  extraValidation?: ValidationOptions,
): PropertyDecorator {
  const own = typeof kind === 'number' ? ((optionsOrValidation ?? {}) as { allowEmpty?: boolean; singleLine?: boolean }) : undefined;
  const validationOptions = own ? extraValidation : (optionsOrValidation as ValidationOptions | undefined);
  const singleLine = own ? own.singleLine === true : kind === 'line' || kind === 'anyLine';
  const allowEmpty = own ? own.allowEmpty === true : kind === 'anyLine' || kind === 'anyText';
  const max = typeof kind === 'number' ? kind : L[singleLine ? 'line' : 'text'].maxLength;
  return (object: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isText',
      target: object.constructor,
      propertyName: String(propertyName),
      options: validationOptions,
      // Read back by the OpenAPI document (openapi/validator-schema.ts) and the bounds spec.
      constraints: [kind, allowEmpty],
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'string' || value.length > max) return false;
          if (!allowEmpty && value.trim() === '') return false;
          return !(singleLine ? UNSAFE_LINE_CHARS : UNSAFE_CHARS).test(value);
        },
        defaultMessage(args: ValidationArguments) {
          const v = args.value;
          if (typeof v !== 'string') return 'must be a string';
          if (v.length > max) return `must be at most ${max} characters`;
          if (!allowEmpty && v.trim() === '') return 'must not be blank';
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
        defaultMessage: () => `must be 1-${L.aggregateId.maxLength} characters of letters, digits and _ . : @ - (starting with a letter or digit)`,
      },
    });
}

/** An identifier of something inside an aggregate (invoice, sales rep, plan code): the kit's `id`, one line. */
export function IsIdentifier(validationOptions?: ValidationOptions) {
  return IsText('line', validationOptions);
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
        validate: (value: unknown) =>
          typeof value === 'string' && value.length <= L.instant.maxLength && isInstant(value) && isCalendarDate(value.slice(0, 10)),
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

/** Calendar month `YYYY-MM` (the kit's `month` pattern). */
export function IsPeriod(validationOptions?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isPeriod',
      target: object.constructor,
      propertyName,
      options: validationOptions,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && PERIOD_RE.test(value),
        defaultMessage: () => 'must be a calendar month YYYY-MM',
      },
    });
}

/** Integer minor units, `min` ≤ value ≤ the kit's `money.maximum` (below 10^12). */
export function IsMinorUnits(min: 0 | 1, validationOptions?: ValidationOptions) {
  const max = L.money.maximum;
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isMinorUnits',
      target: object.constructor,
      propertyName,
      options: validationOptions,
      constraints: [min],
      validator: {
        validate: (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max,
        defaultMessage: () => `must be an integer number of minor units (cents), at least ${min} and below ${max + 1}`,
      },
    });
}

/** A non-negative integer count of one of the kit's kinds (notice days, minutes). */
export function IsCount(kind: 'noticeDays' | 'minutes', validationOptions?: ValidationOptions) {
  const max = L[kind].maximum;
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isCount',
      target: object.constructor,
      propertyName,
      options: validationOptions,
      constraints: [kind],
      validator: {
        validate: (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max,
        defaultMessage: () => `must be an integer from 0 to ${max}`,
      },
    });
}

/** At most the kit's `list.maxItems` items. */
export function ListMaxSize(validationOptions?: ValidationOptions): PropertyDecorator {
  return ArrayMaxSize(L.list.maxItems, validationOptions);
}

const CURRENCY_SET: ReadonlySet<string> = new Set(CURRENCIES);

/** A known ISO-4217 code (the kit's list). */
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

/**
 * Optional field: skipped when absent, but `null` is validated (and refused) like any other
 * value — unlike `@IsOptional()`, which would let `null` through to the domain.
 */
export function Optional(validationOptions?: ValidationOptions): PropertyDecorator {
  return ValidateIf((object: Record<string, unknown>, value: unknown) => value !== undefined, validationOptions);
}
