// Parameters and matrix shape of the hash-based (Ligero-style) commitment.
//
// The committed vectors are laid out in an m × n matrix (n = 2^rowLog columns of data per
// row). Each row's message is its n data symbols followed by t uniformly random symbols, read
// as the coefficients of a polynomial of degree < k = n + t and evaluated on the coset
// g·⟨ω⟩ of size N (g = 7, the multiplicative generator, so the coset misses the subgroup and
// no data symbol appears in clear). The code is Reed–Solomon of rate ρ = k/N and minimum
// distance d = N − k + 1.
//
// Soundness (docs/protocol.md (Part 2)): in the unique-decoding regime with e = ⌊(N − k)/2⌋, each of
// the q column queries lets a cheating prover through with probability at most 1 − (e+1)/N,
// so q = ⌈bits / −log2(1 − (e+1)/N)⌉. Hiding needs t ≥ q (any ≤ t opened columns of a row are
// uniform), so t = q after a fixed-point iteration (t changes k, which can change N).
export interface HashPcsParams {
  /** Target proven soundness of the query phase in bits (other terms add < 2^−100 in total). */
  readonly securityBits: number;
  /** N is the smallest power of two ≥ blowup · k. */
  readonly blowup: number;
  /** Evaluation mask rows committed with every matrix: the most distinct row combinations one opening may use. */
  readonly evalMasks: number;
  /** Fixes log2 of the row length instead of the size-minimizing choice (benchmarks, tests). */
  readonly rowLog?: number;
  /**
   * 'proven' (default): unique decoding, the bound above. 'conjectured': the up-to-capacity
   * conjecture (a query passes a far word with probability ≈ ρ), for comparison only — no
   * proof of it is known; never the default.
   */
  readonly regime?: 'proven' | 'conjectured';
}

// 104 rather than 101: a model proof opens several commitments (up to 8 leave the union of
// their query errors at 8·2^−104 = 2^−101), so the composed proof keeps ≥ 100 bits.
export const DEFAULT_PARAMS: HashPcsParams = { securityBits: 104, blowup: 2, evalMasks: 8 };

/** Rows of mask randomness before the evaluation masks: the proximity mask (c0 and c1 rows). */
export const PROX_MASK_ROWS = 2;

export interface Shape {
  /** log2 n and n: data symbols per row. */
  readonly rowLog: number;
  readonly n: number;
  /** Random padding symbols per row (≥ the number of queries). */
  readonly t: number;
  /** Message length k = n + t. */
  readonly k: number;
  readonly logN: number;
  /** Codeword length (number of Merkle leaves). */
  readonly N: number;
  /** Column queries. */
  readonly q: number;
  /** Data rows. */
  readonly m: number;
  /** All rows: data, the proximity mask (2), the evaluation masks (2 each). */
  readonly rows: number;
  readonly evalMasks: number;
  /** −log2 of the query phase's soundness error. */
  readonly queryBits: number;
  /**
   * −log2 of the whole opening's soundness error (proven regime): queries, plus N/|F| for the
   * proximity gap and 2/|F| for the batching and mask-scale challenges (docs/protocol.md (Part 2)).
   */
  readonly provenBits: number;
}

/** |F_p2| = p² as a double (≈ 2^128). */
const EXT_FIELD_SIZE = Number(0xffffffff00000001n) ** 2;

export function checkParams(p: HashPcsParams): void {
  if (!(p.securityBits >= 1 && p.securityBits <= 256)) throw new RangeError(`pcs params: securityBits ${p.securityBits}`);
  if (!(p.blowup >= 2 && p.blowup <= 64)) throw new RangeError(`pcs params: blowup ${p.blowup} must be in [2, 64]`);
  if (!Number.isInteger(p.evalMasks) || p.evalMasks < 1 || p.evalMasks > 64) throw new RangeError(`pcs params: evalMasks ${p.evalMasks} must be an integer in [1, 64]`);
  if (p.regime !== undefined && p.regime !== 'proven' && p.regime !== 'conjectured') throw new RangeError(`pcs params: regime ${String(p.regime)}`);
  if (p.rowLog !== undefined && (!Number.isInteger(p.rowLog) || p.rowLog < 0 || p.rowLog > 24)) throw new RangeError(`pcs params: rowLog ${p.rowLog}`);
}

function nextPow2Log(x: number): number {
  let l = 0;
  while (2 ** l < x) l++;
  return l;
}

type Code = { t: number; k: number; logN: number; N: number; q: number; queryBits: number };

/** codeFor is pure and called for every row length of every layout choice: computed once each. */
const codes = new Map<string, Code>();

/** Queries, padding and code length for rows of n data symbols. */
export function codeFor(n: number, p: HashPcsParams): Code {
  const key = `${n}:${p.securityBits}:${p.blowup}:${p.regime ?? 'proven'}`;
  const known = codes.get(key);
  if (known !== undefined) return known;
  // The smallest t with t ≥ q(t): q depends on t only through N and k.
  for (let t = 0; ; t++) {
    const k = n + t;
    const logN = nextPow2Log(p.blowup * k);
    if (logN > 32) throw new RangeError(`pcs: code length 2^${logN} exceeds the field's 2-adicity`);
    const N = 2 ** logN;
    const e = Math.floor((N - k) / 2);
    const perQuery = p.regime === 'conjectured' ? -Math.log2(k / N) : -Math.log2(1 - (e + 1) / N);
    const q = Math.ceil(p.securityBits / perQuery);
    if (q <= t) {
      const code = { t, k, logN, N, q, queryBits: q * perQuery };
      codes.set(key, code);
      return code;
    }
  }
}

/** Estimated opening size in bytes with `combos` evaluation rows (for choosing n). */
export function estimateProofBytes(s: Shape, combos: number): number {
  const rowsBytes = 16 * (1 + combos) * s.k;
  const distinct = Math.min(s.q, s.N);
  const columnBytes = distinct * (16 + 8 * s.rows);
  const pathBytes = 32 * distinct * Math.max(1, s.logN - Math.floor(Math.log2(distinct)));
  return rowsBytes + columnBytes + pathBytes;
}

function shapeWith(rowLog: number, total: number, p: HashPcsParams): Shape {
  const n = 2 ** rowLog;
  const code = codeFor(n, p);
  const m = Math.max(1, Math.ceil(total / n));
  const rows = m + PROX_MASK_ROWS + 2 * p.evalMasks;
  const provenBits = -Math.log2(2 ** -code.queryBits + (code.N + 2) / EXT_FIELD_SIZE);
  return { rowLog, n, m, rows, evalMasks: p.evalMasks, ...code, provenBits };
}

/**
 * The shape for `total` laid-out entries (see layout.ts): the row length that minimizes the
 * estimated proof size for a typical opening (two row combinations), unless params fix it.
 */
export function chooseShape(total: number, p: HashPcsParams): Shape {
  checkParams(p);
  if (!Number.isInteger(total) || total < 1) throw new RangeError(`pcs: total committed length ${total}`);
  if (p.rowLog !== undefined) return shapeWith(p.rowLog, total, p);
  let best: Shape | undefined;
  let bestBytes = Infinity;
  for (let rowLog = 0; rowLog <= Math.max(0, nextPow2Log(total)); rowLog++) {
    const s = shapeWith(rowLog, total, p);
    const bytes = estimateProofBytes(s, 2);
    if (bytes < bestBytes) {
      best = s;
      bestBytes = bytes;
    }
  }
  return best!;
}
