// The digest proof's witness (prover side): the value vector V that the proof binds to a
// commitment, and the layers of every permutation of the digest's sponge run.
import { packingLayout, type PackingLayout } from './packing.js';
import { digestIv, type Digest, type DigestOptions, type DigestValues, type Salt } from './digest.js';
import { FIRST_PARTIAL_LAYER, LAST_PARTIAL_LAYER, recoverPartialLayer, spongeWitness, STORED_COLUMNS, storedColumn, TRACE_LAYERS, WIDTH } from './poseidon2-wasm.js';
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
   * Layer-major, column-strided (stride ≥ P words between columns), in one of two layouts:
   * the sponge witness stores STORED_COLUMNS columns (column storedColumn(layer, slot); a
   * partial round's slots 1 … 11 are recovered from the next layer), a full trace
   * (permuteBatchTrace, tests) all 384 (column layer·12 + slot). Layer 0 = input, 1 + r =
   * S-box input of round r, 31 = output. Read it through layerColumn or TraceLayers.
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

/** Columns of the trace and the stride between them; the layout follows from the length. */
function traceLayout(w: Pick<DigestWitness, 'trace' | 'blocks'>): { stride: number; compact: boolean } {
  // the sponge witness pads the stride by a few words (traceColumnStride), a full trace does not
  for (const [columns, compact] of [[STORED_COLUMNS, true], [TRACE_LAYERS * WIDTH, false]] as const) {
    const stride = w.trace.length / columns;
    if (Number.isInteger(stride) && stride >= w.blocks && stride <= w.blocks + 64) return { stride, compact };
  }
  throw new RangeError(`digest witness: a trace of ${w.trace.length} words for ${w.blocks} permutations`);
}

function checkColumn(layer: number, slot: number): void {
  if (layer < 0 || layer >= TRACE_LAYERS || slot < 0 || slot >= WIDTH) throw new RangeError(`layerColumn: no layer ${layer} slot ${slot}`);
}

/** A stored column (a view into the trace), or null for a recovered one. */
function storedView(w: Pick<DigestWitness, 'trace' | 'blocks'>, layer: number, slot: number): BigUint64Array | null {
  const { stride, compact } = traceLayout(w);
  const col = compact ? storedColumn(layer, slot) : layer * WIDTH + slot;
  return col < 0 ? null : w.trace.subarray(col * stride, col * stride + w.blocks);
}

/**
 * Slot `slot` of layer `layer` over all permutations: a view into the trace, or for a partial
 * round's slots 1 … 11 of the sponge witness a fresh array recovered from the layers above it
 * (tests and inspection; the prover walks the layers with TraceLayers).
 */
export function layerColumn(w: Pick<DigestWitness, 'trace' | 'blocks'>, layer: number, slot: number): BigUint64Array {
  checkColumn(layer, slot);
  return storedView(w, layer, slot) ?? new TraceLayers(w).layer(layer)[slot].slice();
}

/**
 * The trace layer by layer, from the output towards the input (the order of the digest proof's
 * batches): stored layers are views; a partial round's layer is recovered from the one above
 * it into one of two buffers, so its columns stay valid until the layer two below is asked for.
 */
export class TraceLayers {
  private readonly buffers: BigUint64Array[][];
  /** The recovered layer held in each buffer (buffer = layer mod 2), or -1. */
  private readonly held = [-1, -1];

  constructor(private readonly w: Pick<DigestWitness, 'trace' | 'blocks'>) {
    this.buffers = traceLayout(w).compact ? [0, 1].map(() => Array.from({ length: WIDTH - 1 }, () => new BigUint64Array(w.blocks))) : [];
  }

  /** The 12 columns of `layer`. */
  layer(layer: number): BigUint64Array[] {
    checkColumn(layer, 0);
    const slot0 = storedView(this.w, layer, 0)!;
    const rest = Array.from({ length: WIDTH - 1 }, (_, s) => storedView(this.w, layer, 1 + s));
    if (rest[0] !== null) return [slot0, ...(rest as BigUint64Array[])];
    const buf = this.buffers[layer & 1];
    if (this.held[layer & 1] !== layer) {
      const next = layer === LAST_PARTIAL_LAYER || this.held[(layer + 1) & 1] === layer + 1 ? this.layer(layer + 1) : this.recoverFromTop(layer + 1);
      recoverPartialLayer(layer, next, slot0, buf);
      this.held[layer & 1] = layer;
    }
    return [slot0, ...buf];
  }

  /** Recovers every partial layer from the last one down to `layer` (random access). */
  private recoverFromTop(layer: number): BigUint64Array[] {
    let cols: BigUint64Array[] = [];
    for (let l = LAST_PARTIAL_LAYER; l >= Math.max(layer, FIRST_PARTIAL_LAYER); l--) cols = this.layer(l);
    return layer > LAST_PARTIAL_LAYER ? this.layer(layer) : cols;
  }
}
