import { Injectable, type PipeTransform } from '@nestjs/common';
import { RequestValidationError } from './problem.js';
import { AGGREGATE_ID_PATTERN } from './validation.js';

/** Validates an aggregate id in the path (`:id`), which becomes part of a stream name. */
@Injectable()
export class AggregateIdPipe implements PipeTransform<unknown, string> {
  transform(value: unknown): string {
    if (typeof value !== 'string' || !AGGREGATE_ID_PATTERN.test(value)) {
      throw new RequestValidationError([
        { field: 'id', message: 'must be 1-120 characters of letters, digits and _ . : @ - (starting with a letter or digit)' },
      ]);
    }
    return value;
  }
}
