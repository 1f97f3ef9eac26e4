// The digest's sponge run with its witness (the digest proof's trace), on a private instance of
// the Poseidon2 kernel (assembly/poseidon2.ts) whose memory holds everything the run produced.
//
// Why this shape: the witness's cost was the first touch of fresh memory (on this machine a
// page touched for the first time costs ~10× a permutation's worth of work per word written), so
// the run writes as little as it can: of the 32 layers × 12 slots of every permutation it stores
// 62 columns (layer 0's capacity, layers 3, 27 and 29, slot 0 of each partial round's S-box
// input); the rate slots of layer 0 are the packed elements themselves. (Storing layers 3 and
// 29 costs less than computing layers 1 … 4 and 28 … 30 from layers 0 and 27 would.) The prover walks the layers from the
// output back to the input (TraceLayers), and gets each layer when it reaches it: a full
// round's layer forward from the stored layer below it (at most two rounds per permutation), a
// partial round's slots 1 … 11 backward from the layer above (u_r[s] = (y_s − S)/d_s, see
// recoverPartialLayer in assembly/lib/poseidon2-layers.ts). The walk runs in the sumcheck
// kernel's memory, on its worker pool (the private memory is out of the workers' reach): the
// stored columns are copied there as they are needed (~2 ms of memcpy for 2^15 permutations).
// The value vector V is converted in place over the copy of the values, so it costs no memory
// of its own.
import * as F from '../field/goldilocks.js';
import type { Fp2 } from '../field/ext.js';
import { constsOffset, instantiate, poseidon2Constants, WIDTH, type Poseidon2Kernel } from './poseidon2-wasm.js';
import { POSEIDON2_GOLDILOCKS_12 } from './poseidon2-params.js';
import { sumcheckKernel } from '../sumcheck/kernel.js';

/** Trace layers of the partial rounds' S-box inputs (1 + r, r = 4 … 25): the run stores slot 0 of them only. */
export const FIRST_PARTIAL_LAYER = 5;
export const LAST_PARTIAL_LAYER = 26;
/** The first final full round's S-box input: stored whole, the partial rounds are recovered from it down. */
export const ANCHOR_LAYER = LAST_PARTIAL_LAYER + 1;
/** The other layers stored whole (with layer 0): a full round's layer is computed from the nearest one below. */
const LOW_LAYER = 3;
const HIGH_LAYER = ANCHOR_LAYER + 2;
const WHOLE_LAYERS = [HIGH_LAYER, ANCHOR_LAYER, LOW_LAYER, 0];
/** Stored columns, in this order: layer 0 slots 8 … 11, layer 3, slot 0 of layers 5 … 26, layers 27 and 29. */
const STORED_LOW = 4;
const STORED_PARTIAL = STORED_LOW + WIDTH;
const STORED_ANCHOR = STORED_PARTIAL + (LAST_PARTIAL_LAYER + 1 - FIRST_PARTIAL_LAYER);
const STORED_HIGH = STORED_ANCHOR + WIDTH;
export const STORED_COLUMNS = STORED_HIGH + WIDTH;
/** Words per partial layer of recovery constants: c_{r+1} (12), then 1/d_s for s = 1 … 11. */
export const AUX_WORDS = 2 * WIDTH - 1;

/** The values the sponge takes: 32-bit integers, or a narrower typed array converted on the way in. */
export type SpongeValues = Int32Array | Int16Array | Uint16Array | Int8Array | Uint8Array;

let recoverAux: BigUint64Array | undefined;

/**
 * A kernel instance whose witness was released (SpongeTrace.release), kept for the next run:
 * its memory has been touched already, and writing there costs a small fraction of fresh memory.
 */
let idle: { k: Poseidon2Kernel; dataPtr: number } | null = null;

/** The recovery constants of every partial layer (AUX_WORDS each, indexed by layer − FIRST_PARTIAL_LAYER). */
export function recoveryConstants(): BigUint64Array {
  if (recoverAux) return recoverAux;
  // c_{r+1} per layer: the constants added before the S-boxes of the next round (r + 1 = layer)
  const p = POSEIDON2_GOLDILOCKS_12;
  const inv = p.diagMinus1.slice(1).map((d) => F.inv(d));
  const aux = new BigUint64Array((LAST_PARTIAL_LAYER + 1 - FIRST_PARTIAL_LAYER) * AUX_WORDS);
  for (let l = FIRST_PARTIAL_LAYER; l <= LAST_PARTIAL_LAYER; l++) {
    const c = l === LAST_PARTIAL_LAYER ? p.externalFinal[0] : [p.internal[l - FIRST_PARTIAL_LAYER + 1], ...new Array<bigint>(WIDTH - 1).fill(0n)];
    aux.set([...c, ...inv], (l - FIRST_PARTIAL_LAYER) * AUX_WORDS);
  }
  return (recoverAux = aux);
}

/**
 * Words between the columns of the trace and of the layer buffers: `blocks` plus one cache line,
 * so that columns do not all map to the same cache sets (with a stride of 8·2^k bytes every
 * column of a block lands in the same sets, and the column-wise writes miss every time).
 */
function columnStride(blocks: number): number {
  return blocks + 8;
}

/** Bytes of one forwardLayers call's scratch: externalLayer's 24 halves and one state (assembly/lib/poseidon2-layers.ts). */
const FORWARD_SCRATCH_BYTES = 8 * (2 * WIDTH + WIDTH);

/**
 * A walk over the layers in the sumcheck kernel's memory, whose worker pool computes them: the
 * stored columns a computation needs are copied in when it needs them (one stored layer whole,
 * the one a forward computation starts from or the anchor, and the slot 0 of two partial
 * layers: the walk's memory is 38 columns, not the 94 that copying every stored column would
 * take, for the same copying in the prover's order), and a layer that is not stored is computed,
 * in chunks of permutations, into one of two buffers (buffer = layer mod 2),
 * so its columns stay valid until the layer two below (or any other of the same parity) is
 * asked for. The walk holds a region of the kernel's stack from its creation to close(): close
 * walks in the reverse order of their creation, and release no kernel mark taken before a walk
 * while it is open. The columns it returns are views into the kernel memory when that memory is
 * shared (its views survive growth), else copies in arrays of the walk's own.
 */
export class LayerWalk {
  private readonly K = sumcheckKernel();
  private readonly mark: number;
  private readonly end: number;
  /** A stored layer's 12 columns, and which layer they are (-1: none yet). */
  private readonly whole: number;
  private wholeLayer = -1;
  /** Slot 0 of a partial layer per parity, and which layer it is. */
  private readonly zeros: readonly [number, number];
  private readonly zeroLayer = [-1, -1];
  private readonly buffers: readonly [number, number];
  private readonly consts: number;
  private readonly aux: number;
  /** The last partialLayer's combination (an extension vector) and its coefficients. */
  private readonly linear: number;
  private readonly coeffs: number;
  private linearCopy: BigUint64Array | null = null;
  /** The layer held in each buffer, or -1. */
  private readonly held = [-1, -1];
  /** Copies of the buffers (an unshared kernel memory only; the walk's own arrays, refreshed when their buffer is recomputed). */
  private readonly copies: (BigUint64Array[] | null)[] = [null, null];
  private readonly copied = [false, false];
  private closed = false;

  constructor(private readonly t: SpongeTrace) {
    const K = this.K;
    const stride = t.stride;
    this.mark = K.mark();
    this.whole = K.alloc(8 * WIDTH * stride);
    this.zeros = [K.alloc(8 * stride), K.alloc(8 * stride)];
    this.buffers = [K.alloc(8 * WIDTH * stride), K.alloc(8 * WIDTH * stride)];
    this.consts = K.put(poseidon2Constants());
    this.aux = K.put(recoveryConstants());
    this.linear = K.alloc(16 * t.blocks);
    this.coeffs = K.alloc(16 * (WIDTH - 1));
    this.end = K.mark();
  }

  private check(): void {
    if (this.closed) throw new Error('TraceLayers: the walk was closed');
    if (this.t.isReleased) throw new Error('TraceLayers: the witness was released');
    if (this.K.mark() < this.end) throw new Error('TraceLayers: the kernel memory under the walk was released');
  }

  private copyIn(ptr: number, column: BigUint64Array): void {
    this.K.words(ptr, this.t.blocks).set(column);
  }

  /** Kernel pointer of stored layer `layer`'s slot 0 (slot s follows at 8·s·stride), copied in unless it is there. */
  private wholeIn(layer: number): number {
    if (this.wholeLayer !== layer) {
      this.t.storedLayer(layer)!.forEach((c, s) => this.copyIn(this.whole + 8 * s * this.t.stride, c));
      this.wholeLayer = layer;
    }
    return this.whole;
  }

  /** Kernel pointer of partial layer `layer`'s slot 0, copied in unless it is there. */
  private zeroIn(layer: number): number {
    const b = layer & 1;
    if (this.zeroLayer[b] !== layer) {
      this.copyIn(this.zeros[b], this.t.storedColumn(layer, 0)!);
      this.zeroLayer[b] = layer;
    }
    return this.zeros[b];
  }

  layer(layer: number): BigUint64Array[] {
    this.check();
    const stored = this.t.storedLayer(layer);
    if (stored) return stored;
    if (this.held[layer & 1] !== layer) {
      if (layer < FIRST_PARTIAL_LAYER || layer > ANCHOR_LAYER) this.forward(WHOLE_LAYERS.find((l) => l < layer)!, layer);
      else this.recover(layer);
    }
    const cols = this.bufferColumns(layer & 1);
    if (layer >= FIRST_PARTIAL_LAYER && layer <= LAST_PARTIAL_LAYER) cols[0] = this.t.storedColumn(layer, 0)!;
    return cols;
  }

  /**
   * Slot 0 of a partial layer and Σ_{s≥1} a_s·u[s] (an extension vector, valid until the next
   * call), combined on the pool from the layer's columns where they were recovered (not copied
   * in again as combineBase would): the layer (recovered again if it is held already) goes to
   * its buffer as layer() puts it there.
   */
  partialLayer(layer: number, a: readonly Fp2[]): [BigUint64Array, BigUint64Array] {
    this.check();
    if (layer < FIRST_PARTIAL_LAYER || layer > LAST_PARTIAL_LAYER) throw new RangeError(`TraceLayers: layer ${layer} is not a partial round's`);
    if (a.length !== WIDTH - 1) throw new RangeError(`TraceLayers: ${a.length} coefficients for the 11 linear slots`);
    const { K, t } = this;
    const cw = K.words(this.coeffs, 2 * (WIDTH - 1));
    a.forEach((x, j) => cw.set(x, 2 * j));
    const buf = this.recover(layer);
    const region = K.mark();
    K.combineAt(this.linear, Array.from({ length: WIDTH - 1 }, (_, j) => buf + 8 * (j + 1) * t.stride), this.coeffs, t.blocks);
    K.release(region);
    const lin = K.words(this.linear, 2 * t.blocks);
    if (K.stableViews) return [t.storedColumn(layer, 0)!, lin];
    this.linearCopy ??= new BigUint64Array(2 * t.blocks);
    this.linearCopy.set(lin);
    return [t.storedColumn(layer, 0)!, this.linearCopy];
  }

  private bufferColumns(b: number): BigUint64Array[] {
    const { K, t } = this;
    const views = Array.from({ length: WIDTH }, (_, s) => K.words(this.buffers[b] + 8 * s * t.stride, t.blocks));
    if (K.stableViews) return views;
    const copies = (this.copies[b] ??= views.map((v) => new BigUint64Array(v.length)));
    if (!this.copied[b]) copies.forEach((c, s) => c.set(views[s]));
    this.copied[b] = true;
    return [...copies];
  }

  /** Buffer `layer & 1` now holds layer `layer` (its copies, if any, are stale). */
  private hold(layer: number): number {
    this.held[layer & 1] = layer;
    this.copied[layer & 1] = false;
    return this.buffers[layer & 1];
  }

  /** Layer `to` computed forward from the stored layer `from` into its buffer. */
  private forward(from: number, to: number): void {
    const { K, t } = this;
    const dst = this.hold(to);
    const region = K.mark();
    const table = K.alloc(4 * WIDTH);
    const src = this.wholeIn(from);
    K.u32s(table, WIDTH).set(Array.from({ length: WIDTH }, (_, s) => src + 8 * s * t.stride));
    K.elementwise('forwardLayers', t.blocks, (first, count) => [this.consts, table, from, to, dst, t.stride, first, count, K.alloc(FORWARD_SCRATCH_BYTES)]);
    K.release(region);
  }

  /**
   * Slots 1 … 11 of partial layer `layer` into its buffer (returned), from the layer above: the
   * stored anchor, or the other buffer, which holds it or gets it recovered first from the anchor
   * down.
   */
  private recover(layer: number): number {
    if (layer + 1 !== ANCHOR_LAYER && this.held[(layer + 1) & 1] !== layer + 1) this.layer(layer + 1);
    const { K, t } = this;
    const dst = this.hold(layer);
    const anchor = layer + 1 === ANCHOR_LAYER ? this.wholeIn(ANCHOR_LAYER) : -1;
    const next0 = anchor >= 0 ? anchor : this.zeroIn(layer + 1);
    const nextRest = (anchor >= 0 ? anchor : this.buffers[(layer + 1) & 1]) + 8 * t.stride;
    const slot0 = this.zeroIn(layer);
    const aux = this.aux + 8 * AUX_WORDS * (layer - FIRST_PARTIAL_LAYER);
    // S goes to the buffer's slot-0 column, which a partial layer never uses (its slot 0 is stored)
    K.elementwise('recoverPartialLayer', t.blocks, (f, count) => [
      this.consts, next0 + 8 * f, nextRest + 8 * f, slot0 + 8 * f, dst + 8 * (t.stride + f), count, t.stride, aux, dst + 8 * f,
    ]);
    K.flush();
    return dst;
  }

  /** Gives the walk's kernel region back (a no-op after the first call). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.K.mark() >= this.end) this.K.release(this.mark);
  }
}

/**
 * The trace of a sponge run: the stored columns, in the private kernel instance's memory (which
 * nothing else writes to or grows, so the views stay valid as long as the trace lives), and the
 * means to compute the others (walk).
 */
export class SpongeTrace {
  readonly stride: number;
  /** Words the run stored (STORED_COLUMNS columns). */
  readonly storedWords: number;
  private released = false;

  constructor(
    private readonly k: Poseidon2Kernel,
    readonly blocks: number,
    private readonly ptr: { data: number; elements: number; trace: number },
  ) {
    this.stride = columnStride(blocks);
    this.storedWords = STORED_COLUMNS * this.stride;
  }

  get isReleased(): boolean {
    return this.released;
  }

  private view(ptr: number): BigUint64Array {
    return new BigUint64Array(this.k.memory.buffer, ptr, this.blocks);
  }

  /** Pointer of slot `slot` of a stored layer (0, a partial layer's slot 0, ANCHOR_LAYER), or -1. */
  private storedPtr(layer: number, slot: number): number {
    const col = (c: number) => this.ptr.trace + 8 * c * this.stride;
    if (layer === 0) return slot < 8 ? this.ptr.elements + 8 * slot * this.blocks : col(slot - 8);
    if (layer === LOW_LAYER) return col(STORED_LOW + slot);
    if (layer === ANCHOR_LAYER) return col(STORED_ANCHOR + slot);
    if (layer === HIGH_LAYER) return col(STORED_HIGH + slot);
    if (layer >= FIRST_PARTIAL_LAYER && layer <= LAST_PARTIAL_LAYER && slot === 0) return col(STORED_PARTIAL + layer - FIRST_PARTIAL_LAYER);
    return -1;
  }

  /** A stored column (a view), or null. */
  storedColumn(layer: number, slot: number): BigUint64Array | null {
    const p = this.storedPtr(layer, slot);
    return p < 0 ? null : this.view(p);
  }

  /** The columns of a layer stored whole (WHOLE_LAYERS), or null. */
  storedLayer(layer: number): BigUint64Array[] | null {
    return WHOLE_LAYERS.includes(layer) ? Array.from({ length: WIDTH }, (_, s) => this.storedColumn(layer, s)!) : null;
  }

  /** A new walk (TraceLayers), holding sumcheck kernel memory until its close(). */
  walk(): LayerWalk {
    if (this.released) throw new Error('TraceLayers: the witness was released');
    return new LayerWalk(this);
  }

  /** One column: a view if it is stored, else a fresh array (computed by a walk of its own). */
  column(layer: number, slot: number): BigUint64Array {
    if (this.released) throw new Error('layerColumn: the witness was released');
    const stored = this.storedColumn(layer, slot);
    if (stored) return stored;
    const walk = new LayerWalk(this);
    try {
      return walk.layer(layer)[slot].slice();
    } finally {
      walk.close();
    }
  }

  /**
   * Hands the kernel memory to the next sponge run. Every view of this run (V, the trace's
   * columns) is detached first (a zero-delta grow gives the memory a new buffer), so a use after
   * release sees empty arrays, never the next run's data; walks and layerColumn throw.
   */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.k.memory.grow(0);
    idle = { k: this.k, dataPtr: this.ptr.data };
  }
}

/**
 * The digest's sponge run with its witness: packs `values`, absorbs them from `state` in the
 * interleaved order (permutation b takes elements b + (M/8)·s, s < 8), and returns the final
 * state, the trace and the value vector V (the values as field elements, zero-padded to
 * `valueSlots` = S·M entries; a view into the kernel memory). Throws on a value out of range.
 */
export function spongeWitness(
  values: SpongeValues,
  layout: { elements: number; perElement: number; bits: number; offset: number; valueSlots: number },
  state: BigUint64Array,
): { state: BigUint64Array; trace: SpongeTrace; valueVector: BigUint64Array } {
  // A private instance (a released one if there is: its memory is touched already): the trace
  // and V are returned as views into its memory instead of being copied out.
  // a new instance's memory beyond its constants was never written: V's zero padding is there already
  const fresh = idle === null;
  const { k, dataPtr: base } = idle ?? instantiate();
  idle = null;
  if (state.length !== WIDTH) throw new RangeError(`spongeWitness: state has ${state.length} words`);
  if (layout.elements % 8 !== 0) throw new RangeError('spongeWitness: the element count must be a whole number of blocks');
  if (layout.valueSlots < values.length) throw new RangeError('spongeWitness: more values than slots');
  if (k.storedColumns() !== STORED_COLUMNS || k.storedLayers() !== (LOW_LAYER | (ANCHOR_LAYER << 8) | (HIGH_LAYER << 16))) throw new Error('spongeWitness: kernel and wrapper disagree on the trace layout');
  const blocks = layout.elements / 8;
  const stride = columnStride(blocks);
  // V first: the values are copied to its start as i32 and converted in place at the end
  const vectorPtr = base;
  const elementsPtr = vectorPtr + 8 * layout.valueSlots;
  const statePtr = elementsPtr + 8 * layout.elements;
  const tracePtr = statePtr + 8 * WIDTH;
  const bufPtr = tracePtr + 8 * STORED_COLUMNS * stride;
  const need = bufPtr + 8 * k.traceBlockWords();
  const have = k.memory.buffer.byteLength;
  if (need > have) k.memory.grow(Math.ceil((need - have) / 65536));
  new Int32Array(k.memory.buffer, vectorPtr, values.length).set(values);
  const bad = k.packValues(vectorPtr, values.length, layout.elements, layout.perElement, layout.bits, BigInt(layout.offset), elementsPtr);
  if (bad >= 0) throw new RangeError(`spongeWitness: value ${bad} = ${values[bad]} is out of range`);
  new BigUint64Array(k.memory.buffer, statePtr, WIDTH).set(state);
  if (k.firstNonCanonical(statePtr, WIDTH) >= 0) throw new RangeError('spongeWitness: the state is not canonical');
  k.absorbInterleavedTrace(constsOffset(k), statePtr, elementsPtr, blocks, tracePtr, stride, bufPtr);
  k.valuesToField(vectorPtr, values.length, layout.valueSlots, vectorPtr, fresh ? 0 : 1);
  const trace = new SpongeTrace(k, blocks, { data: base, elements: elementsPtr, trace: tracePtr });
  const out = new BigUint64Array(WIDTH);
  out.set(new BigUint64Array(k.memory.buffer, statePtr, WIDTH));
  return { state: out, trace, valueVector: new BigUint64Array(k.memory.buffer, vectorPtr, layout.valueSlots) };
}
