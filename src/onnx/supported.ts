// The ops zkinfer imports, by domain ('' is the default ONNX domain). docs/ops.md documents them.
// Anything else is refused at load time with a message that points here and to docs/ops.md.

export const SUPPORTED_OPS: Readonly<Record<string, readonly string[]>> = {
  '': [
    // linear
    'MatMul', 'Gemm', 'Conv', 'ConvTranspose', 'Add', 'Sub', 'Mul', 'Div', 'Sum', 'BatchNormalization',
    'AveragePool', 'GlobalAveragePool', 'ReduceSum', 'ReduceMean', 'Einsum', 'Neg', 'Mean',
    // nonlinear
    'Relu', 'LeakyRelu', 'PRelu', 'Clip', 'Sigmoid', 'Tanh', 'Exp', 'Log', 'Erf', 'Gelu', 'Softplus',
    'HardSigmoid', 'HardSwish', 'Elu', 'Sqrt', 'Reciprocal', 'Pow', 'Softmax', 'LogSoftmax',
    'LayerNormalization', 'InstanceNormalization', 'MaxPool', 'GlobalMaxPool', 'ReduceMax', 'ReduceMin',
    'ArgMax', 'ArgMin', 'Max', 'Min', 'Less', 'LessOrEqual', 'Greater', 'GreaterOrEqual', 'Equal', 'Where',
    'Not', 'And', 'Or', 'Xor', 'Abs', 'Floor', 'Ceil', 'Round', 'TopK',
    // shape and data movement
    'Reshape', 'Flatten', 'Transpose', 'Squeeze', 'Unsqueeze', 'Concat', 'Slice', 'Split', 'Pad', 'Gather',
    'GatherElements', 'Expand', 'Tile', 'Resize', 'Upsample', 'Shape', 'ConstantOfShape', 'Size', 'OneHot',
    'Cast', 'CastLike', 'Identity', 'Dropout', 'Constant',
    // pre-quantized models
    'QuantizeLinear', 'DequantizeLinear', 'QLinearMatMul', 'QLinearConv', 'MatMulInteger',
  ],
  'ai.onnx.ml': [
    'LinearClassifier', 'LinearRegressor', 'TreeEnsembleClassifier', 'TreeEnsembleRegressor', 'Scaler',
    'Normalizer', 'ZipMap', 'ArrayFeatureExtractor',
  ],
};

/** The range of default-domain opsets whose semantics the importer implements. */
export const DEFAULT_OPSET_RANGE = { min: 9, max: 25 } as const;

/**
 * For models declaring a default-domain opset below 9: the version of each op's schema that is in
 * effect at opset 9 (its since_version in the ONNX operator changelog). When every node's op has
 * since_version ≤ the model's opset, each node means exactly what it means at opset 9, so the
 * model is read as an opset-9 model; any other op is refused by name. Ops missing here (or
 * introduced after opset 9) are refused below opset 9.
 */
export const SINCE_VERSION_AT_OPSET_9: Readonly<Record<string, number>> = {
  Not: 1, Identity: 1, Transpose: 1, Softmax: 1, LogSoftmax: 1, ArgMax: 1, ArgMin: 1, ReduceSum: 1,
  ReduceMean: 1, ReduceMax: 1, ReduceMin: 1, GlobalAveragePool: 1, GlobalMaxPool: 1, Softplus: 1, Conv: 1,
  Squeeze: 1, Unsqueeze: 1, Slice: 1, Gather: 1, Shape: 1, Size: 1,
  Split: 2, Pad: 2, Concat: 4, Reshape: 5,
  Relu: 6, Sigmoid: 6, Tanh: 6, Exp: 6, Log: 6, Sqrt: 6, Reciprocal: 6, Floor: 6, Ceil: 6, Abs: 6, Neg: 6,
  LeakyRelu: 6, Elu: 6, HardSigmoid: 6, Clip: 6, Tile: 6, InstanceNormalization: 6,
  Add: 7, Sub: 7, Mul: 7, Div: 7, Pow: 7, And: 7, Or: 7, Xor: 7, Equal: 7, AveragePool: 7, Dropout: 7,
  Max: 8, Min: 8, Sum: 8, Mean: 8, MaxPool: 8, Expand: 8,
};

export function isSupportedOp(domain: string, opType: string): boolean {
  return SUPPORTED_OPS[domain]?.includes(opType) ?? false;
}

/** '' and 'ai.onnx' both name the default domain. */
export function canonicalDomain(domain: string | null | undefined): string {
  return domain === undefined || domain === null || domain === 'ai.onnx' ? '' : domain;
}
