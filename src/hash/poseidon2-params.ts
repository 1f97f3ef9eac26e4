// Parameters of Poseidon2 over Goldilocks, width 12: the reference instance of the Poseidon2
// authors (HorizenLabs/poseidon2, POSEIDON2_GOLDILOCKS_12_PARAMS). S-box x^7, R_F = 8 full
// rounds (4 before, 4 after), R_P = 22 partial rounds, the paper's 4×4 matrix M4 (Appendix B)
// in the external layer, and a Grain-generated internal diagonal.
//
// The round constants are regenerated here from the Grain LFSR at module load (a few
// milliseconds), so nothing but the seed fields is trusted. The internal diagonal is written
// out: the script that chose it draws blocks from the same Grain stream and keeps the first
// block whose matrix passes a minimal-polynomial test; ./poseidon2-diagonal.ts re-implements
// that search and test/hash/diagonal.test.ts regenerates the diagonal (block #8).
import { GrainLfsr, grainSeedBits } from './grain.js';

export interface Poseidon2Params {
  readonly t: number;
  /** S-box exponent. */
  readonly d: number;
  readonly rF: number;
  readonly rP: number;
  /** The 4×4 block of the external matrix, row-major: y_i = Σ_j m4[i][j]·x_j. */
  readonly m4: readonly (readonly number[])[];
  /** Internal matrix M_I = J + diag(diagMinus1): y_i = Σ_j x_j + diagMinus1[i]·x_i. */
  readonly diagMinus1: readonly bigint[];
  /** R_F/2 rows of t constants, added before the S-boxes of the initial full rounds. */
  readonly externalInitial: readonly (readonly bigint[])[];
  /** R_P constants, added to state[0] before its S-box in each partial round. */
  readonly internal: readonly bigint[];
  /** R_F/2 rows of t constants for the final full rounds. */
  readonly externalFinal: readonly (readonly bigint[])[];
}

/** M4 of the Poseidon2 paper (Appendix B), used by the HorizenLabs reference instances. */
export const M4_HORIZEN: readonly (readonly number[])[] = [
  [5, 7, 1, 3],
  [4, 6, 1, 1],
  [1, 3, 5, 7],
  [1, 1, 4, 6],
];

/** MAT_DIAG12_M_1 of HorizenLabs' poseidon2_instance_goldilocks.rs (Grain block #8, see above). */
const DIAG12_MINUS_1: readonly bigint[] = [
  14102670999874605824n,
  15585654191999307702n,
  940187017142450255n,
  8747386241522630711n,
  6750641561540124747n,
  7440998025584530007n,
  6136358134615751536n,
  12413576830284969611n,
  11675438539028694709n,
  17580553691069642926n,
  892707462476851331n,
  15167485180850043744n,
];

/**
 * Round constants in the order the Grain stream yields them: (R_F/2)·t initial, R_P partial,
 * (R_F/2)·t final. Returns the generator too, positioned after the last constant.
 */
export function grainRoundConstants(t: number, rF: number, rP: number): {
  externalInitial: bigint[][];
  internal: bigint[];
  externalFinal: bigint[][];
  grain: GrainLfsr;
} {
  const grain = new GrainLfsr(grainSeedBits({ field: 1, sbox: 0, n: 64, t, rF, rP }));
  const rows = (count: number): bigint[][] =>
    Array.from({ length: count }, () => Array.from({ length: t }, () => grain.nextFieldElement()));
  const externalInitial = rows(rF / 2);
  const internal = Array.from({ length: rP }, () => grain.nextFieldElement());
  const externalFinal = rows(rF / 2);
  return { externalInitial, internal, externalFinal, grain };
}

function buildGoldilocks12(): Poseidon2Params {
  const t = 12;
  const rF = 8;
  const rP = 22;
  const { externalInitial, internal, externalFinal } = grainRoundConstants(t, rF, rP);
  return Object.freeze({
    t,
    d: 7,
    rF,
    rP,
    m4: M4_HORIZEN,
    diagMinus1: DIAG12_MINUS_1,
    externalInitial,
    internal,
    externalFinal,
  });
}

/** The instance every zkinfer digest uses. */
export const POSEIDON2_GOLDILOCKS_12: Poseidon2Params = buildGoldilocks12();
