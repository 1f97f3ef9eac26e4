// node:worker_threads, reached through process.getBuiltinModule at run time and never imported
// statically, so bundling the kernels for a browser pulls no Node module in. Shared by the
// kernel pool (pool-node.ts) and the commitment's tree pool (src/pcs/tree-pool-node.ts).

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
