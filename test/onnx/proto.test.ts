// TensorProto decoding: every typed field, raw_data for each width, float16, strings, and the
// exactness of int64 (no detour through doubles).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { proto, tensorFromProto, halfToNumber } from '../../src/onnx/proto.js';
import { tensorToProto } from '../../src/onnx/write.js';
import { tensorFrom, stringTensor, f64 } from '../../src/onnx/tensor.js';
import type { Tensor } from '../../src/onnx/graph.js';
import { OnnxImportError } from '../../src/onnx/errors.js';

const decode = (tp: Parameters<typeof proto.TensorProto.create>[0]): Tensor =>
  tensorFromProto(proto.TensorProto.decode(proto.TensorProto.encode(proto.TensorProto.create(tp)).finish()), {});

test('typed fields: float_data, double_data, int32_data (int8/uint16/bool), int64_data, uint64_data, string_data', () => {
  assert.deepEqual(Array.from(decode({ dims: [3], dataType: 1, floatData: [1.5, -2, 0.25] }).data as Float64Array), [1.5, -2, 0.25]);
  assert.deepEqual(Array.from(decode({ dims: [2], dataType: 11, doubleData: [0.1, 1e300] }).data as Float64Array), [0.1, 1e300]);
  assert.deepEqual(Array.from(decode({ dims: [3], dataType: 3, int32Data: [-128, 0, 127] }).data as Int8Array), [-128, 0, 127]);
  assert.deepEqual(Array.from(decode({ dims: [2], dataType: 4, int32Data: [65535, 7] }).data as Uint16Array), [65535, 7]);
  assert.deepEqual(Array.from(decode({ dims: [3], dataType: 9, int32Data: [1, 0, 1] }).data as Uint8Array), [1, 0, 1]);
  const big = decode({ dims: [2], dataType: 7, int64Data: [5, -3] });
  assert.deepEqual(Array.from(big.data as BigInt64Array), [5n, -3n]);
  const u64 = decode({ dims: [1], dataType: 13, uint64Data: [42] });
  assert.deepEqual(Array.from(u64.data as BigUint64Array), [42n]);
  const i64 = decode({ dims: [1], dataType: 7, rawData: new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]) });
  assert.equal((i64.data as BigInt64Array)[0], 0x7fffffffffffffffn, 'INT64_MAX survives exactly');
  const s = decode({ dims: [2], dataType: 8, stringData: [new TextEncoder().encode('héllo'), new Uint8Array(0)] });
  assert.deepEqual(s.data, ['héllo', '']);
  const f16 = decode({ dims: [3], dataType: 10, int32Data: [0x3c00, 0xc000, 0x7bff] });
  assert.deepEqual(Array.from(f16.data as Float64Array), [1, -2, 65504]);
  assert.equal(halfToNumber(0x0001), 2 ** -24);
});

test('writer and reader agree for every dtype through raw_data (int64 bit-exact)', () => {
  const cases: Tensor[] = [
    tensorFrom('float32', [2, 2], [1.25, -3.5, 1e-8, 3e38]),
    tensorFrom('float64', [2], [Math.PI, -1e-300]),
    tensorFrom('int8', [3], [-128, 5, 127]), tensorFrom('uint8', [2], [0, 255]),
    tensorFrom('int16', [2], [-32768, 32767]), tensorFrom('uint16', [1], [65535]),
    tensorFrom('int32', [2], [-(2 ** 31), 2 ** 31 - 1]), tensorFrom('uint32', [1], [2 ** 32 - 1]),
    { dtype: 'int64', dims: [3], data: BigInt64Array.from([-(2n ** 63n), 2n ** 63n - 1n, 12345678901234567n]) },
    { dtype: 'uint64', dims: [1], data: BigUint64Array.from([2n ** 64n - 1n]) },
    tensorFrom('bool', [3], [1, 0, 1]),
    stringTensor([2], ['a', 'bc']),
  ];
  for (const t of cases) {
    const back = tensorFromProto(proto.TensorProto.decode(proto.TensorProto.encode(proto.TensorProto.create(tensorToProto('t', t))).finish()), {});
    assert.equal(back.dtype, t.dtype);
    assert.deepEqual(back.dims, t.dims);
    if (t.dtype === 'int64' || t.dtype === 'uint64' || t.dtype === 'string') assert.deepEqual(Array.from(back.data as ArrayLike<unknown>), Array.from(t.data as ArrayLike<unknown>));
    else assert.deepEqual(Array.from(f64(back)), Array.from(f64(t)));
  }
});

test('a raw_data length that does not match the dims is a clear error', () => {
  assert.throws(() => decode({ name: 'w', dims: [4], dataType: 1, rawData: new Uint8Array(12) }),
    (e: unknown) => e instanceof OnnxImportError && /tensor 'w'.*raw_data holds 12 bytes, expected 16/.test(e.message));
  assert.throws(() => decode({ name: 'v', dims: [3], dataType: 1, floatData: [1, 2] }),
    (e: unknown) => e instanceof OnnxImportError && /float_data.*holds 2 values, expected 3/.test(e.message));
});
