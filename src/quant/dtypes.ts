// Declared integer ranges of ONNX integer types, and float/int classification.
import { CompileError } from '../ir/types.js';

export function isFloatDtype(dtype: string): boolean {
  return dtype === 'float32' || dtype === 'float64' || dtype === 'float16';
}

/**
 * The declared range of an integer input. 32- and 64-bit integer inputs are declared as int32
 * (the prover range-checks them to 32 bits): a full 64-bit range leaves no room below p/2.
 */
export function integerBounds(dtype: string, name: string): [bigint, bigint] {
  switch (dtype) {
    case 'bool': return [0n, 1n];
    case 'int8': return [-128n, 127n];
    case 'uint8': return [0n, 255n];
    case 'int16': return [-32768n, 32767n];
    case 'uint16': return [0n, 65535n];
    case 'int32': case 'int64': return [-(2n ** 31n), 2n ** 31n - 1n];
    case 'uint32': case 'uint64': return [0n, 2n ** 32n - 1n];
    default: throw new CompileError(`value ${name} has type ${dtype}, which the integer graph cannot represent`);
  }
}
