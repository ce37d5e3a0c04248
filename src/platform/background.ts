import type { Logger } from './logger.ts';
import { silentLogger } from './logger.ts';
import type { Counter } from './metrics.ts';

/**
 * Where background work (timers, loops, listeners: anything no request waits for) reports an
 * error it did not expect. Such an error is logged and counted in
 * `steady_background_errors_total{task}`, and the work runs again at its next turn: it never
 * ends the process. (An uncaught error in a timer would: running out of file descriptors once
 * made reading the process's memory throw in the memory trimmer's timer, and Steady died.)
 */
export class BackgroundWork {
  #log: Logger;
  readonly #failures: Counter | undefined;
  readonly #labels = new Map<string, { task: string }>();

  constructor(options: { log?: Logger; failures?: Counter }) {
    this.#log = options.log ?? silentLogger;
    this.#failures = options.failures;
  }

  /** Logs through `log` from now on (the server's logger exists only after the framework). */
  useLogger(log: Logger): void {
    this.#log = log;
  }

  /** Records an unexpected error in background task `task`. */
  failed(task: string, error: unknown): void {
    let labels = this.#labels.get(task);
    if (labels === undefined) {
      labels = { task };
      if (this.#labels.size < 100) this.#labels.set(task, labels);
    }
    this.#failures?.inc(labels);
    try {
      this.#log.error({ err: error, task }, `background: ${task} failed; it will run again`);
    } catch {
      // A failing log sink must not turn a reported error into a fatal one.
    }
  }

  /** `work` wrapped so that whatever it throws or rejects with is reported, not raised. */
  guard<A extends unknown[]>(task: string, work: (...args: A) => unknown): (...args: A) => void {
    return (...args: A) => {
      try {
        const result = work(...args);
        if (result instanceof Promise) result.catch((error: unknown) => this.failed(task, error));
      } catch (error) {
        this.failed(task, error);
      }
    };
  }

  /** Runs `work` every `ms` (unref'd: it does not keep the process alive), guarded. */
  every(task: string, ms: number, work: () => unknown): { stop: () => void } {
    const timer = setInterval(this.guard(task, work), ms);
    timer.unref();
    return { stop: () => clearInterval(timer) };
  }
}
