import { RequestValidationError } from '../http/problem.js';

// The envelope is defined once, in @libs/relay: the feed, history and every push sink send it.
export { toEnvelope, type EventEnvelope } from '@libs/relay';

/** One `{field, message}` of a 400 answer (api.md conventions). */
export interface FieldError {
  field: string;
  message: string;
}

/** Throws the 400 the global problem+json filter answers with `errors: [{field, message}]`. */
export function invalidInput(errors: FieldError[]): never {
  throw new RequestValidationError(errors);
}
