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
  /** Starts calls[i] on worker i (calls.length ≤ workers) and returns at once. */
  start(calls: readonly KernelCall[]): void;
  /** Blocks until every started call has finished; throws if any failed. */
  wait(): void;
  /** Stops the workers. */
  close(): void;
}

/** Builds a pool over `memory` with `workers` threads, or returns null if threads are unavailable. */
export type PoolFactory = (module: WebAssembly.Module, memory: WebAssembly.Memory, workers: number) => KernelPool | null;
