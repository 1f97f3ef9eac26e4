// Named steps with a progress bar and ETA on stderr, for the proof commands. The bar appears only
// on a terminal, never with --json or --quiet, and only for commands that run long: it starts
// once a second has passed, or before a step expected to take most of the time. Steps are
// synchronous library calls, so the bar moves between steps; each step carries a weight (its
// expected share of the time), and the ETA is the time per unit of weight measured so far.
import cliProgress from 'cli-progress';

export interface StepOptions {
  /** Show nothing (--json, --quiet, or stderr is not a terminal). */
  readonly silent: boolean;
}

const SHOW_AFTER_MS = 1000;

function formatEta(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

export class Steps {
  private readonly bar: cliProgress.SingleBar | undefined;
  private readonly started = performance.now();
  private done = 0;
  private shown = false;
  private stopped = false;

  constructor(label: string, private readonly total: number, options: StepOptions) {
    if (!Number.isFinite(total) || total <= 0) throw new RangeError(`progress: total weight must be positive, got ${total}`);
    this.bar = options.silent || !process.stderr.isTTY ? undefined : new cliProgress.SingleBar({
      format: `${label} [{bar}] {percentage}% | {step} | ETA {eta}`,
      stream: process.stderr,
      barsize: 24,
      hideCursor: true,
      clearOnComplete: true,
    }, cliProgress.Presets.shades_classic);
  }

  /** Runs one named step of the given weight; returns its result. */
  run<T>(name: string, weight: number, body: () => T): T {
    if (!(weight > 0)) throw new RangeError(`progress: step ${name} needs a positive weight, got ${weight}`);
    if (this.done + weight > this.total + 1e-9) throw new RangeError(`progress: step ${name} exceeds the total weight ${this.total}`);
    this.show(name, weight);
    const result = body();
    this.done += weight;
    if (this.shown) this.bar?.update(this.done, { step: name, eta: this.eta() });
    return result;
  }

  /** Names what the running step is doing now (a library call's own steps, e.g. prove's onStep). */
  detail(what: string): void {
    if (this.shown && !this.stopped) this.bar?.update(this.done, { step: what, eta: this.eta() });
  }

  /** Removes the bar; call before printing results (and in a finally). Idempotent. */
  stop(): void {
    if (this.shown && !this.stopped) this.bar?.stop();
    this.stopped = true;
  }

  /** Time per unit of weight so far × the weight left; unknown before the first step ends. */
  private eta(): string {
    if (this.done === 0) return '…';
    return formatEta(((performance.now() - this.started) / this.done) * (this.total - this.done));
  }

  private show(step: string, weight: number): void {
    if (!this.bar || this.stopped) return;
    if (this.shown) {
      this.bar.update(this.done, { step, eta: this.eta() });
      return;
    }
    if (performance.now() - this.started < SHOW_AFTER_MS && weight < this.total / 2) return;
    this.bar.start(this.total, this.done, { step, eta: this.eta() });
    this.shown = true;
  }
}
