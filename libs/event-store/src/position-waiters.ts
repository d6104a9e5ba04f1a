import { comparePositions } from './position.js';

/**
 * Callers of a subscription's `waitFor(position)`: each resolves true once the subscription's
 * position reaches theirs, false on its timeout or when the subscription stops. One mechanism for
 * the store's own subscriptions and the shared live reader's members.
 */
export class PositionWaiters {
  private readonly waiters = new Set<{ position: string; resolve: (ok: boolean) => void }>();

  /** Resolves true at once when `current` is already at or past `position`. */
  wait(current: string, position: string, timeoutMs: number): Promise<boolean> {
    if (comparePositions(current, position) >= 0) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const waiter = {
        position,
        resolve: (ok: boolean) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(ok);
        },
      };
      const timer = setTimeout(() => waiter.resolve(false), timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** The subscription reached `position`: every waiter at or before it is answered. */
  reached(position: string): void {
    for (const waiter of [...this.waiters]) if (comparePositions(position, waiter.position) >= 0) waiter.resolve(true);
  }

  /** The subscription stopped: nobody's position will be reached. */
  cancelAll(): void {
    for (const waiter of [...this.waiters]) waiter.resolve(false);
  }
}
