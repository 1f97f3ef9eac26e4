// node:worker_threads, reached through process.getBuiltinModule at run time and never imported
// statically, so bundling the kernels for a browser pulls no Node module in, and the take loop
// of the worker programs. Shared by the kernel pool (pool-node.ts) and the commitment's tree
// pool (src/pcs/tree-pool-node.ts).

/** The part of a Node Worker the pools use. */
export interface NodeWorker {
  unref(): void;
  terminate(): Promise<number>;
  on(event: 'error', listener: (err: Error) => void): void;
}

export interface WorkerThreadsModule {
  Worker: new (code: string, options: { eval: true; workerData: unknown; transferList?: unknown[] }) => NodeWorker;
}

/** node:worker_threads, or null where there is none (browsers, other runtimes). */
export function workerThreads(): WorkerThreadsModule | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (typeof proc?.getBuiltinModule !== 'function') return null;
  return (proc.getBuiltinModule('node:worker_threads') as WorkerThreadsModule | undefined) ?? null;
}

/** Where a pool's control words sit (Int32 indices) and how its take word splits into tag and index. */
export interface TakeLayout {
  /** (tag << indexBits) | the next index to take; tag = the job's generation, low bits. */
  readonly take: number;
  /** Indices in the job. */
  readonly count: number;
  /** Indices finished, by any thread. */
  readonly finished: number;
  /** 1 + the index of the first worker whose call threw, or 0. */
  readonly failed: number;
  readonly indexBits: number;
}

/**
 * A worker program's take loop, as source to splice into it (the programs are evaluated from
 * strings): while the take word holds the tag of generation `gen` and an index below the count,
 * take that index by a compare-and-swap (so a worker that wakes late takes nothing of a newer
 * job) and run `runTaken` with it as `taken`; a throw is recorded in the failed word, and every
 * finished index is counted and the caller woken. The program defines `ctrl` (the control words
 * as an Int32Array), `gen` and `index` (its worker index).
 */
export function takeLoopSource(layout: TakeLayout, runTaken: string): string {
  const indexMask = (1 << layout.indexBits) - 1;
  const tagMask = (1 << (31 - layout.indexBits)) - 1;
  return `
  const count = Atomics.load(ctrl, ${layout.count});
  const tag = (gen & ${tagMask}) << ${layout.indexBits};
  for (;;) {
    const v = Atomics.load(ctrl, ${layout.take});
    if ((v & ~${indexMask}) !== tag || (v & ${indexMask}) >= count) break;
    if (Atomics.compareExchange(ctrl, ${layout.take}, v, v + 1) !== v) continue;
    const taken = v & ${indexMask};
    try {
      ${runTaken};
    } catch {
      Atomics.compareExchange(ctrl, ${layout.failed}, 0, 1 + index);
    }
    Atomics.add(ctrl, ${layout.finished}, 1);
    Atomics.notify(ctrl, ${layout.finished});
  }`;
}
