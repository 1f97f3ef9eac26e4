// Core integer ops (default ONNX domain lowerings use these).
import type { OpDef } from '../types.js';

export const coreOps: readonly OpDef[] = [];
