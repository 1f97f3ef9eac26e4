// Loads ../shared/testdata/poseidon2/poseidon2-goldilocks.json (relative to the repo root), or
// returns undefined so tests can skip with a clear message where the file is absent.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Poseidon2Params } from '../../src/hash/poseidon2-params.js';

/** Compiled tests live in dist/test/hash; the repo root is three levels up. */
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const TESTDATA_PATH = join(repoRoot, '..', 'shared', 'testdata', 'poseidon2', 'poseidon2-goldilocks.json');

export interface KatJson {
  readonly input: readonly string[];
  readonly output: readonly string[];
}

export interface InstanceJson {
  readonly id: string;
  readonly t: number;
  readonly d: number;
  readonly R_F: number;
  readonly R_P: number;
  readonly external_matrix: { readonly M4: number[][]; readonly full_matrix: number[][] };
  readonly internal_matrix: { readonly diag_minus_1: string[]; readonly diag: string[] };
  readonly round_constants: { readonly external_initial: string[][]; readonly internal: string[]; readonly external_final: string[][] };
  readonly known_answer_tests: readonly KatJson[];
  readonly derived_test_vectors?: { readonly vectors: readonly KatJson[] };
  readonly generation?: {
    readonly round_constants?: { readonly seed_80_bits_msb_first: string; readonly values_drawn: number };
    readonly internal_diag?: { readonly accepted_block_index_0_based: number };
  };
}

export const SKIP_MESSAGE = `Poseidon2 test data not found at ${TESTDATA_PATH}`;

export function loadInstances(): InstanceJson[] | undefined {
  if (!existsSync(TESTDATA_PATH)) return undefined;
  const json = JSON.parse(readFileSync(TESTDATA_PATH, 'utf8')) as { instances: InstanceJson[] };
  return json.instances;
}

export function big(xs: readonly string[]): bigint[] {
  return xs.map((x) => BigInt(x));
}

export function paramsOf(inst: InstanceJson): Poseidon2Params {
  return {
    t: inst.t,
    d: inst.d,
    rF: inst.R_F,
    rP: inst.R_P,
    m4: inst.external_matrix.M4,
    diagMinus1: big(inst.internal_matrix.diag_minus_1),
    externalInitial: inst.round_constants.external_initial.map(big),
    internal: big(inst.round_constants.internal),
    externalFinal: inst.round_constants.external_final.map(big),
  };
}
