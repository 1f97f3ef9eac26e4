// The digest's sponge run with its witness (the digest proof's trace), on a private instance of
// the Poseidon2 kernel (assembly/poseidon2.ts) whose memory holds everything the run produced.
//
// Why this shape: the witness's cost was the first touch of fresh memory (on this machine a
// page touched for the first time costs ~10× a permutation's worth of work per word written), so
// the run writes as little as it can: of the 32 layers × 12 slots of every permutation it stores
// 62 columns (layer 0's capacity, layers 3, 27 and 29, slot 0 of each partial round's S-box
// input); the rate slots of layer 0 are the packed elements themselves. (Storing layers 3 and
// 29 costs less than computing layers 1 … 4 and 28 … 30 from layers 0 and 27 would.) The prover walks the layers from the
// output back to the input (TraceLayers), and gets each layer when it reaches it, in place in
// the same memory: a full round's layer forward from the stored layer below it (at most two
// rounds per permutation), a partial round's slots 1 … 11 backward from the layer above
// (u_r[s] = (y_s − S)/d_s, see recoverPartialLayer in the kernel). The value vector V is
// converted in place over the copy of the values, so it costs no memory of its own.
import * as F from '../field/goldilocks.js';
import { constsOffset, instantiate, WIDTH, type Poseidon2Kernel } from './poseidon2-wasm.js';
import { POSEIDON2_GOLDILOCKS_12 } from './poseidon2-params.js';

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
const AUX_WORDS = 2 * WIDTH - 1;

/** The values the sponge takes: 32-bit integers, or a narrower typed array converted on the way in. */
export type SpongeValues = Int32Array | Int16Array | Uint16Array | Int8Array | Uint8Array;

let recoverAux: BigUint64Array | undefined;

/**
 * A kernel instance whose witness was released (SpongeTrace.release), kept for the next run:
 * its memory has been touched already, and writing there costs a small fraction of fresh memory.
 */
let idle: { k: Poseidon2Kernel; dataPtr: number } | null = null;

/** The recovery constants of every partial layer (AUX_WORDS each, indexed by layer − FIRST_PARTIAL_LAYER). */
function recoveryConstants(): BigUint64Array {
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

/**
 * A walk over the layers with two buffers of 12 columns (buffer = layer mod 2): a layer that is
 * not stored is computed into its buffer, so its columns stay valid until the layer two below
 * (or any other of the same parity) is asked for.
 */
class LayerWalk {
  /** The layer held in each buffer, or -1. */
  private readonly held = [-1, -1];

  constructor(
    private readonly t: SpongeTrace,
    private readonly buffers: readonly [number, number],
    private readonly valid: () => boolean,
  ) {}

  layer(layer: number): BigUint64Array[] {
    if (!this.valid()) throw new Error('TraceLayers: a newer walk over this witness took its buffers, or the witness was released');
    const stored = this.t.storedLayer(layer);
    if (stored) return stored;
    const buf = this.buffers[layer & 1];
    if (this.held[layer & 1] !== layer) {
      if (layer < FIRST_PARTIAL_LAYER || layer > ANCHOR_LAYER) this.t.forward(WHOLE_LAYERS.find((l) => l < layer)!, layer, buf);
      else {
        // the layer above: the stored anchor, held in the other buffer, or else recovered there from the anchor down
        if (layer + 1 !== ANCHOR_LAYER && this.held[(layer + 1) & 1] !== layer + 1) this.layer(layer + 1);
        this.t.recover(layer, layer + 1 === ANCHOR_LAYER ? null : this.buffers[(layer + 1) & 1], buf);
      }
      this.held[layer & 1] = layer;
    }
    const cols = Array.from({ length: WIDTH }, (_, s) => this.t.view(buf + 8 * s * this.t.stride));
    if (layer >= FIRST_PARTIAL_LAYER && layer <= LAST_PARTIAL_LAYER) cols[0] = this.t.storedColumn(layer, 0)!;
    return cols;
  }
}

/**
 * The trace of a sponge run: the stored columns and the means to compute the others, all in the
 * private kernel instance's memory (which nothing else writes to or grows, so the views stay
 * valid as long as the trace lives).
 */
export class SpongeTrace {
  readonly stride: number;
  /** Words the run stored (STORED_COLUMNS columns). */
  readonly storedWords: number;
  private readonly consts: number;
  private readonly walkBuffers: readonly [number, number];
  /** The walk of layerColumn's random accesses (its own buffers: a prover's walk is never disturbed). */
  private readonly lookup: LayerWalk;
  private walks = 0;
  private released = false;

  constructor(
    private readonly k: Poseidon2Kernel,
    readonly blocks: number,
    private readonly ptr: { data: number; elements: number; trace: number; aux: number; table: number; buffers: number },
  ) {
    this.stride = columnStride(blocks);
    this.storedWords = STORED_COLUMNS * this.stride;
    this.consts = constsOffset(k);
    const layerBytes = 8 * WIDTH * this.stride;
    const b = ptr.buffers;
    this.walkBuffers = [b, b + layerBytes];
    this.lookup = new LayerWalk(this, [b + 2 * layerBytes, b + 3 * layerBytes], () => !this.released);
  }

  /** Bytes of kernel memory after the trace itself: the recovery constants, a pointer table, four layer buffers. */
  static extraBytes(blocks: number): number {
    return 8 * ((LAST_PARTIAL_LAYER + 1 - FIRST_PARTIAL_LAYER) * AUX_WORDS + WIDTH / 2 + 4 * WIDTH * columnStride(blocks));
  }

  /** Writes the recovery constants (once, at the run). */
  init(): void {
    const aux = recoveryConstants();
    new BigUint64Array(this.k.memory.buffer, this.ptr.aux, aux.length).set(aux);
  }

  view(ptr: number): BigUint64Array {
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

  /** Layer `to` computed forward from the stored layer `from` into the 12 columns at `dst`. */
  forward(from: number, to: number, dst: number): void {
    const table = new Uint32Array(this.k.memory.buffer, this.ptr.table, WIDTH);
    for (let s = 0; s < WIDTH; s++) table[s] = this.storedPtr(from, s);
    this.k.forwardLayers(this.consts, this.ptr.table, from, to, dst, this.stride, this.blocks);
  }

  /** Slots 1 … 11 of partial layer `layer` into the buffer at `dst`, from the layer above (the anchor when `above` is null, else the buffer at `above`). */
  recover(layer: number, above: number | null, dst: number): void {
    const next0 = this.storedPtr(layer + 1, 0);
    const nextRest = above === null ? this.storedPtr(ANCHOR_LAYER, 1) : above + 8 * this.stride;
    const aux = this.ptr.aux + 8 * AUX_WORDS * (layer - FIRST_PARTIAL_LAYER);
    // S goes to the buffer's slot-0 column, which a partial layer never uses (its slot 0 is stored)
    this.k.recoverPartialLayer(this.consts, next0, nextRest, this.storedPtr(layer, 0), dst + 8 * this.stride, this.blocks, this.stride, aux, dst);
  }

  /** A new walk (TraceLayers); it takes the walk buffers from any earlier walk, which then refuses to serve. */
  walk(): { layer(layer: number): BigUint64Array[] } {
    const id = ++this.walks;
    return new LayerWalk(this, this.walkBuffers, () => this.walks === id && !this.released);
  }

  /** One column: a view if it is stored, else a fresh array (computed with buffers no TraceLayers walk uses). */
  column(layer: number, slot: number): BigUint64Array {
    if (this.released) throw new Error('layerColumn: the witness was released');
    return this.storedColumn(layer, slot) ?? this.lookup.layer(layer)[slot].slice();
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
  const auxPtr = bufPtr + 8 * k.traceBlockWords();
  const tablePtr = auxPtr + 8 * (LAST_PARTIAL_LAYER + 1 - FIRST_PARTIAL_LAYER) * AUX_WORDS;
  const need = bufPtr + 8 * k.traceBlockWords() + SpongeTrace.extraBytes(blocks);
  const have = k.memory.buffer.byteLength;
  if (need > have) k.memory.grow(Math.ceil((need - have) / 65536));
  new Int32Array(k.memory.buffer, vectorPtr, values.length).set(values);
  const bad = k.packValues(vectorPtr, values.length, layout.elements, layout.perElement, layout.bits, BigInt(layout.offset), elementsPtr);
  if (bad >= 0) throw new RangeError(`spongeWitness: value ${bad} = ${values[bad]} is out of range`);
  new BigUint64Array(k.memory.buffer, statePtr, WIDTH).set(state);
  if (k.firstNonCanonical(statePtr, WIDTH) >= 0) throw new RangeError('spongeWitness: the state is not canonical');
  k.absorbInterleavedTrace(constsOffset(k), statePtr, elementsPtr, blocks, tracePtr, stride, bufPtr);
  k.valuesToField(vectorPtr, values.length, layout.valueSlots, vectorPtr, fresh ? 0 : 1);
  const trace = new SpongeTrace(k, blocks, { data: base, elements: elementsPtr, trace: tracePtr, aux: auxPtr, table: tablePtr, buffers: tablePtr + 8 * (WIDTH / 2) });
  trace.init();
  const out = new BigUint64Array(WIDTH);
  out.set(new BigUint64Array(k.memory.buffer, statePtr, WIDTH));
  return { state: out, trace, valueVector: new BigUint64Array(k.memory.buffer, vectorPtr, layout.valueSlots) };
}
