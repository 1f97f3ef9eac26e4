// zkinfer's library entry: the pipeline (compile → setup → prove → verify), the file formats,
// the ONNX front end, and the building blocks as namespaces. Works in Node and in browsers:
// nothing here imports a Node module (Node-only helpers such as importOnnxFile, which reads
// files, are imported from their modules directly: zkinfer/dist/src/onnx/load-file.js).
//
//   const graph = compile(onnxBytes);                       // quantized integer model
//   const { pk, vk } = setup(graph, { weights: 'public' });
//   const inputs = quantizeInputs(graph, { x: tensor }).tensors;
//   const { proof } = prove(pk, inputs, { context: 'verifier A' });
//   const { outputs } = verify(vk, proof, { context: 'verifier A' });   // throws when invalid

// compile: ONNX → quantized integer graph, and its exact execution
export { compile, compileGraph, loadModel, quantizeInputs, runCompiled, type CompileOptions, type RunResult } from './quant/compile.js';
export { DEFAULT_BITS } from './quant/quantize.js';
export { parseInputs } from './quant/inputs.js';
export { accuracy } from './quant/accuracy.js';
export { execute, InputError } from './ir/execute.js';
export { inspect, formatSummary, type ModelSummary, type LayerSummary } from './ir/inspect.js';
export { readCompiled, writeCompiled } from './ir/format.js';
export { CompileError, type IrGraph, type IrTensor, type IrValueInfo, type IrNode, type IrInput, type IrOutput } from './ir/types.js';

// setup, prove, verify
export { setup, type SetupOptions, type SetupResult } from './prove/setup.js';
export { prove, FalsePredicateError, type ProveOptions, type ProveResult, type ProveStep } from './prove/prove.js';
export { verify, type VerifyOptions, type VerifyResult } from './verify/verify.js';
export { UnsupportedModelError } from './verify/plan.js';
// attested inputs: the issuer's side and the message its signature covers
export { issueAttestation, attestedDigest, type IssuedAttestation } from './prove/attested.js';
export { attestationMessage, type Attestation } from './verify/attested.js';

// keys and proofs: binary, canonical, versioned (a file of another kind or version is refused)
export { serializeProvingKey, deserializeProvingKey, type ProvingKey } from './prove/keys.js';
export { serializeVerifyingKey, deserializeVerifyingKey, verifyingKeyHash, type VerifyingKey, type InputVisibility, type OutputVisibility } from './verify/vk.js';
export { serializeProofFile, deserializeProofFile, type ProofFile } from './verify/proof-file.js';
export { FORMAT_VERSION } from './verify/container.js';
export { thresholdToInteger, type Statement, type OutputStatement, type Predicate } from './verify/statement.js';
export { parsePredicate, compilePredicate, describePredicate, type PredicateSpec } from './verify/predicate-spec.js';
export { selectOutputs } from './ir/select-outputs.js';
export { FormatError, VerificationError } from './encoding/errors.js';

// the ONNX front end
export { importOnnx } from './onnx/import.js';
export { loadOnnx, OnnxImportError, type LoadOptions } from './onnx/load.js';
export { evaluateFloat } from './onnx/float-eval.js';
export { writeOnnx, attr, type WriteModel, type WriteNode, type WriteValue } from './onnx/write.js';
export { SUPPORTED_OPS } from './onnx/supported.js';
export type { Graph, Tensor, DType, ValueInfo } from './onnx/graph.js';

// building blocks
export * as field from './field/index.js';
export * as poly from './poly/index.js';
export * as pcs from './pcs/index.js';
export * as sumcheck from './sumcheck/index.js';
export * as lookup from './lookup/index.js';
export * as hash from './hash/index.js';
export { Transcript } from './transcript/transcript.js';
