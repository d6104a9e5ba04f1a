/**
 * Drives the application directly (no HTTP): any object with the `execute`/`tick`/`getSubscriber`
 * of `LifecycleService` (libs/application/src/types.ts). Declared structurally so this library does
 * not depend on the application's wiring.
 */
import type { DomainCommand } from '@libs/domain';
import type { SimActor, SimCommandResult, SimulationTarget, SubscriberSnapshot } from './target.js';

/** The part of `LifecycleService` the simulator uses. */
export interface LifecycleServiceLike {
  execute(
    command: DomainCommand,
    options: { actor: { id: string; role: string; roles?: readonly string[] }; idempotencyKey?: string },
  ): Promise<SimCommandResult>;
  tick(now: string, actor?: { id: string; role: string; roles?: readonly string[] }): Promise<unknown>;
  getSubscriber(subscriberId: string): Promise<SubscriberSnapshot & { openCases: Array<{ caseId: string; kind: string }> }>;
}

/** A {@link SimulationTarget} over an in-process `LifecycleService`. */
export class InProcessTarget implements SimulationTarget {
  constructor(
    private readonly service: LifecycleServiceLike,
    private readonly schedulerActor: SimActor = { id: 'simulator', role: 'admin', roles: ['admin'] },
  ) {}

  execute(command: DomainCommand, options: { actor: SimActor; idempotencyKey?: string }): Promise<SimCommandResult> {
    const { actor, idempotencyKey } = options;
    return this.service.execute(command, idempotencyKey === undefined ? { actor } : { actor, idempotencyKey });
  }

  tick(now: string): Promise<unknown> {
    return this.service.tick(now, this.schedulerActor);
  }

  async openCases(subscriberId: string): Promise<Array<{ caseId: string; kind: string }>> {
    const s = await this.service.getSubscriber(subscriberId);
    return s.openCases.map((c) => ({ caseId: c.caseId, kind: c.kind }));
  }

  getSubscriber(subscriberId: string): Promise<SubscriberSnapshot> {
    return this.service.getSubscriber(subscriberId);
  }
}
