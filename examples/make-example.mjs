// Writes the bundled quickstart model, examples/tiny-mlp.onnx (8 features → 16 → ReLU → 3
// scores), and a matching examples/input.json. The weights come from a fixed PRNG, so running
// this again reproduces the same bytes; they are not trained: the model exists to be proven.
// Run after the build: `node examples/make-example.mjs` (uses src/onnx/write.ts via dist/).
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeOnnx } from '../dist/src/onnx/write.js';

const here = dirname(fileURLToPath(import.meta.url));
const IN = 8;
const HIDDEN = 16;
const OUT = 3;

// A 32-bit LCG (Numerical Recipes constants), uniform in [-scale, scale).
let state = 20261124;
function uniform(scale) {
  state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
  return (state / 2 ** 32 * 2 - 1) * scale;
}
// Round to 4 decimals so the JSON and the float32 initializers stay short and readable.
const fill = (n, scale) => Float64Array.from({ length: n }, () => Math.round(uniform(scale) * 1e4) / 1e4);
const tensor = (dims, data) => ({ dtype: 'float32', dims, data });

const bytes = writeOnnx({
  name: 'tiny-mlp',
  producer: 'zkinfer examples/make-example.mjs',
  inputs: [{ name: 'features', dtype: 'float32', dims: [1, IN] }],
  outputs: [{ name: 'scores', dtype: 'float32', dims: [1, OUT] }],
  initializers: {
    W1: tensor([IN, HIDDEN], fill(IN * HIDDEN, 0.5)),
    b1: tensor([HIDDEN], fill(HIDDEN, 0.1)),
    W2: tensor([HIDDEN, OUT], fill(HIDDEN * OUT, 0.5)),
    b2: tensor([OUT], fill(OUT, 0.1)),
  },
  nodes: [
    { name: 'fc1', opType: 'Gemm', inputs: ['features', 'W1', 'b1'], outputs: ['h'] },
    { name: 'relu', opType: 'Relu', inputs: ['h'], outputs: ['a'] },
    { name: 'fc2', opType: 'Gemm', inputs: ['a', 'W2', 'b2'], outputs: ['scores'] },
  ],
});
writeFileSync(join(here, 'tiny-mlp.onnx'), bytes);
const input = { features: [[0.5, -0.25, 0.75, 0.1, -0.6, 0.3, 0.9, -0.8]] };
writeFileSync(join(here, 'input.json'), `${JSON.stringify(input)}\n`);
console.log(`examples/tiny-mlp.onnx: ${bytes.length} bytes; examples/input.json written`);
