// The normalized model graph: what src/onnx produces from an ONNX file and what the
// quantizer consumes. It mirrors ONNX (ops keep their ONNX names, domains and attributes)
// but every tensor is decoded, every shape is concrete, and constants are folded.

export type DType =
  | 'float32' | 'float64' | 'float16'
  | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64'
  | 'bool' | 'string';

/**
 * A decoded tensor. Numeric data is held as Float64Array for floats and as the matching
 * typed array for integers (int64/uint64 as BigInt64Array/BigUint64Array); strings as string[].
 */
export interface Tensor {
  readonly dtype: DType;
  readonly dims: readonly number[];
  readonly data: Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array
    | BigInt64Array | BigUint64Array | readonly string[];
}

export type AttrValue =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'ints'; readonly value: readonly number[] }
  | { readonly kind: 'floats'; readonly value: readonly number[] }
  | { readonly kind: 'strings'; readonly value: readonly string[] }
  | { readonly kind: 'tensor'; readonly value: Tensor };

export interface Node {
  /** The ONNX node name, or a generated `<opType>_<index>` when the file has none. */
  readonly name: string;
  readonly opType: string;
  /** '' for the default ONNX domain, 'ai.onnx.ml' for classic ML. */
  readonly domain: string;
  /** Input value names; '' marks an omitted optional input. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs: Readonly<Record<string, AttrValue>>;
}

export interface ValueInfo {
  readonly name: string;
  readonly dtype: DType;
  readonly dims: readonly number[];
}

export interface Graph {
  readonly name: string;
  /** Runtime inputs (initializers excluded), dims concrete after binding symbolic ones. */
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
  /** Constant tensors: initializers, Constant nodes and everything folded from them. */
  readonly initializers: ReadonlyMap<string, Tensor>;
  /** Topologically sorted. */
  readonly nodes: readonly Node[];
  /** dtype and dims of every value (inputs, node outputs, initializers). */
  readonly valueInfo: ReadonlyMap<string, ValueInfo>;
  readonly opsets: Readonly<Record<string, number>>;
}
