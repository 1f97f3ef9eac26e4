// The digest proof's witness (prover side): the value vector V that the proof binds to a
// commitment, and the layers of every permutation of the digest's sponge run.
import { packingLayout, type PackingLayout } from './packing.js';
import { digestIv, type Digest, type DigestOptions, type DigestValues, type Salt } from './digest.js';
import { TRACE_LAYERS, WIDTH } from './poseidon2-wasm.js';
import { SpongeTrace, spongeWitness, type LayerWalk, type SpongeValues } from './sponge-trace.js';
import type { Fp2 } from '../field/ext.js';
import { RATE } from './sponge.js';
import { sumcheckKernel } from '../sumcheck/kernel.js';
import { startFieldPool } from '../field/kernel.js';

export interface DigestWitness {
  readonly options: DigestOptions;
  readonly layout: PackingLayout;
  /** Permutations, P = M/8 (a power of two ≥ 2), and log2 P. */
  readonly blocks: number;
  readonly logBlocks: number;
  /** V: the values as field elements, zero-padded to S·M entries; value index l·M + s·P + i. */
  readonly valueVector: BigUint64Array;
  /**
   * The 32 layers of every permutation (layer 0 = input, 1 + r = S-box input of round r, 31 =
   * output): the sponge run's SpongeTrace (a few columns stored, the rest computed when asked
   * for), or a full trace (permuteBatchTrace, tests: column layer·12 + slot, P words each).
   * Read it through layerColumn or TraceLayers.
   */
  readonly trace: SpongeTrace | BigUint64Array;
  readonly iv: readonly bigint[];
  readonly digest: Digest;
}

/** Typed arrays go to the kernel as they are (8- and 16-bit ones always fit an i32); a plain array is checked. */
function toSpongeValues(values: DigestValues): SpongeValues {
  if (ArrayBuffer.isView(values)) return values;
  const out = Int32Array.from(values as ArrayLike<number>);
  for (let i = 0; i < out.length; i++) {
    if (out[i] !== (values as ArrayLike<number>)[i]) throw new RangeError(`digestWitness: value ${i} is not a 32-bit integer`);
  }
  return out;
}

export function digestWitness(values: DigestValues, salt: Salt, options: DigestOptions): DigestWitness {
  // The proof's sumcheck rounds and the commitments' encoding run on worker pools: in a
  // process's first proof their workers boot (~85 ms each) on the other core while the sponge
  // runs here.
  sumcheckKernel().startPool();
  startFieldPool();
  const layout = packingLayout(options.format, values.length);
  const iv = digestIv(options, values.length, salt);
  const state = new BigUint64Array(WIDTH);
  state.set(iv, RATE);
  const run = spongeWitness(toSpongeValues(values), { ...layout, bits: options.format.bits, valueSlots: layout.slots * layout.elements }, state);
  const blocks = layout.elements / RATE;
  return {
    options,
    layout,
    blocks,
    logBlocks: Math.log2(blocks),
    valueVector: run.valueVector,
    trace: run.trace,
    iv,
    digest: [run.state[0], run.state[1], run.state[2], run.state[3]],
  };
}

function checkColumn(layer: number, slot: number): void {
  if (layer < 0 || layer >= TRACE_LAYERS || slot < 0 || slot >= WIDTH) throw new RangeError(`layerColumn: no layer ${layer} slot ${slot}`);
}

/** Column (layer, slot) of a full trace (permuteBatchTrace: 384 columns, `blocks` words apart), as a view. */
function fullColumn(trace: BigUint64Array, blocks: number, layer: number, slot: number): BigUint64Array {
  if (trace.length !== TRACE_LAYERS * WIDTH * blocks) throw new RangeError(`digest witness: a trace of ${trace.length} words for ${blocks} permutations`);
  const col = layer * WIDTH + slot;
  return trace.subarray(col * blocks, (col + 1) * blocks);
}

/**
 * Slot `slot` of layer `layer` over all permutations: a view for a stored column, else a fresh
 * array computed from the stored ones (tests and inspection; the prover walks the layers with
 * TraceLayers).
 */
export function layerColumn(w: Pick<DigestWitness, 'trace' | 'blocks'>, layer: number, slot: number): BigUint64Array {
  checkColumn(layer, slot);
  return w.trace instanceof SpongeTrace ? w.trace.column(layer, slot) : fullColumn(w.trace, w.blocks, layer, slot);
}

/**
 * The trace layer by layer, from the output towards the input (the order of the digest proof's
 * batches): stored layers are views; any other layer is computed when asked for (see
 * ./sponge-trace.ts) into one of two buffers, so its columns stay valid until the layer two
 * below is asked for. A walk over a sponge trace holds sumcheck kernel memory until close():
 * close walks in the reverse order of their creation.
 */
export class TraceLayers {
  private readonly walk: LayerWalk | null;

  constructor(private readonly w: Pick<DigestWitness, 'trace' | 'blocks'>) {
    this.walk = w.trace instanceof SpongeTrace ? w.trace.walk() : null;
  }

  /** The 12 columns of `layer`. */
  layer(layer: number): BigUint64Array[] {
    checkColumn(layer, 0);
    if (this.walk) return this.walk.layer(layer);
    const trace = this.w.trace as BigUint64Array;
    return Array.from({ length: WIDTH }, (_, s) => fullColumn(trace, this.w.blocks, layer, s));
  }

  /**
   * Slot 0 of partial layer `layer` and the combination Σ_{s≥1} a_s·u[s] of its other slots (an
   * extension vector; valid until the next call), what the digest prover takes of a partial
   * round: from a sponge trace, combined in the kernel memory where the slots were recovered
   * (they are never copied out).
   */
  partialLayer(layer: number, a: readonly Fp2[]): [BigUint64Array, BigUint64Array] {
    checkColumn(layer, 0);
    if (this.walk) return this.walk.partialLayer(layer, a);
    const cols = this.layer(layer);
    return [cols[0], sumcheckKernel().combineBase(cols.slice(1), a)];
  }

  /** Gives the walk's memory back; the walk refuses to serve afterwards. */
  close(): void {
    this.walk?.close();
  }
}

/**
 * Gives the witness's kernel memory to the next digestWitness (whose run then writes memory that
 * is already touched: fresh pages cost most of a run's time). Call it when the proof that used the
 * witness is complete: V and the trace's columns become empty arrays.
 */
export function releaseDigestWitness(w: Pick<DigestWitness, 'trace'>): void {
  if (w.trace instanceof SpongeTrace) w.trace.release();
}
