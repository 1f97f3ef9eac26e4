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
const NEXT = 0; // index of the next call to hand out
const DONE = 1; // workers finished with the current batch
const FAILED = 2; // 1 + index of the first worker whose call threw, or 0
const READY = 3; // READY + i: worker i has instantiated the module

const READY_TIMEOUT_MS = 20_000;
// A worker that died mid-call (out of memory) never reports done, and its 'error' event cannot be
// delivered while this thread waits; the time limit turns that hang into an error.
const CALL_TIMEOUT_MS = 120_000;

interface NodeWorker {
  postMessage(value: unknown): void;
  unref(): void;
  terminate(): Promise<number>;
  on(event: 'error', listener: (err: Error) => void): void;
}

interface WorkerThreadsModule {
  Worker: new (code: string, options: { eval: true; workerData: unknown }) => NodeWorker;
}

/**
 * The worker's whole program: instantiate the kernels on the shared memory; for each batch of
 * calls, take calls by index from the shared counter until none are left, then report done.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { module, memory, control, index } = workerData;
const ctrl = new Int32Array(control);
const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports;
parentPort.on('message', (calls) => {
  try {
    for (;;) {
      const i = Atomics.add(ctrl, ${NEXT}, 1);
      if (i >= calls.length) break;
      kernels[calls[i].fn](...calls[i].args);
    }
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
  private busy = false;

  constructor(
    private readonly threads: NodeWorker[],
    private readonly ctrl: Int32Array,
  ) {}

  get workers(): number {
    return this.threads.length;
  }

  run(calls: readonly KernelCall[], runHere: (call: KernelCall) => void): void {
    if (this.busy) throw new Error('field pool: run() re-entered');
    this.busy = true;
    try {
      const helpers = Math.min(this.threads.length, calls.length - 1);
      Atomics.store(this.ctrl, NEXT, 0);
      Atomics.store(this.ctrl, DONE, 0);
      Atomics.store(this.ctrl, FAILED, 0);
      for (let i = 0; i < helpers; i++) this.threads[i].postMessage(calls);
      let localError: unknown = null;
      try {
        for (;;) {
          const i = Atomics.add(this.ctrl, NEXT, 1);
          if (i >= calls.length) break;
          runHere(calls[i]);
        }
      } catch (err) {
        localError = err;
        Atomics.store(this.ctrl, NEXT, calls.length); // hand out nothing more
      }
      this.waitForHelpers(helpers);
      if (localError !== null) throw localError;
      const failed = Atomics.load(this.ctrl, FAILED);
      if (failed !== 0) throw new Error(`field pool: a kernel call failed in worker ${failed - 1}`);
    } finally {
      this.busy = false;
    }
  }

  private waitForHelpers(helpers: number): void {
    const t0 = Date.now();
    for (;;) {
      const done = Atomics.load(this.ctrl, DONE);
      if (done >= helpers) return;
      Atomics.wait(this.ctrl, DONE, done, 1000);
      if (Date.now() - t0 > CALL_TIMEOUT_MS) throw new Error('field pool: workers did not finish within the time limit');
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
