// The ONNX backend node tests (../shared/testdata/onnx-node) for every op zkinfer imports:
// evaluateFloat on the loaded graph, and again after normalizeGraph (with the tests' int64
// shape inputs bound as constants), must match output_N.pb within 1e-5 + 1e-4·|expected|.
// EXPECTED_PASS is the pass set as of this commit: a regression fails the test; a newly passing
// test is reported so the list can grow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSupportedOp } from '../../src/onnx/supported.js';
import { nodeTestIndex, runNodeTest } from './conformance.js';
import { skipReason } from './testdata.js';

/**
 * Known failures, by design or by test data:
 * - averagepool_2d_ceil_last_window_starts_on_pad: the expected values are rounded to 4 decimals in
 *   the test file (0.1511 for 1.3595/9 = 0.151056), beyond any float tolerance.
 */
const EXPECTED_PASS: Readonly<Record<string, readonly string[]>> = {
  Abs: ['abs'],
  Add: ['add', 'add_bcast', 'add_int16', 'add_int8', 'add_uint16', 'add_uint32', 'add_uint64', 'add_uint8'],
  ArgMax: ['argmax_default_axis_example', 'argmax_default_axis_example_select_last_index',
    'argmax_default_axis_random', 'argmax_default_axis_random_select_last_index', 'argmax_keepdims_example',
    'argmax_keepdims_example_select_last_index', 'argmax_keepdims_random',
    'argmax_keepdims_random_select_last_index', 'argmax_negative_axis_keepdims_example',
    'argmax_negative_axis_keepdims_example_select_last_index', 'argmax_negative_axis_keepdims_random',
    'argmax_negative_axis_keepdims_random_select_last_index', 'argmax_no_keepdims_example',
    'argmax_no_keepdims_example_select_last_index', 'argmax_no_keepdims_random',
    'argmax_no_keepdims_random_select_last_index'],
  ArgMin: ['argmin_default_axis_example', 'argmin_default_axis_example_select_last_index',
    'argmin_default_axis_random', 'argmin_default_axis_random_select_last_index', 'argmin_keepdims_example',
    'argmin_keepdims_example_select_last_index', 'argmin_keepdims_random',
    'argmin_keepdims_random_select_last_index', 'argmin_negative_axis_keepdims_example',
    'argmin_negative_axis_keepdims_example_select_last_index', 'argmin_negative_axis_keepdims_random',
    'argmin_negative_axis_keepdims_random_select_last_index', 'argmin_no_keepdims_example',
    'argmin_no_keepdims_example_select_last_index', 'argmin_no_keepdims_random',
    'argmin_no_keepdims_random_select_last_index'],
  AveragePool: ['averagepool_1d_default', 'averagepool_2d_ceil', 'averagepool_2d_default',
    'averagepool_2d_dilations', 'averagepool_2d_pads', 'averagepool_2d_pads_count_include_pad',
    'averagepool_2d_precomputed_pads', 'averagepool_2d_precomputed_pads_count_include_pad',
    'averagepool_2d_precomputed_same_upper', 'averagepool_2d_precomputed_strides', 'averagepool_2d_same_lower',
    'averagepool_2d_same_upper', 'averagepool_2d_strides', 'averagepool_3d_default',
    'averagepool_3d_dilations_large_count_include_pad_is_0_ceil_mode_is_False',
    'averagepool_3d_dilations_large_count_include_pad_is_0_ceil_mode_is_True',
    'averagepool_3d_dilations_large_count_include_pad_is_1_ceil_mode_is_False',
    'averagepool_3d_dilations_large_count_include_pad_is_1_ceil_mode_is_True', 'averagepool_3d_dilations_small'],
  BatchNormalization: ['batchnorm_epsilon', 'batchnorm_epsilon_training_mode', 'batchnorm_example', 'batchnorm_example_training_mode'],
  Cast: ['cast_DOUBLE_to_FLOAT', 'cast_FLOAT_to_DOUBLE'],
  Ceil: ['ceil', 'ceil_example'],
  Clip: ['clip', 'clip_default_inbounds', 'clip_default_int8_inbounds', 'clip_default_int8_max',
    'clip_default_int8_min', 'clip_default_max', 'clip_default_min', 'clip_example', 'clip_inbounds',
    'clip_min_greater_than_max', 'clip_outbounds', 'clip_splitbounds'],
  Concat: ['concat_1d_axis_0', 'concat_1d_axis_negative_1', 'concat_2d_axis_0', 'concat_2d_axis_1',
    'concat_2d_axis_negative_1', 'concat_2d_axis_negative_2', 'concat_3d_axis_0', 'concat_3d_axis_1',
    'concat_3d_axis_2', 'concat_3d_axis_negative_1', 'concat_3d_axis_negative_2', 'concat_3d_axis_negative_3'],
  Conv: ['basic_conv_with_padding', 'basic_conv_without_padding', 'conv_with_autopad_same',
    'conv_with_strides_and_asymmetric_padding', 'conv_with_strides_no_padding', 'conv_with_strides_padding'],
  ConvTranspose: ['convtranspose', 'convtranspose_1d', 'convtranspose_3d', 'convtranspose_autopad_same',
    'convtranspose_dilations', 'convtranspose_group_2', 'convtranspose_group_2_image_3',
    'convtranspose_kernel_shape', 'convtranspose_output_shape', 'convtranspose_pad', 'convtranspose_pads'],
  DequantizeLinear: ['dequantizelinear', 'dequantizelinear_axis', 'dequantizelinear_blocked',
    'dequantizelinear_int16', 'dequantizelinear_uint16'],
  Div: ['div', 'div_bcast', 'div_example', 'div_int16', 'div_int32_trunc', 'div_int8', 'div_uint16', 'div_uint32',
    'div_uint64', 'div_uint8'],
  Elu: ['elu', 'elu_default', 'elu_example'],
  Equal: ['equal', 'equal_bcast', 'equal_int16', 'equal_int8', 'equal_string', 'equal_string_broadcast',
    'equal_uint16', 'equal_uint32', 'equal_uint64', 'equal_uint8'],
  Erf: ['erf'],
  Exp: ['exp', 'exp_example'],
  Flatten: ['flatten_axis0', 'flatten_axis1', 'flatten_axis2', 'flatten_axis3', 'flatten_default_axis',
    'flatten_negative_axis1', 'flatten_negative_axis2', 'flatten_negative_axis3', 'flatten_negative_axis4'],
  Floor: ['floor', 'floor_example'],
  Gather: ['gather_0', 'gather_1', 'gather_2d_indices', 'gather_negative_indices'],
  Gelu: ['gelu_default_1', 'gelu_default_1_expanded', 'gelu_default_2', 'gelu_default_2_expanded', 'gelu_tanh_1',
    'gelu_tanh_1_expanded', 'gelu_tanh_2', 'gelu_tanh_2_expanded'],
  Gemm: ['gemm_all_attributes', 'gemm_alpha', 'gemm_beta', 'gemm_default_matrix_bias', 'gemm_default_no_bias',
    'gemm_default_scalar_bias', 'gemm_default_single_elem_vector_bias', 'gemm_default_vector_bias',
    'gemm_default_zero_bias', 'gemm_transposeA', 'gemm_transposeB'],
  GlobalAveragePool: ['globalaveragepool', 'globalaveragepool_precomputed'],
  Greater: ['greater', 'greater_bcast', 'greater_int16', 'greater_int8', 'greater_uint16', 'greater_uint32',
    'greater_uint64', 'greater_uint8'],
  HardSigmoid: ['hardsigmoid', 'hardsigmoid_default', 'hardsigmoid_example'],
  HardSwish: ['hardswish'],
  LayerNormalization: ['layer_normalization_2d_axis0', 'layer_normalization_2d_axis0_expanded',
    'layer_normalization_2d_axis0_expanded_ver18', 'layer_normalization_2d_axis1',
    'layer_normalization_2d_axis1_expanded', 'layer_normalization_2d_axis1_expanded_ver18',
    'layer_normalization_2d_axis_negative_1', 'layer_normalization_2d_axis_negative_1_expanded',
    'layer_normalization_2d_axis_negative_1_expanded_ver18', 'layer_normalization_2d_axis_negative_2',
    'layer_normalization_2d_axis_negative_2_expanded', 'layer_normalization_2d_axis_negative_2_expanded_ver18',
    'layer_normalization_3d_axis0_epsilon', 'layer_normalization_3d_axis0_epsilon_expanded',
    'layer_normalization_3d_axis0_epsilon_expanded_ver18', 'layer_normalization_3d_axis1_epsilon',
    'layer_normalization_3d_axis1_epsilon_expanded', 'layer_normalization_3d_axis1_epsilon_expanded_ver18',
    'layer_normalization_3d_axis2_epsilon', 'layer_normalization_3d_axis2_epsilon_expanded',
    'layer_normalization_3d_axis2_epsilon_expanded_ver18', 'layer_normalization_3d_axis_negative_1_epsilon',
    'layer_normalization_3d_axis_negative_1_epsilon_expanded',
    'layer_normalization_3d_axis_negative_1_epsilon_expanded_ver18',
    'layer_normalization_3d_axis_negative_2_epsilon', 'layer_normalization_3d_axis_negative_2_epsilon_expanded',
    'layer_normalization_3d_axis_negative_2_epsilon_expanded_ver18',
    'layer_normalization_3d_axis_negative_3_epsilon', 'layer_normalization_3d_axis_negative_3_epsilon_expanded',
    'layer_normalization_3d_axis_negative_3_epsilon_expanded_ver18', 'layer_normalization_4d_axis0',
    'layer_normalization_4d_axis0_expanded', 'layer_normalization_4d_axis0_expanded_ver18',
    'layer_normalization_4d_axis1', 'layer_normalization_4d_axis1_expanded',
    'layer_normalization_4d_axis1_expanded_ver18', 'layer_normalization_4d_axis2',
    'layer_normalization_4d_axis2_expanded', 'layer_normalization_4d_axis2_expanded_ver18',
    'layer_normalization_4d_axis3', 'layer_normalization_4d_axis3_expanded',
    'layer_normalization_4d_axis3_expanded_ver18', 'layer_normalization_4d_axis_negative_1',
    'layer_normalization_4d_axis_negative_1_expanded', 'layer_normalization_4d_axis_negative_1_expanded_ver18',
    'layer_normalization_4d_axis_negative_2', 'layer_normalization_4d_axis_negative_2_expanded',
    'layer_normalization_4d_axis_negative_2_expanded_ver18', 'layer_normalization_4d_axis_negative_3',
    'layer_normalization_4d_axis_negative_3_expanded', 'layer_normalization_4d_axis_negative_3_expanded_ver18',
    'layer_normalization_4d_axis_negative_4', 'layer_normalization_4d_axis_negative_4_expanded',
    'layer_normalization_4d_axis_negative_4_expanded_ver18', 'layer_normalization_default_axis',
    'layer_normalization_default_axis_expanded', 'layer_normalization_default_axis_expanded_ver18'],
  LeakyRelu: ['leakyrelu', 'leakyrelu_default', 'leakyrelu_example'],
  Less: ['less', 'less_bcast', 'less_int16', 'less_int8', 'less_uint16', 'less_uint32', 'less_uint64', 'less_uint8'],
  Log: ['log', 'log_example'],
  MatMul: ['matmul_1d_1d', 'matmul_1d_3d', 'matmul_2d', 'matmul_3d', 'matmul_4d', 'matmul_4d_1d', 'matmul_bcast'],
  MatMulInteger: ['matmulinteger'],
  Max: ['max_example', 'max_float32', 'max_float64', 'max_int32', 'max_int64', 'max_int8', 'max_one_input',
    'max_two_inputs', 'max_uint32', 'max_uint64', 'max_uint8'],
  MaxPool: ['maxpool_1d_default', 'maxpool_2d_ceil', 'maxpool_2d_ceil_output_size_reduce_by_one',
    'maxpool_2d_default', 'maxpool_2d_dilations', 'maxpool_2d_pads', 'maxpool_2d_precomputed_pads',
    'maxpool_2d_precomputed_same_upper', 'maxpool_2d_precomputed_strides', 'maxpool_2d_same_lower',
    'maxpool_2d_same_upper', 'maxpool_2d_strides', 'maxpool_2d_uint8', 'maxpool_3d_default', 'maxpool_3d_dilations',
    'maxpool_3d_dilations_use_ref_impl', 'maxpool_3d_dilations_use_ref_impl_large',
    'maxpool_with_argmax_2d_precomputed_pads', 'maxpool_with_argmax_2d_precomputed_strides'],
  Min: ['min_example', 'min_float32', 'min_float64', 'min_int32', 'min_int64', 'min_int8', 'min_one_input',
    'min_two_inputs', 'min_uint32', 'min_uint64', 'min_uint8'],
  Mul: ['mul', 'mul_bcast', 'mul_example', 'mul_int16', 'mul_int8', 'mul_uint16', 'mul_uint32', 'mul_uint64',
    'mul_uint8'],
  Neg: ['neg', 'neg_example'],
  Not: ['not_2d', 'not_3d', 'not_4d'],
  PRelu: ['prelu_broadcast', 'prelu_example'],
  Pad: ['constant_pad', 'constant_pad_axes', 'constant_pad_negative_axes', 'edge_pad', 'reflect_pad', 'wrap_pad'],
  Pow: ['pow', 'pow_bcast_array', 'pow_bcast_scalar', 'pow_example', 'pow_types_float32_int32',
    'pow_types_float32_int64', 'pow_types_int32_float32', 'pow_types_int32_int32', 'pow_types_int64_float32',
    'pow_types_int64_int64'],
  QLinearConv: ['qlinearconv'],
  QLinearMatMul: ['qlinearmatmul_2D_int8_float32', 'qlinearmatmul_2D_uint8_float32', 'qlinearmatmul_3D_int8_float32',
    'qlinearmatmul_3D_uint8_float32'],
  QuantizeLinear: ['quantizelinear', 'quantizelinear_axis', 'quantizelinear_blocked_asymmetric',
    'quantizelinear_blocked_symmetric', 'quantizelinear_int16', 'quantizelinear_uint16'],
  Reciprocal: ['reciprocal', 'reciprocal_example'],
  ReduceMax: ['reduce_max_bool_inputs', 'reduce_max_default_axes_keepdim_example',
    'reduce_max_default_axes_keepdims_random', 'reduce_max_do_not_keepdims_example',
    'reduce_max_do_not_keepdims_random', 'reduce_max_empty_set', 'reduce_max_keepdims_example',
    'reduce_max_keepdims_random', 'reduce_max_negative_axes_keepdims_example',
    'reduce_max_negative_axes_keepdims_random'],
  ReduceMean: ['reduce_mean_default_axes_keepdims_example', 'reduce_mean_default_axes_keepdims_random',
    'reduce_mean_do_not_keepdims_example', 'reduce_mean_do_not_keepdims_random', 'reduce_mean_keepdims_example',
    'reduce_mean_keepdims_random', 'reduce_mean_negative_axes_keepdims_example',
    'reduce_mean_negative_axes_keepdims_random'],
  ReduceSum: ['reduce_sum_default_axes_keepdims_example', 'reduce_sum_default_axes_keepdims_random',
    'reduce_sum_do_not_keepdims_example', 'reduce_sum_do_not_keepdims_random', 'reduce_sum_empty_axes_input_noop',
    'reduce_sum_empty_axes_input_noop_example', 'reduce_sum_empty_set', 'reduce_sum_empty_set_non_reduced_axis_zero',
    'reduce_sum_keepdims_example', 'reduce_sum_keepdims_random', 'reduce_sum_negative_axes_keepdims_example',
    'reduce_sum_negative_axes_keepdims_random'],
  Relu: ['relu'],
  Reshape: ['reshape_allowzero_reordered', 'reshape_extended_dims', 'reshape_negative_dim',
    'reshape_negative_extended_dims', 'reshape_one_dim', 'reshape_reduced_dims', 'reshape_reordered_all_dims',
    'reshape_reordered_last_dims', 'reshape_zero_and_negative_dim', 'reshape_zero_dim'],
  Round: ['round'],
  Sigmoid: ['sigmoid', 'sigmoid_example'],
  Slice: ['slice', 'slice_default_axes', 'slice_default_steps', 'slice_end_out_of_bounds', 'slice_neg',
    'slice_neg_steps', 'slice_negative_axes', 'slice_start_out_of_bounds'],
  Softmax: ['softmax_axis_0', 'softmax_axis_0_expanded', 'softmax_axis_0_expanded_ver18', 'softmax_axis_1',
    'softmax_axis_1_expanded', 'softmax_axis_1_expanded_ver18', 'softmax_axis_2', 'softmax_axis_2_expanded',
    'softmax_axis_2_expanded_ver18', 'softmax_default_axis', 'softmax_default_axis_expanded',
    'softmax_default_axis_expanded_ver18', 'softmax_example', 'softmax_example_expanded',
    'softmax_example_expanded_ver18', 'softmax_large_number', 'softmax_large_number_expanded',
    'softmax_large_number_expanded_ver18', 'softmax_negative_axis', 'softmax_negative_axis_expanded',
    'softmax_negative_axis_expanded_ver18'],
  Split: ['split_1d_uneven_split_opset18', 'split_2d_uneven_split_opset18', 'split_equal_parts_1d_opset13',
    'split_equal_parts_1d_opset18', 'split_equal_parts_2d', 'split_equal_parts_2d_opset13',
    'split_equal_parts_default_axis_opset13', 'split_equal_parts_default_axis_opset18',
    'split_variable_parts_1d_opset13', 'split_variable_parts_1d_opset18', 'split_variable_parts_2d_opset13',
    'split_variable_parts_2d_opset18', 'split_variable_parts_default_axis_opset13',
    'split_variable_parts_default_axis_opset18', 'split_zero_size_splits_opset13', 'split_zero_size_splits_opset18'],
  Sqrt: ['sqrt', 'sqrt_example'],
  Squeeze: ['squeeze', 'squeeze_negative_axes'],
  Sub: ['sub', 'sub_bcast', 'sub_example', 'sub_int16', 'sub_int8', 'sub_uint16', 'sub_uint32', 'sub_uint64',
    'sub_uint8'],
  Tanh: ['tanh', 'tanh_example'],
  Transpose: ['transpose_all_permutations_0', 'transpose_all_permutations_1', 'transpose_all_permutations_2',
    'transpose_all_permutations_3', 'transpose_all_permutations_4', 'transpose_all_permutations_5',
    'transpose_default'],
  Unsqueeze: ['unsqueeze_axis_0', 'unsqueeze_axis_1', 'unsqueeze_axis_2', 'unsqueeze_negative_axes',
    'unsqueeze_three_axes', 'unsqueeze_two_axes', 'unsqueeze_unsorted_axes'],
  Where: ['where_example', 'where_long_example'],
};

test('ONNX node conformance tests for the supported ops', { skip: skipReason }, () => {
  const expected = new Set(Object.values(EXPECTED_PASS).flat().map((d) => `test_${d}`));
  const perOp = new Map<string, { pass: number; total: number }>();
  const regressions: string[] = [];
  const newlyPassing: string[] = [];
  const failures: string[] = [];
  for (const e of nodeTestIndex()) {
    if (!isSupportedOp('', e.op)) continue;
    const raw = runNodeTest(e.dir, false);
    const norm = raw.ok ? runNodeTest(e.dir, true) : raw;
    const ok = raw.ok && norm.ok;
    const s = perOp.get(e.op) ?? { pass: 0, total: 0 };
    s.total++;
    if (ok) s.pass++;
    perOp.set(e.op, s);
    if (!ok) failures.push(`${e.dir}: ${(raw.ok ? 'after normalize: ' : '') + norm.detail}`);
    if (!ok && expected.has(e.dir)) regressions.push(`${e.dir}: ${norm.detail}`);
    if (ok && !expected.has(e.dir)) newlyPassing.push(e.dir);
  }
  const summary = [...perOp.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([op, s]) => `${op} ${s.pass}/${s.total}`);
  const passed = [...perOp.values()].reduce((a, s) => a + s.pass, 0);
  const total = [...perOp.values()].reduce((a, s) => a + s.total, 0);
  console.log(`onnx-node conformance: ${passed}/${total} pass; per op: ${summary.join(', ')}`);
  for (const f of failures) console.log(`  fail ${f.slice(0, 240)}`);
  if (newlyPassing.length > 0) console.log(`newly passing (add to EXPECTED_PASS): ${newlyPassing.join(', ')}`);
  for (const d of expected) assert.ok(nodeTestIndex().some((e) => e.dir === d), `EXPECTED_PASS names ${d}, which is not in INDEX.json`);
  assert.deepEqual(regressions, [], 'tests in EXPECTED_PASS that no longer pass');
});
