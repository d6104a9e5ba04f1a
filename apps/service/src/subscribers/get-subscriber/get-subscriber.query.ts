import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { AsOfOptions, LifecycleService, SubscriberDetails } from '@libs/application';
import { LIFECYCLE_SERVICE } from '../../infrastructure/tokens.js';

/** A subscriber's state folded from its stream: latest, or as of an instant / a version. */
export class GetSubscriberQuery extends Query<SubscriberDetails> {
  constructor(
    readonly subscriberId: string,
    readonly options: AsOfOptions,
  ) {
    super();
  }
}

/** Answers GetSubscriberQuery from the event stream (strongly consistent, not a read model). */
@QueryHandler(GetSubscriberQuery)
export class GetSubscriberHandler implements IQueryHandler<GetSubscriberQuery> {
  constructor(@Inject(LIFECYCLE_SERVICE) private readonly lifecycle: LifecycleService) {}

  execute({ subscriberId, options }: GetSubscriberQuery): Promise<SubscriberDetails> {
    return this.lifecycle.getSubscriber(subscriberId, options);
  }
}
