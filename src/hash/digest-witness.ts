// The digest proof's witness (prover side): the value vector V that the proof binds to a
// commitment, and the layers of every permutation of the digest's sponge run.
import { packingLayout, type PackingLayout } from './packing.js';
import { digestIv, type Digest, type DigestOptions, type DigestValues, type Salt } from './digest.js';
import { spongeWitness, TRACE_LAYERS, WIDTH } from './poseidon2-wasm.js';
import { RATE } from './sponge.js';

export interface DigestWitness {
  readonly options: DigestOptions;
  readonly layout: PackingLayout;
  /** Permutations, P = M/8 (a power of two ≥ 2), and log2 P. */
  readonly blocks: number;
  readonly logBlocks: number;
  /** V: the values as field elements, zero-padded to S·M entries; value index l·M + s·P + i. */
  readonly valueVector: BigUint64Array;
  /**
   * Layer-major: word (layer·12 + slot)·stride + i, stride = length/384 ≥ P (the sponge
   * witness pads it: traceColumnStride); layer 0 = input, 1 + r = S-box input of round r, 31 =
   * output. Read it through layerColumn.
   */
  readonly trace: BigUint64Array;
  readonly iv: readonly bigint[];
  readonly digest: Digest;
}

function toInt32(values: DigestValues): Int32Array {
  if (values instanceof Int32Array) return values;
  if (ArrayBuffer.isView(values)) {
    // 8- and 16-bit typed arrays always fit: a typed copy (Int32Array.from takes a generic path).
    const out = new Int32Array(values.length);
    out.set(values);
    return out;
  }
  const out = Int32Array.from(values as ArrayLike<number>);
  for (let i = 0; i < out.length; i++) {
    if (out[i] !== (values as ArrayLike<number>)[i]) throw new RangeError(`digestWitness: value ${i} is not a 32-bit integer`);
  }
  return out;
}

export function digestWitness(values: DigestValues, salt: Salt, options: DigestOptions): DigestWitness {
  const layout = packingLayout(options.format, values.length);
  const iv = digestIv(options, values.length, salt);
  const state = new BigUint64Array(WIDTH);
  state.set(iv, RATE);
  const run = spongeWitness(toInt32(values), { ...layout, bits: options.format.bits, valueSlots: layout.slots * layout.elements }, state);
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

/** Slot `slot` of layer `layer` over all permutations (a view into the trace). */
export function layerColumn(w: Pick<DigestWitness, 'trace' | 'blocks'>, layer: number, slot: number): BigUint64Array {
  if (layer < 0 || layer >= TRACE_LAYERS || slot < 0 || slot >= WIDTH) throw new RangeError(`layerColumn: no layer ${layer} slot ${slot}`);
  // The column stride follows from the length: traceColumnStride(P) for the sponge witness,
  // P for an unpadded layer-major trace (permuteBatchTrace).
  const stride = w.trace.length / (TRACE_LAYERS * WIDTH);
  if (!Number.isInteger(stride) || stride < w.blocks) throw new RangeError(`layerColumn: a trace of ${w.trace.length} words for ${w.blocks} permutations`);
  const start = (layer * WIDTH + slot) * stride;
  return w.trace.subarray(start, start + w.blocks);
}
