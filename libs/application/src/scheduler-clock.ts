import type { LifecycleApplication } from './lifecycle-application.js';

export interface SchedulerLogger {
  log(message: string): void;
  error(message: string, error?: unknown): void;
}

/**
 * Runs a scheduler pass against the real clock every `intervalMs` (`SCHEDULER=clock`). Passes never
 * overlap: a slow pass delays the next one instead of stacking up.
 */
export class ClockScheduler {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly app: LifecycleApplication,
    private readonly intervalMs: number,
    private readonly logger: SchedulerLogger,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.passNow().finally(() => {
        this.running = undefined;
        this.schedule(this.intervalMs);
      });
    }, delay);
    this.timer.unref();
  }

  private async passNow(): Promise<void> {
    try {
      const result = await this.app.tick(this.clock().toISOString());
      if (result.events.length > 0) this.logger.log(`scheduler pass ${result.now}: ${result.events.length} events for ${result.subscribersExamined} subscribers`);
    } catch (error) {
      this.logger.error('scheduler pass failed', error);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
