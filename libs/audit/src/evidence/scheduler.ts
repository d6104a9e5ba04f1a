/** What the evidence scheduler does each period. */
export interface EvidenceTask {
  name: string;
  run(now: Date): Promise<string | undefined>;
}

export interface EvidenceLogger {
  log(message: string): void;
  error(message: string, error?: unknown): void;
}

/**
 * Runs the audit evidence tasks (a signed checkpoint, the access log's pruning) every
 * `intervalMs`, the first one period after start (not at start: a restart loop must not sign a
 * checkpoint per restart). Runs never overlap; a failing task is logged and tried next period.
 */
export class EvidenceScheduler {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly tasks: readonly EvidenceTask[],
    private readonly intervalMs: number,
    private readonly logger: EvidenceLogger,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  start(): void {
    if (this.intervalMs <= 0) return;
    this.stopped = false;
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runNow().finally(() => {
        this.running = undefined;
        this.schedule();
      });
    }, this.intervalMs);
    this.timer.unref();
  }

  /** One run of every task (also what the timer calls). */
  async runNow(): Promise<void> {
    for (const task of this.tasks) {
      try {
        const said = await task.run(this.clock());
        if (said) this.logger.log(said);
      } catch (error) {
        this.logger.error(`${task.name} failed`, error);
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
