/**
 * Given/when/then for deciders: `given(events).when(command, context?).then(events | code)`.
 * Framework-agnostic (node:assert), so it also works outside jest. Every event a decider produces
 * is also checked against its published contract.
 *
 * NB: `.then` here is a plain method, not a promise: call it with an argument, don't `await` the
 * result of `.when(...)`.
 */
import assert from 'node:assert/strict';
import type { CaseCommand, SubscriberCommand } from '../contracts/commands.js';
import type { CaseEvent, SubscriberEvent } from '../contracts/events.js';
import { validateEventData } from '../contracts/registry.js';
import { caseDecider, type CaseContext } from '../case/decide.js';
import type { Decider } from '../shared/decider.js';
import { CommandValidationError, DomainError, type DomainErrorCode } from '../shared/errors.js';
import { subscriberDecider, type SubscriberContext } from '../subscriber/decide.js';
import { defaultDunningPolicy } from '../dunning/policy.js';

export type Expectation<E> = readonly E[] | DomainErrorCode | 'invalid-command';

export interface When<E, S> {
  /** Asserts the produced events (deep equality) or the refusal code. */
  then(expected: Expectation<E>): void;
  /** The produced events (throws whatever decide throws). */
  events(): E[];
  /** The state after applying the produced events. */
  state(): S;
}

export interface Given<C, E, S, Ctx> {
  when(command: C, context?: Partial<Ctx>): When<E, S>;
  /** The state the given events fold to. */
  state(): S;
}

function scenario<C, E extends { type: string; data: unknown }, S, Ctx>(decider: Decider<C, E, S, Ctx>, defaultContext: Ctx) {
  return function given(history: readonly E[] = []): Given<C, E, S, Ctx> {
    const fold = (events: readonly E[], from: S) => events.reduce((s, e) => decider.evolve(s, e), from);
    const initial = fold(history, decider.initialState());
    return {
      state: () => initial,
      when(command: C, context?: Partial<Ctx>): When<E, S> {
        const ctx = { ...defaultContext, ...(context ?? {}) } as Ctx;
        const run = () => decider.decide(command, initial, ctx);
        return {
          events: run,
          state: () => fold(run(), initial),
          then(expected: Expectation<E>): void {
            const snapshot = JSON.stringify(initial);
            if (typeof expected === 'string') {
              let produced: E[] | undefined;
              try {
                produced = run();
              } catch (e) {
                if (expected === 'invalid-command') {
                  assert.ok(e instanceof CommandValidationError, `expected a CommandValidationError, got ${String(e)}`);
                } else {
                  assert.ok(e instanceof DomainError, `expected DomainError(${expected}), got ${String(e)}`);
                  assert.equal(e.code, expected, `expected refusal ${expected}, got ${e.code}: ${e.message}`);
                }
                assert.equal(JSON.stringify(initial), snapshot, 'a refused command must not change the state');
                return;
              }
              assert.fail(`expected refusal ${expected}, but decided ${JSON.stringify(produced.map((p) => p.type))}`);
            }
            const produced = run();
            for (const e of produced) {
              const v = validateEventData(e.type, e.data);
              assert.ok(v.valid, `${e.type} does not match its contract: ${JSON.stringify(v.valid ? [] : v.errors)}`);
            }
            assert.deepStrictEqual(produced, [...expected]);
            assert.equal(JSON.stringify(initial), snapshot, 'decide must not mutate the state');
          },
        };
      },
    };
  };
}

/** `given(events).when(command).then(...)` for the subscriber (default dunning policy). */
export const givenSubscriber = scenario<SubscriberCommand, SubscriberEvent, ReturnType<typeof subscriberDecider.initialState>, SubscriberContext>(
  subscriberDecider,
  { policy: defaultDunningPolicy },
);

/** Default case context: a b2c active subscriber without contractual notice days, operator role. */
export const defaultCaseContext: CaseContext = { subscriber: { status: 'active', segment: 'b2c', noticeDays: null }, role: 'operator', openCaseKinds: [] };

/** `given(events).when(command, context?).then(...)` for a case. */
export const givenCase = scenario<CaseCommand, CaseEvent, ReturnType<typeof caseDecider.initialState>, CaseContext>(caseDecider, defaultCaseContext);
