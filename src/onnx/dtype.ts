// ONNX TensorProto.DataType codes <-> zkinfer DType names.
import type { DType } from './graph.js';

const CODE_TO_DTYPE: Readonly<Record<number, DType>> = {
  1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64',
  8: 'string', 9: 'bool', 10: 'float16', 11: 'float64', 12: 'uint32', 13: 'uint64',
};

/** Names of the ONNX element types zkinfer does not import, for error messages. */
const UNSUPPORTED_NAMES: Readonly<Record<number, string>> = {
  0: 'UNDEFINED', 14: 'COMPLEX64', 15: 'COMPLEX128', 16: 'BFLOAT16', 17: 'FLOAT8E4M3FN', 18: 'FLOAT8E4M3FNUZ',
  19: 'FLOAT8E5M2', 20: 'FLOAT8E5M2FNUZ', 21: 'UINT4', 22: 'INT4', 23: 'FLOAT4E2M1', 24: 'FLOAT8E8M0',
  25: 'UINT2', 26: 'INT2',
};

export const SUPPORTED_DTYPES: readonly DType[] = Object.values(CODE_TO_DTYPE);

/** The DType for an ONNX element type code, or undefined when zkinfer does not support it. */
export function dtypeFromCode(code: number): DType | undefined {
  return CODE_TO_DTYPE[code];
}

export function onnxTypeName(code: number): string {
  return UNSUPPORTED_NAMES[code] ?? (CODE_TO_DTYPE[code] ?? `type code ${code}`);
}

export function codeFromDtype(dtype: DType): number {
  for (const [code, name] of Object.entries(CODE_TO_DTYPE)) if (name === dtype) return Number(code);
  throw new Error(`no ONNX code for dtype ${dtype}`);
}

export function isFloatType(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64' || dtype === 'float16';
}

export function isIntType(dtype: DType): boolean {
  return !isFloatType(dtype) && dtype !== 'bool' && dtype !== 'string';
}
