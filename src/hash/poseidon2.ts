// The Poseidon2 permutation, scalar BigInt reference (Grassi–Khovratovich–Schofnegger 2023).
// Obviously correct and slow (~0.1 ms): the specification for the WASM kernel
// (./poseidon2-wasm.ts) and for the proof's layer relations, and fine for verifier-side use.
//
//   state = M_E·state
//   4 full rounds:    state += c_r;  state_i = state_i^7 (all i);  state = M_E·state
//   22 partial rounds: state_0 += c_r; state_0 = state_0^7;          state = M_I·state
//   4 full rounds:    as above, with the final constants
import * as F from '../field/goldilocks.js';
import { POSEIDON2_GOLDILOCKS_12, type Poseidon2Params } from './poseidon2-params.js';

function checkState(state: readonly bigint[], t: number, where: string): void {
  if (state.length !== t) throw new RangeError(`${where}: state has ${state.length} elements, expected ${t}`);
  for (const x of state) {
    if (typeof x !== 'bigint' || !F.isCanonical(x)) throw new RangeError(`${where}: ${String(x)} is not a canonical field element`);
  }
}

export function sbox(x: bigint, d: number): bigint {
  return F.pow(x, BigInt(d));
}

/**
 * External linear layer M_E = circ(2·M4, M4, …, M4): M4 on every group of 4, then to each
 * element add the sum, over all groups, of the elements in its position within the group.
 */
export function externalLinear(state: readonly bigint[], m4: readonly (readonly number[])[]): bigint[] {
  const t = state.length;
  if (t % 4 !== 0) throw new RangeError(`externalLinear: width ${t} is not a multiple of 4`);
  const y = new Array<bigint>(t);
  for (let g = 0; g < t; g += 4) {
    for (let i = 0; i < 4; i++) {
      let acc = 0n;
      for (let j = 0; j < 4; j++) acc += BigInt(m4[i][j]) * state[g + j];
      y[g + i] = acc % F.P;
    }
  }
  const columnSums = [0n, 0n, 0n, 0n];
  for (let i = 0; i < t; i++) columnSums[i % 4] += y[i];
  return y.map((v, i) => (v + columnSums[i % 4]) % F.P);
}

/** Internal linear layer M_I = J + diag(diagMinus1): y_i = Σ_j x_j + diagMinus1[i]·x_i. */
export function internalLinear(state: readonly bigint[], diagMinus1: readonly bigint[]): bigint[] {
  const sum = state.reduce((a, b) => a + b, 0n) % F.P;
  return state.map((x, i) => (sum + diagMinus1[i] * x) % F.P);
}

export function fullRound(state: readonly bigint[], constants: readonly bigint[], params: Poseidon2Params): bigint[] {
  const s = state.map((x, i) => sbox(F.add(x, constants[i]), params.d));
  return externalLinear(s, params.m4);
}

export function partialRound(state: readonly bigint[], constant: bigint, params: Poseidon2Params): bigint[] {
  const s = state.slice();
  s[0] = sbox(F.add(s[0], constant), params.d);
  return internalLinear(s, params.diagMinus1);
}

/**
 * Every state of one permutation, as the digest proof's layers: trace[0] is the input,
 * trace[1 + r] is the S-box input of round r (the state after the previous linear layer with
 * round r's constants added: all 12 slots in a full round, slot 0 in a partial round), for
 * r = 0 … R_F + R_P − 1, and the last entry is the output. (Length 2 + R_F + R_P = 32.)
 */
export function permutationTrace(input: readonly bigint[], params: Poseidon2Params = POSEIDON2_GOLDILOCKS_12): bigint[][] {
  checkState(input, params.t, 'poseidon2');
  const trace: bigint[][] = [input.slice()];
  let s = externalLinear(input, params.m4);
  const full = (c: readonly bigint[]) => {
    const u = s.map((x, i) => F.add(x, c[i]));
    trace.push(u);
    s = externalLinear(u.map((x) => sbox(x, params.d)), params.m4);
  };
  const partial = (c: bigint) => {
    const u = s.slice();
    u[0] = F.add(u[0], c);
    trace.push(u);
    const v = u.slice();
    v[0] = sbox(v[0], params.d);
    s = internalLinear(v, params.diagMinus1);
  };
  params.externalInitial.forEach(full);
  params.internal.forEach(partial);
  params.externalFinal.forEach(full);
  trace.push(s);
  return trace;
}

export function permute(input: readonly bigint[], params: Poseidon2Params = POSEIDON2_GOLDILOCKS_12): bigint[] {
  const trace = permutationTrace(input, params);
  return trace[trace.length - 1];
}
