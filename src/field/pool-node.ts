// A KernelPool on Node worker_threads. node:worker_threads is reached through
// process.getBuiltinModule at run time, never imported statically, so bundling the field
// kernels for a browser does not pull Node modules in. The worker body is evaluated from a
// string, so it works from dist/ and from a bundle alike (no worker file to locate).
//
// Synchronous from the caller's side: calls go out by postMessage, and each worker counts its
// finished call in a shared Int32Array that the caller Atomics.waits on. Workers are unref'd,
// so an idle pool never keeps a process alive.
import type { KernelCall, KernelPool, PoolFactory } from './pool.js';

// Layout of the control words.
const DONE = 0; // calls finished since the last start
const FAILED = 1; // 1 + index of the first worker whose call threw, or 0
const READY = 2; // READY + i: worker i has instantiated the module

const READY_TIMEOUT_MS = 20_000;
const CALL_TIMEOUT_MS = 600_000;

interface NodeWorker {
  postMessage(value: unknown): void;
  unref(): void;
  terminate(): Promise<number>;
  on(event: 'error', listener: (err: Error) => void): void;
}

interface WorkerThreadsModule {
  Worker: new (code: string, options: { eval: true; workerData: unknown }) => NodeWorker;
}

/** The worker's whole program: instantiate the kernels on the shared memory, run calls. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { module, memory, control, index } = workerData;
const ctrl = new Int32Array(control);
const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports;
parentPort.on('message', (call) => {
  try {
    kernels[call.fn](...call.args);
  } catch (err) {
    Atomics.compareExchange(ctrl, ${FAILED}, 0, 1 + index);
  }
  Atomics.add(ctrl, ${DONE}, 1);
  Atomics.notify(ctrl, ${DONE});
});
Atomics.store(ctrl, ${READY} + index, 1);
Atomics.notify(ctrl, ${READY} + index);
`;

function workerThreads(): WorkerThreadsModule | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (typeof proc?.getBuiltinModule !== 'function') return null;
  return (proc.getBuiltinModule('node:worker_threads') as WorkerThreadsModule | undefined) ?? null;
}

class NodeKernelPool implements KernelPool {
  private expected = 0;
  private lastCalls: readonly KernelCall[] = [];

  constructor(
    private readonly threads: NodeWorker[],
    private readonly ctrl: Int32Array,
  ) {}

  get workers(): number {
    return this.threads.length;
  }

  start(calls: readonly KernelCall[]): void {
    if (this.expected !== 0) throw new Error('field pool: start() while calls are running');
    if (calls.length > this.threads.length) throw new RangeError(`field pool: ${calls.length} calls for ${this.threads.length} workers`);
    Atomics.store(this.ctrl, DONE, 0);
    Atomics.store(this.ctrl, FAILED, 0);
    this.expected = calls.length;
    this.lastCalls = calls;
    calls.forEach((call, i) => this.threads[i].postMessage(call));
  }

  wait(): void {
    const t0 = Date.now();
    for (;;) {
      const done = Atomics.load(this.ctrl, DONE);
      if (done >= this.expected) break;
      Atomics.wait(this.ctrl, DONE, done, 1000);
      if (Date.now() - t0 > CALL_TIMEOUT_MS) {
        this.expected = 0;
        throw new Error('field pool: workers did not finish within the time limit');
      }
    }
    this.expected = 0;
    const failed = Atomics.load(this.ctrl, FAILED);
    if (failed !== 0) {
      throw new Error(`field pool: kernel ${this.lastCalls[failed - 1]?.fn} failed in worker ${failed - 1}`);
    }
  }

  close(): void {
    for (const w of this.threads) void w.terminate();
    this.threads.length = 0;
  }
}

/** Creates the pool, waiting (synchronously) until every worker is ready; null if it cannot. */
export const createNodePool: PoolFactory = (module, memory, workers) => {
  const wt = workerThreads();
  if (wt === null || workers < 1) return null;
  if (!(memory.buffer instanceof SharedArrayBuffer)) throw new Error('field pool: memory is not shared');
  const control = new SharedArrayBuffer(4 * (READY + workers));
  const ctrl = new Int32Array(control);
  const threads: NodeWorker[] = [];
  try {
    for (let index = 0; index < workers; index++) {
      const w = new wt.Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory, control, index } });
      w.on('error', () => Atomics.compareExchange(ctrl, FAILED, 0, 1 + index));
      w.unref();
      threads.push(w);
    }
    const t0 = Date.now();
    for (let index = 0; index < workers; index++) {
      while (Atomics.load(ctrl, READY + index) === 0) {
        if (Date.now() - t0 > READY_TIMEOUT_MS) throw new Error('workers did not start');
        Atomics.wait(ctrl, READY + index, 0, 100);
      }
    }
  } catch {
    for (const w of threads) void w.terminate();
    return null;
  }
  return new NodeKernelPool(threads, ctrl);
};
