// A KernelPool on Node worker_threads. node:worker_threads is reached through
// process.getBuiltinModule at run time, never imported statically, so bundling the field
// kernels for a browser does not pull Node modules in. The worker body is evaluated from a
// string, so it works from dist/ and from a bundle alike (no worker file to locate).
//
// Synchronous on both sides, no messages: the caller writes a batch of calls into a shared call
// buffer (export index, argument kinds, arguments as 64-bit words), bumps a generation word and
// wakes the workers; every thread takes calls by index from a shared take word, and the caller,
// once no call is left to take, waits only for the calls that helpers have taken and not yet
// finished. A helper that has not woken up by then takes nothing (the take word carries the
// batch's tag, closed by the caller), so the caller never waits for a thread that other load
// keeps off a core: it does the whole batch itself instead. A worker that finished a batch spins
// on the generation word for SPIN_MS before it sleeps in Atomics.wait: a sumcheck's rounds come
// tens of microseconds apart, and waking a sleeping thread (or posting it a message through its
// event loop, as this pool did before) costs about as much as a round over 2^14 pairs.
// Workers are unref'd, so an idle pool never keeps a process alive.
import type { KernelCall, KernelPool, PoolFactory } from './pool.js';
import { takeLoopSource, workerThreads, type NodeWorker, type TakeLayout } from './worker-threads.js';

// Layout of the control words (Int32).
// TAKE = (tag << INDEX_BITS) | i: the next call i of the batch whose tag (its generation's low
// bits) is `tag`. A thread takes call i by a compare-and-swap to i + 1, so it can only take calls
// of the batch it woke for; the caller closes the batch by swapping i for CLOSED.
const TAKE = 0;
const FAILED = 1; // 1 + index of the first worker whose call threw, or 0
const GEN = 2; // batch generation (≥ 1), bumped for each batch; −1 tells the workers to stop
const COUNT = 3; // calls in the current batch
const HELPERS = 4; // workers that take part in the current batch (workers with index < HELPERS)
const FINISHED = 5; // calls of the current batch finished (by any thread)
const CONTROL_WORDS = 6;
const INDEX_BITS = 11;
const INDEX_MASK = (1 << INDEX_BITS) - 1;
const CLOSED = INDEX_MASK; // > MAX_CALLS: nothing left to take
const TAG_MASK = (1 << (31 - INDEX_BITS)) - 1;
const TAKE_LAYOUT: TakeLayout = { take: TAKE, count: COUNT, finished: FINISHED, failed: FAILED, indexBits: INDEX_BITS };

/** Call buffer: CALL_WORDS 64-bit words per call: export index, argument count, kind bits, arguments. */
const MAX_ARGS = 12;
const CALL_WORDS = 3 + MAX_ARGS;
const MAX_CALLS = 1024; // < CLOSED
/** How long a worker that finished a batch watches for the next one before it sleeps. */
const SPIN_MS = 0.1;

// A worker that died mid-call (out of memory) never reports done, and its 'error' event cannot be
// delivered while this thread waits; the time limit turns that hang into an error.
const CALL_TIMEOUT_MS = 120_000;

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
  if (index >= Atomics.load(ctrl, ${HELPERS})) continue;${takeLoopSource(TAKE_LAYOUT, 'run(taken)')}
}
`;

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
    const tag = (gen & TAG_MASK) << INDEX_BITS;
    Atomics.store(ctrl, FAILED, 0);
    Atomics.store(ctrl, FINISHED, 0);
    Atomics.store(ctrl, COUNT, calls.length);
    Atomics.store(ctrl, HELPERS, helpers);
    Atomics.store(ctrl, TAKE, tag);
    Atomics.store(ctrl, GEN, gen);
    if (helpers > 0) Atomics.notify(ctrl, GEN);
    let localError: unknown = null;
    try {
      for (;;) {
        const v = Atomics.load(ctrl, TAKE);
        if ((v & INDEX_MASK) >= calls.length) break;
        if (Atomics.compareExchange(ctrl, TAKE, v, v + 1) !== v) continue;
        runHere(calls[v & INDEX_MASK]);
        Atomics.add(ctrl, FINISHED, 1);
      }
    } catch (err) {
      localError = err;
      Atomics.add(ctrl, FINISHED, 1);
    }
    this.waitForTaken(this.closeBatch(tag));
    if (localError !== null) throw localError;
    const failed = Atomics.load(ctrl, FAILED);
    if (failed !== 0) throw new Error(`field pool: a kernel call failed in worker ${failed - 1}`);
  }

  /** Closes the batch (no thread takes another call) and returns how many calls were taken. */
  private closeBatch(tag: number): number {
    for (;;) {
      const v = Atomics.load(this.ctrl, TAKE);
      if (Atomics.compareExchange(this.ctrl, TAKE, v, tag | CLOSED) === v) return v & INDEX_MASK;
    }
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

  /** Waits until the `taken` calls of the batch have finished (the helpers' last ones are usually microseconds away). */
  private waitForTaken(taken: number): void {
    const t0 = Date.now();
    for (let spins = 0; ; spins++) {
      const done = Atomics.load(this.ctrl, FINISHED);
      if (done >= taken) return;
      if (spins < 2000) continue;
      Atomics.wait(this.ctrl, FINISHED, done, 1);
      if (Date.now() - t0 > CALL_TIMEOUT_MS) throw new Error('field pool: workers did not finish within the time limit');
    }
  }

  close(): void {
    Atomics.store(this.ctrl, GEN, -1);
    Atomics.notify(this.ctrl, GEN);
    for (const w of this.threads) void w.terminate();
    this.threads.length = 0;
  }
}

/**
 * Creates the pool without waiting for its workers to boot (~85 ms each here): a batch never
 * waits for a helper that has not taken a call, so until a worker is up the caller runs every
 * call itself, and a pool created ahead of its first batch (SumcheckKernel.startPool) boots
 * while the caller does other work. null if worker threads are unavailable.
 */
export const createNodePool: PoolFactory = (module, memory, workers) => {
  const wt = workerThreads();
  if (wt === null || workers < 1) return null;
  if (!(memory.buffer instanceof SharedArrayBuffer)) throw new Error('field pool: memory is not shared');
  const control = new SharedArrayBuffer(4 * CONTROL_WORDS);
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
  } catch {
    for (const w of threads) void w.terminate();
    return null;
  }
  return new NodeKernelPool(threads, ctrl, new BigInt64Array(calls), functionNames(module));
};
