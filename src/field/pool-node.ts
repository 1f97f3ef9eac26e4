// A KernelPool on Node worker_threads. node:worker_threads is reached through
// process.getBuiltinModule at run time, never imported statically, so bundling the field
// kernels for a browser does not pull Node modules in. The worker body is evaluated from a
// string, so it works from dist/ and from a bundle alike (no worker file to locate).
//
// Synchronous on both sides, no messages: the caller writes a batch of calls into a shared call
// buffer (export index, argument kinds, arguments as 64-bit words), bumps a generation word and
// wakes the workers; every thread takes calls by index from a shared counter, and the caller
// Atomics.waits until each helper has counted itself done. A worker that finished a batch spins
// on the generation word for SPIN_MS before it sleeps in Atomics.wait: a sumcheck's rounds come
// tens of microseconds apart, and waking a sleeping thread (or posting it a message through its
// event loop, as this pool did before) costs about as much as a round over 2^14 pairs.
// Workers are unref'd, so an idle pool never keeps a process alive.
import type { KernelCall, KernelPool, PoolFactory } from './pool.js';

// Layout of the control words (Int32).
const NEXT = 0; // index of the next call to hand out
const FAILED = 1; // 1 + index of the first worker whose call threw, or 0
const GEN = 2; // batch generation (≥ 1), bumped for each batch; −1 tells the workers to stop
const COUNT = 3; // calls in the current batch
const HELPERS = 4; // workers that take part in the current batch (workers with index < HELPERS)
// Per worker i: READY + 2i = 1 once it has instantiated the module; DONE + 2i = the last
// generation it finished (a generation, not a shared counter: a worker that woke late for an
// earlier batch cannot be mistaken for a helper of the current one).
const READY = 5;
const DONE = 6;

/** Call buffer: CALL_WORDS 64-bit words per call: export index, argument count, kind bits, arguments. */
const MAX_ARGS = 12;
const CALL_WORDS = 3 + MAX_ARGS;
const MAX_CALLS = 1024;
/** How long a worker that finished a batch watches for the next one before it sleeps. */
const SPIN_MS = 0.1;

const READY_TIMEOUT_MS = 20_000;
// A worker that died mid-call (out of memory) never reports done, and its 'error' event cannot be
// delivered while this thread waits; the time limit turns that hang into an error.
const CALL_TIMEOUT_MS = 120_000;

interface NodeWorker {
  unref(): void;
  terminate(): Promise<number>;
  on(event: 'error', listener: (err: Error) => void): void;
}

interface WorkerThreadsModule {
  Worker: new (code: string, options: { eval: true; workerData: unknown }) => NodeWorker;
}

/** The exported functions of a module, in a fixed order (the same on every thread). */
function functionNames(module: WebAssembly.Module): string[] {
  return WebAssembly.Module.exports(module)
    .filter((e) => e.kind === 'function')
    .map((e) => e.name);
}

/**
 * The worker's whole program: instantiate the kernels on the shared memory, then forever: wait
 * for a new generation, take calls by index until none are left, report done.
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, control, calls, index } = workerData;
const ctrl = new Int32Array(control);
const words = new BigInt64Array(calls);
const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports;
const fns = WebAssembly.Module.exports(module).filter((e) => e.kind === 'function').map((e) => kernels[e.name]);
const args = [];
function run(i) {
  const o = i * ${CALL_WORDS};
  const argc = Number(words[o + 1]);
  const kinds = Number(words[o + 2]);
  args.length = argc;
  for (let j = 0; j < argc; j++) args[j] = (kinds >> j) & 1 ? words[o + 3 + j] : Number(words[o + 3 + j]);
  fns[Number(words[o])](...args);
}
Atomics.store(ctrl, ${READY} + 2 * index, 1);
Atomics.notify(ctrl, ${READY} + 2 * index);
let gen = 0;
for (;;) {
  let g = Atomics.load(ctrl, ${GEN});
  if (g === gen) {
    const until = performance.now() + ${SPIN_MS};
    let spins = 0;
    while ((g = Atomics.load(ctrl, ${GEN})) === gen && ((++spins & 63) !== 0 || performance.now() < until));
    while ((g = Atomics.load(ctrl, ${GEN})) === gen) Atomics.wait(ctrl, ${GEN}, gen);
  }
  if (g < 0) break;
  gen = g;
  if (index >= Atomics.load(ctrl, ${HELPERS})) continue;
  const count = Atomics.load(ctrl, ${COUNT});
  try {
    for (;;) {
      const i = Atomics.add(ctrl, ${NEXT}, 1);
      if (i >= count) break;
      run(i);
    }
  } catch (err) {
    Atomics.compareExchange(ctrl, ${FAILED}, 0, 1 + index);
    Atomics.store(ctrl, ${NEXT}, count);
  }
  Atomics.store(ctrl, ${DONE} + 2 * index, gen);
  Atomics.notify(ctrl, ${DONE} + 2 * index);
}
`;

function workerThreads(): WorkerThreadsModule | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (typeof proc?.getBuiltinModule !== 'function') return null;
  return (proc.getBuiltinModule('node:worker_threads') as WorkerThreadsModule | undefined) ?? null;
}

class NodeKernelPool implements KernelPool {
  private busy = false;
  private readonly index: Map<string, number>;

  constructor(
    private readonly threads: NodeWorker[],
    private readonly ctrl: Int32Array,
    private readonly words: BigInt64Array,
    names: readonly string[],
  ) {
    this.index = new Map(names.map((n, i) => [n, i]));
  }

  get workers(): number {
    return this.threads.length;
  }

  run(calls: readonly KernelCall[], runHere: (call: KernelCall) => void): void {
    if (this.busy) throw new Error('field pool: run() re-entered');
    this.busy = true;
    try {
      // calls of one batch are independent, so a batch larger than the buffer runs in parts
      for (let s = 0; s < calls.length; s += MAX_CALLS) this.runBatch(calls.slice(s, s + MAX_CALLS), runHere);
    } finally {
      this.busy = false;
    }
  }

  private runBatch(calls: readonly KernelCall[], runHere: (call: KernelCall) => void): void {
    const helpers = Math.min(this.threads.length, calls.length - 1);
    calls.forEach((c, i) => this.write(i, c));
    const ctrl = this.ctrl;
    const gen = (Atomics.load(ctrl, GEN) % 0x3fffffff) + 1;
    Atomics.store(ctrl, NEXT, 0);
    Atomics.store(ctrl, FAILED, 0);
    Atomics.store(ctrl, COUNT, calls.length);
    Atomics.store(ctrl, HELPERS, helpers);
    Atomics.store(ctrl, GEN, gen);
    if (helpers > 0) Atomics.notify(ctrl, GEN);
    let localError: unknown = null;
    try {
      for (;;) {
        const i = Atomics.add(ctrl, NEXT, 1);
        if (i >= calls.length) break;
        runHere(calls[i]);
      }
    } catch (err) {
      localError = err;
      Atomics.store(ctrl, NEXT, calls.length); // hand out nothing more
    }
    this.waitForHelpers(helpers, gen);
    if (localError !== null) throw localError;
    const failed = Atomics.load(ctrl, FAILED);
    if (failed !== 0) throw new Error(`field pool: a kernel call failed in worker ${failed - 1}`);
  }

  /** Writes call i into the shared call buffer. */
  private write(i: number, c: KernelCall): void {
    const fn = this.index.get(c.fn);
    if (fn === undefined) throw new Error(`field pool: no kernel ${c.fn}`);
    if (c.args.length > MAX_ARGS) throw new Error(`field pool: ${c.fn} has more than ${MAX_ARGS} arguments`);
    const o = i * CALL_WORDS;
    const w = this.words;
    let kinds = 0;
    c.args.forEach((a, j) => {
      if (typeof a === 'bigint') {
        kinds |= 1 << j;
        w[o + 3 + j] = BigInt.asIntN(64, a);
      } else w[o + 3 + j] = BigInt(a);
    });
    w[o] = BigInt(fn);
    w[o + 1] = BigInt(c.args.length);
    w[o + 2] = BigInt(kinds);
  }

  private waitForHelpers(helpers: number, gen: number): void {
    const t0 = Date.now();
    for (let i = 0; i < helpers; i++) {
      const at = DONE + 2 * i;
      for (let spins = 0; ; spins++) {
        const done = Atomics.load(this.ctrl, at);
        if (done === gen) break;
        // a helper is usually a few microseconds behind: spin a little before sleeping
        if (spins < 2000) continue;
        Atomics.wait(this.ctrl, at, done, 1000);
        if (Date.now() - t0 > CALL_TIMEOUT_MS) throw new Error('field pool: workers did not finish within the time limit');
      }
    }
  }

  close(): void {
    Atomics.store(this.ctrl, GEN, -1);
    Atomics.notify(this.ctrl, GEN);
    for (const w of this.threads) void w.terminate();
    this.threads.length = 0;
  }
}

/** Creates the pool, waiting (synchronously) until every worker is ready; null if it cannot. */
export const createNodePool: PoolFactory = (module, memory, workers) => {
  const wt = workerThreads();
  if (wt === null || workers < 1) return null;
  if (!(memory.buffer instanceof SharedArrayBuffer)) throw new Error('field pool: memory is not shared');
  const control = new SharedArrayBuffer(4 * (READY + 2 * workers));
  const calls = new SharedArrayBuffer(8 * CALL_WORDS * MAX_CALLS);
  const ctrl = new Int32Array(control);
  const threads: NodeWorker[] = [];
  try {
    for (let index = 0; index < workers; index++) {
      const w = new wt.Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory, control, calls, index } });
      w.on('error', () => Atomics.compareExchange(ctrl, FAILED, 0, 1 + index));
      w.unref();
      threads.push(w);
    }
    const t0 = Date.now();
    for (let index = 0; index < workers; index++) {
      while (Atomics.load(ctrl, READY + 2 * index) === 0) {
        if (Date.now() - t0 > READY_TIMEOUT_MS) throw new Error('workers did not start');
        Atomics.wait(ctrl, READY + 2 * index, 0, 100);
      }
    }
  } catch {
    for (const w of threads) void w.terminate();
    return null;
  }
  return new NodeKernelPool(threads, ctrl, new BigInt64Array(calls), functionNames(module));
};
