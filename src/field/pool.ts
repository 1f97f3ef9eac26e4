// The tiny interface between the vector kernels and whatever runs kernel calls on other threads.
// Node uses worker_threads (./pool-node.ts); a browser can plug in Web Workers through
// `setPoolFactory` in ./kernel.ts. Every implementation instantiates the same WebAssembly module
// on the same shared memory, so a call is just a kernel name and its (pointer, count, scalar) args.

/** One kernel invocation: an export of assembly/field.ts and its arguments. */
export interface KernelCall {
  readonly fn: string;
  readonly args: readonly (number | bigint)[];
}

export interface KernelPool {
  /** Number of worker threads (the calling thread is not counted). */
  readonly workers: number;
  /**
   * Runs every call exactly once and returns when all have finished; throws if any failed.
   * Calls are handed out one at a time to whichever thread is free — the workers and the
   * calling thread (through `runHere`) — so a thread slowed by other load takes fewer of them.
   */
  run(calls: readonly KernelCall[], runHere: (call: KernelCall) => void): void;
  /** Stops the workers. */
  close(): void;
}

/** Builds a pool over `memory` with `workers` threads, or returns null if threads are unavailable. */
export type PoolFactory = (module: WebAssembly.Module, memory: WebAssembly.Memory, workers: number) => KernelPool | null;
