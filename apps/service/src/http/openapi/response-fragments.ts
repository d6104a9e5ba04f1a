/**
 * The fragments several answers share (response-schemas.ts): written once so that a month, a
 * position or a segment reads the same in every answer of the document.
 */
import { DOMAIN_VALUES, PERIOD_PATTERN } from '@libs/domain';
import { arr, int, money, num, obj, oneOf, orNull, str } from './json-schema.js';

export const signedMoney = int({ description: 'integer minor units (cents); may be negative' });
export const month = str({ pattern: PERIOD_PATTERN, example: '2026-01' });
export const position = str({ pattern: '^(0|[1-9][0-9]*)$', description: 'global position, a decimal string', example: '1289' });
export const ratio = orNull(num({ description: 'a ratio; null when its denominator is 0' }));
export const segment = str({ enum: ['b2b', 'b2c'] });
export const segmentFilter = str({ enum: ['all', 'b2b', 'b2c'] });
export const plan = obj({ code: str(), monthlyFee: money, currency: str({ pattern: '^[A-Z]{3}$' }) });
export const flags = arr(str({ enum: ['unprofitable', 'in_default', 'open_case'] }));
export const caseKind = oneOf(DOMAIN_VALUES.caseKind);
export const reportCurrency = orNull(str({ pattern: '^[A-Z]{3}$', description: 'the one currency every figure covers (null only before the first subscriber)' }));
export const definitionsVersion = int({ minimum: 1, description: 'the definitions version these numbers follow (GET /v1/analytics/definitions)' });
