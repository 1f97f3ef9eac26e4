// Threads for the commitment's leaves and Merkle tree in Node: workers that run the field
// kernels on the field module's shared memory (for the leaves' transposition) and node:crypto's
// SHA-256 (SHA-NI speed; a WebAssembly SHA-256 measured several times slower). The field pool
// (src/field/pool-node.ts) runs only WebAssembly calls, so the hashing has workers of its own.
// node:worker_threads is reached through process.getBuiltinModule, never imported statically.
//
// A job is the chunks of one tree (see tree-chunks.ts): every thread, the caller included,
// takes chunk indices from a shared word until none is left, and runs `buildChunk` on each.
// The take word carries the job's tag, as in pool-node.ts, so a worker that wakes late takes
// nothing of a later job, and the caller never waits for a worker that other load keeps off a
// core: it does the chunks itself and waits only for those a worker has taken.
import { buildChunk, type ChunkJob } from './tree-chunks.js';
import { takeLoopSource, workerThreads, type NodeWorker, type TakeLayout } from '../field/worker-threads.js';

const GEN = 0; // job generation, bumped per job; −1 stops the workers
const TAKE = 1; // (tag << INDEX_BITS) | next chunk index
const COUNT = 2; // chunks in the job
const FINISHED = 3; // chunks finished (any thread)
const FAILED = 4; // 1 + index of a worker whose chunk threw, or 0
const HELPERS = 5; // workers taking part in this job
const PARAMS = 6; // the ChunkJob's numbers, PARAM_NAMES order
const PARAM_NAMES = ['leafBytes', 'cw', 'rows', 'logN', 'salts', 'levels', 'chunkLog', 'scratch', 'scratchBytes'] as const;
const READY = PARAMS + PARAM_NAMES.length; // per worker: 1 once started
const INDEX_BITS = 16;
const INDEX_MASK = (1 << INDEX_BITS) - 1;
const CLOSED = INDEX_MASK;
const TAG_MASK = (1 << (31 - INDEX_BITS)) - 1;
const TAKE_LAYOUT: TakeLayout = { take: TAKE, count: COUNT, finished: FINISHED, failed: FAILED, indexBits: INDEX_BITS };
const READY_TIMEOUT_MS = 20_000;
const CALL_TIMEOUT_MS = 120_000;

interface Port {
  postMessage(value: unknown): void;
  close(): void;
}

const WORKER_SOURCE = `
const { workerData, receiveMessageOnPort } = require('node:worker_threads');
const { hash } = require('node:crypto');
const { module, memory, control, port, index } = workerData;
const ctrl = new Int32Array(control);
const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports;
const buildChunk = ${buildChunk.toString()};
const names = ${JSON.stringify(PARAM_NAMES)};
const hashInto = (data, out, at) => out.set(hash('sha256', data, 'buffer'), at);
let store = null;
Atomics.store(ctrl, ${READY} + index, 1);
Atomics.notify(ctrl, ${READY} + index);
let gen = 0;
for (;;) {
  let g;
  while ((g = Atomics.load(ctrl, ${GEN})) === gen) Atomics.wait(ctrl, ${GEN}, gen);
  if (g < 0) break;
  gen = g;
  for (let m; (m = receiveMessageOnPort(port)) !== undefined; ) store = new Uint8Array(m.message);
  if (index >= Atomics.load(ctrl, ${HELPERS})) continue;
  const job = { store, mem: new Uint8Array(memory.buffer), transpose: kernels.transposeLeaves, nodes: kernels.merkleNodes, hashInto };
  names.forEach((n, i) => { job[n] = Atomics.load(ctrl, ${PARAMS} + i) >>> 0; });${takeLoopSource(TAKE_LAYOUT, 'buildChunk(job, taken, 1 + index)')}
}
`;

export class TreePool {
  private lastStore: ArrayBufferLike | null = null;

  private constructor(
    readonly memory: WebAssembly.Memory,
    private readonly threads: NodeWorker[],
    private readonly ctrl: Int32Array,
    private readonly ports: Port[],
  ) {}

  get workers(): number {
    return this.threads.length;
  }

  /** Workers on the field module's shared memory, started synchronously; null where threads are unavailable. */
  static create(module: WebAssembly.Module, memory: WebAssembly.Memory, workers: number): TreePool | null {
    const wt = workerThreads();
    const Channel = (globalThis as { MessageChannel?: new () => { port1: Port; port2: Port } }).MessageChannel;
    if (wt === null || Channel === undefined || workers < 1 || !(memory.buffer instanceof SharedArrayBuffer)) return null;
    const control = new SharedArrayBuffer(4 * (READY + workers));
    const ctrl = new Int32Array(control);
    const threads: NodeWorker[] = [];
    const ports: Port[] = [];
    try {
      for (let index = 0; index < workers; index++) {
        const channel = new Channel();
        (channel.port1 as { unref?: () => void }).unref?.();
        ports.push(channel.port1);
        const port = channel.port2;
        const w = new wt.Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory, control, port, index }, transferList: [port] });
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
      for (const p of ports) p.close();
      return null;
    }
    return new TreePool(memory, threads, ctrl, ports);
  }

  /**
   * Runs buildChunk for chunks [0, count) of the job on the workers and this thread (thread 0,
   * `job` as given); returns when all are done. The store must be a SharedArrayBuffer view.
   */
  run(job: ChunkJob, count: number): void {
    if (count > CLOSED) throw new RangeError(`tree pool: ${count} chunks`);
    const ctrl = this.ctrl;
    if (job.store.buffer !== this.lastStore) {
      for (const p of this.ports) p.postMessage(job.store.buffer);
      this.lastStore = job.store.buffer;
    }
    PARAM_NAMES.forEach((n, i) => Atomics.store(ctrl, PARAMS + i, job[n] | 0));
    const gen = (Atomics.load(ctrl, GEN) % 0x3fffffff) + 1;
    const tag = (gen & TAG_MASK) << INDEX_BITS;
    Atomics.store(ctrl, FAILED, 0);
    Atomics.store(ctrl, FINISHED, 0);
    Atomics.store(ctrl, COUNT, count);
    Atomics.store(ctrl, HELPERS, Math.min(this.threads.length, count - 1));
    Atomics.store(ctrl, TAKE, tag);
    Atomics.store(ctrl, GEN, gen);
    Atomics.notify(ctrl, GEN);
    let localError: unknown = null;
    try {
      for (;;) {
        const v = Atomics.load(ctrl, TAKE);
        if ((v & INDEX_MASK) >= count) break;
        if (Atomics.compareExchange(ctrl, TAKE, v, v + 1) !== v) continue;
        buildChunk(job, v & INDEX_MASK, 0);
        Atomics.add(ctrl, FINISHED, 1);
      }
    } catch (err) {
      localError = err;
      Atomics.add(ctrl, FINISHED, 1);
    }
    let taken: number;
    for (;;) {
      const v = Atomics.load(ctrl, TAKE);
      if (Atomics.compareExchange(ctrl, TAKE, v, tag | CLOSED) === v) {
        taken = v & INDEX_MASK;
        break;
      }
    }
    const t0 = Date.now();
    for (;;) {
      const done = Atomics.load(ctrl, FINISHED);
      if (done >= taken) break;
      Atomics.wait(ctrl, FINISHED, done, 1);
      if (Date.now() - t0 > CALL_TIMEOUT_MS) throw new Error('tree pool: workers did not finish within the time limit');
    }
    if (localError !== null) throw localError;
    const failed = Atomics.load(ctrl, FAILED);
    if (failed !== 0) throw new Error(`tree pool: a chunk failed in worker ${failed - 1}`);
  }

  close(): void {
    Atomics.store(this.ctrl, GEN, -1);
    Atomics.notify(this.ctrl, GEN);
    for (const w of this.threads) void w.terminate();
    this.threads.length = 0;
    for (const p of this.ports) p.close();
  }
}
