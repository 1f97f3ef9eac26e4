// Bulk Poseidon2 (Goldilocks, width 12) on the WebAssembly kernel assembly/poseidon2.ts.
// Instantiated synchronously on first use, from base64 embedded at build time, so it works in
// Node and in browsers alike. Only the HorizenLabs width-12 instance is built in (M4 is part of
// the kernel code); the constants are copied in from ./poseidon2-params.ts.
import { wasmBase64 } from '../gen/poseidon2.wasm.js';
import { decodeBase64 } from '../field/wasm-bytes.js';
import { M4_HORIZEN, POSEIDON2_GOLDILOCKS_12, type Poseidon2Params } from './poseidon2-params.js';
import { P } from '../field/goldilocks.js';

export interface Poseidon2Kernel {
  readonly memory: WebAssembly.Memory;
  heapBase(): number;
  permuteBatch(consts: number, states: number, n: number): void;
  permuteBatchTrace(consts: number, states: number, trace: number, n: number): void;
  traceStates(): number;
  firstNonCanonical(a: number, n: number): number;
  absorbInterleaved(consts: number, state: number, elems: number, nBlocks: number): void;
  packValues(values: number, nValues: number, m: number, k: number, w: number, offset: bigint, out: number): number;
  absorbInterleavedTrace(consts: number, state: number, elems: number, nBlocks: number, trace: number, stride: number, buf: number): void;
  traceBlockWords(): number;
  storedColumns(): number;
  storedLayers(): number;
  valuesToField(values: number, n: number, total: number, out: number, zeroTail: number): void;
}

export const WIDTH = 12;
/** States per permutation in a trace: input, the S-box input of each of the 30 rounds, output. */
export const TRACE_LAYERS = 32;
const CONST_WORDS = 4 * WIDTH + 22 + 4 * WIDTH + WIDTH;
/** Permutations per kernel call: bounds the kernel memory (a trace chunk is 3 MB). Not a power of two on purpose: the trace kernel stores at stride 8·CHUNK bytes, and a power-of-two stride maps every store of a permutation to one cache set. */
const CHUNK = 1000;

let compiled: WebAssembly.Module | undefined;
let kernel: Poseidon2Kernel | undefined;
let constsPtr = 0;
let dataPtr = 0;

let constants: BigUint64Array | undefined;

/** The instance's constants as the kernels take them (assembly/poseidon2.ts: the 130 words at `consts`). */
export function poseidon2Constants(): BigUint64Array {
  return (constants ??= flattenConstants(POSEIDON2_GOLDILOCKS_12));
}

function flattenConstants(params: Poseidon2Params): BigUint64Array {
  const words = [...params.externalInitial.flat(), ...params.internal, ...params.externalFinal.flat(), ...params.diagMinus1];
  if (words.length !== CONST_WORDS) throw new Error(`poseidon2-wasm: expected ${CONST_WORDS} constant words, got ${words.length}`);
  return BigUint64Array.from(words);
}

/** A new kernel instance with its own memory, constants written; returns it and its data pointer. */
export function instantiate(): { k: Poseidon2Kernel; dataPtr: number } {
  const params = POSEIDON2_GOLDILOCKS_12;
  if (!compiled) {
    if (params.t !== WIDTH || params.d !== 7 || params.rF !== 8 || params.rP !== 22 || JSON.stringify(params.m4) !== JSON.stringify(M4_HORIZEN)) {
      throw new Error('poseidon2-wasm: the kernel implements only the HorizenLabs width-12 instance');
    }
    compiled = new WebAssembly.Module(decodeBase64(wasmBase64));
  }
  const k = new WebAssembly.Instance(compiled, {}).exports as unknown as Poseidon2Kernel;
  if (k.traceStates() !== TRACE_LAYERS) throw new Error('poseidon2-wasm: kernel and wrapper disagree on the trace layout');
  const consts = (k.heapBase() + 7) & ~7;
  if (consts !== constsOffset(k)) throw new Error('poseidon2-wasm: unexpected kernel layout');
  const data = consts + 8 * CONST_WORDS;
  // Room for a chunk of states plus its trace.
  const need = data + 8 * WIDTH * CHUNK * (1 + TRACE_LAYERS);
  const have = k.memory.buffer.byteLength;
  if (need > have) k.memory.grow(Math.ceil((need - have) / 65536));
  new BigUint64Array(k.memory.buffer, consts, CONST_WORDS).set(poseidon2Constants());
  return { k, dataPtr: data };
}

export function constsOffset(k: Poseidon2Kernel): number {
  return (k.heapBase() + 7) & ~7;
}

/** The shared instance for batch calls (its memory is reused by every call). */
function load(): Poseidon2Kernel {
  if (kernel) return kernel;
  const inst = instantiate();
  constsPtr = constsOffset(inst.k);
  dataPtr = inst.dataPtr;
  kernel = inst.k;
  return kernel;
}

function countStates(states: BigUint64Array, where: string): number {
  if (states.length % WIDTH !== 0) throw new RangeError(`${where}: ${states.length} words is not a whole number of 12-element states`);
  return states.length / WIDTH;
}

/** Copies states [start, start + m) into kernel memory; rejects non-canonical words (checked in WASM, not per BigInt). */
function copyIn(k: Poseidon2Kernel, states: BigUint64Array, start: number, m: number, where: string): void {
  new BigUint64Array(k.memory.buffer, dataPtr, m * WIDTH).set(states.subarray(start * WIDTH, (start + m) * WIDTH));
  const bad = k.firstNonCanonical(dataPtr, m * WIDTH);
  if (bad >= 0) throw new RangeError(`${where}: word ${start * WIDTH + bad} is not a canonical field element (< ${P})`);
}

/** Permutes every 12-word state of `states` (canonical words); returns a new array. */
export function permuteBatch(states: BigUint64Array): BigUint64Array {
  const n = countStates(states, 'permuteBatch');
  const k = load();
  const out = new BigUint64Array(states.length);
  for (let start = 0; start < n; start += CHUNK) {
    const m = Math.min(CHUNK, n - start);
    copyIn(k, states, start, m, 'permuteBatch');
    k.permuteBatch(constsPtr, dataPtr, m);
    out.set(new BigUint64Array(k.memory.buffer, dataPtr, m * WIDTH), start * WIDTH);
  }
  return out;
}

/**
 * Permutes n states and returns the layers of each (see permutationTrace in ./poseidon2.ts),
 * layer-major: `trace[(layer·12 + slot)·n + i]` is slot `slot` of permutation i in layer
 * `layer` (0 = input, 1 + r = S-box input of round r, 31 = output).
 */
export function permuteBatchTrace(states: BigUint64Array): BigUint64Array {
  const n = countStates(states, 'permuteBatchTrace');
  const k = load();
  const trace = new BigUint64Array(TRACE_LAYERS * WIDTH * n);
  const traceChunkPtr = dataPtr + 8 * WIDTH * CHUNK;
  for (let start = 0; start < n; start += CHUNK) {
    const m = Math.min(CHUNK, n - start);
    copyIn(k, states, start, m, 'permuteBatchTrace');
    k.permuteBatchTrace(constsPtr, dataPtr, traceChunkPtr, m);
    const chunkTrace = new BigUint64Array(k.memory.buffer, traceChunkPtr, TRACE_LAYERS * WIDTH * m);
    for (let column = 0; column < TRACE_LAYERS * WIDTH; column++) {
      trace.set(chunkTrace.subarray(column * m, (column + 1) * m), column * n + start);
    }
  }
  return trace;
}

/**
 * Copies words out of kernel memory. (TypedArray.set, not BigUint64Array.prototype.slice: in
 * Node 20 slice of a BigUint64Array costs ~35 ns per element, set is a memcpy.)
 */
function copyOut(k: Poseidon2Kernel, ptr: number, words: number): BigUint64Array {
  const out = new BigUint64Array(words);
  out.set(new BigUint64Array(k.memory.buffer, ptr, words));
  return out;
}

/** Grows the kernel memory so that `bytes` bytes from dataPtr are available; returns dataPtr. */
function reserve(k: Poseidon2Kernel, bytes: number): number {
  const need = dataPtr + bytes;
  const have = k.memory.buffer.byteLength;
  if (need > have) k.memory.grow(Math.ceil((need - have) / 65536));
  return dataPtr;
}

/**
 * Packs `values` (i32, already converted from the caller's typed array) with the digest packing
 * (k values per element, w bits each, `offset` added; see ./packing.ts) into m elements, and
 * absorbs them into `state` (12 canonical words) in the digest's interleaved block order
 * (permutation b takes elements b + (m/8)·s, s < 8). Returns the final state, or
 * the index of the first value out of range.
 */
export function packAndAbsorb(
  values: Int32Array,
  layout: { elements: number; perElement: number; bits: number; offset: number },
  state: BigUint64Array,
): { state: BigUint64Array } | { badIndex: number } {
  const k = load();
  if (state.length !== WIDTH) throw new RangeError(`packAndAbsorb: state has ${state.length} words`);
  if (layout.elements % 8 !== 0) throw new RangeError('packAndAbsorb: the element count must be a whole number of blocks');
  const valuesBytes = (4 * values.length + 7) & ~7;
  const base = reserve(k, valuesBytes + 8 * layout.elements + 8 * WIDTH);
  const elementsPtr = base + valuesBytes;
  const statePtr = elementsPtr + 8 * layout.elements;
  new Int32Array(k.memory.buffer, base, values.length).set(values);
  const bad = k.packValues(base, values.length, layout.elements, layout.perElement, layout.bits, BigInt(layout.offset), elementsPtr);
  if (bad >= 0) return { badIndex: bad };
  const stateView = new BigUint64Array(k.memory.buffer, statePtr, WIDTH);
  stateView.set(state);
  if (k.firstNonCanonical(statePtr, WIDTH) >= 0) throw new RangeError('packAndAbsorb: the state is not canonical');
  k.absorbInterleaved(constsPtr, statePtr, elementsPtr, layout.elements / 8);
  return { state: copyOut(k, statePtr, WIDTH) };
}
