// Core lowerings: ONNX default-domain ops onto the integer IR.
import type { Lowering } from '../../ir/types.js';
import { linearLowerings } from './linear.js';
import { movementLowerings, oneHotLowerings } from './movement.js';
import { castLowerings, elementwiseLowerings } from './elementwise.js';
import { reduceLowerings } from './reduce.js';
import { qlinearLowerings } from './qlinear.js';
import { einsumLowerings } from './einsum.js';

export const coreLowerings: readonly Lowering[] = [...linearLowerings, ...movementLowerings, ...oneHotLowerings, ...elementwiseLowerings, ...castLowerings, ...reduceLowerings, ...qlinearLowerings, ...einsumLowerings];
