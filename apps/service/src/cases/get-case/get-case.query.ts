import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { AsOfOptions, CaseDetails, LifecycleService } from '@libs/application';
import { LIFECYCLE_SERVICE } from '../../infrastructure/tokens.js';

/** A case's state folded from its stream: latest, or as of an instant / a version. */
export class GetCaseQuery extends Query<CaseDetails> {
  constructor(
    readonly caseId: string,
    readonly options: AsOfOptions,
  ) {
    super();
  }
}

/** Answers GetCaseQuery from the event stream. */
@QueryHandler(GetCaseQuery)
export class GetCaseHandler implements IQueryHandler<GetCaseQuery> {
  constructor(@Inject(LIFECYCLE_SERVICE) private readonly lifecycle: LifecycleService) {}

  execute({ caseId, options }: GetCaseQuery): Promise<CaseDetails> {
    return this.lifecycle.getCase(caseId, options);
  }
}
