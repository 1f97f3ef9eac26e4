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

export function isSupportedOp(domain: string, opType: string): boolean {
  return SUPPORTED_OPS[domain]?.includes(opType) ?? false;
}

/** '' and 'ai.onnx' both name the default domain. */
export function canonicalDomain(domain: string | null | undefined): string {
  return domain === undefined || domain === null || domain === 'ai.onnx' ? '' : domain;
}
