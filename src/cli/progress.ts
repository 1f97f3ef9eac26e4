// Named steps with a progress bar and ETA on stderr, for the proof commands. The bar appears only
// on a terminal, never with --json or --quiet, and only once the command has run for a second
// (short commands print nothing). Steps are synchronous library calls, so the bar moves between
// steps; each step carries a weight (its expected share of the time) so the ETA means something.
import cliProgress from 'cli-progress';

export interface StepOptions {
  /** Show nothing (--json, --quiet, or stderr is not a terminal). */
  readonly silent: boolean;
}

const SHOW_AFTER_MS = 1000;

export class Steps {
  private readonly bar: cliProgress.SingleBar | undefined;
  private readonly started = performance.now();
  private done = 0;
  private shown = false;

  constructor(label: string, private readonly total: number, options: StepOptions) {
    if (!Number.isFinite(total) || total <= 0) throw new RangeError(`progress: total weight must be positive, got ${total}`);
    this.bar = options.silent || !process.stderr.isTTY ? undefined : new cliProgress.SingleBar({
      format: `${label} [{bar}] {percentage}% | {step} | ETA {eta_formatted}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
    }, cliProgress.Presets.shades_classic);
  }

  /** Runs one named step of the given weight; returns its result. */
  run<T>(name: string, weight: number, body: () => T): T {
    this.show(name, weight);
    const result = body();
    this.done += weight;
    this.bar?.update(Math.min(this.done, this.total), { step: name });
    return result;
  }

  /** Removes the bar (call once, in a finally). */
  stop(): void {
    if (this.shown) this.bar?.stop();
  }

  /** Starts the bar once a second has passed or before a step expected to take most of the time. */
  private show(step: string, weight: number): void {
    if (!this.bar) return;
    if (this.shown) {
      this.bar.update(this.done, { step });
      return;
    }
    if (performance.now() - this.started < SHOW_AFTER_MS && weight < this.total / 2) return;
    this.bar.start(this.total, this.done, { step });
    this.shown = true;
  }
}
