// How often each committed tensor is revealed (masked) in one proof: once per layer that names
// it (a layer reads each distinct tensor once), once in the merged LogUp if it is range-checked
// or looked up (a column that is both is one table there). The plan sizes each tensor's mask R
// for this count (ZK-NOTES "count reveals"): 2^maskVars ≥ reveals while maskVars ≤ numVars.
//
// A small table cannot grow R past its own 2^numVars entries (R lives on the table's
// variables), so a tensor revealed more often gets BANKS (src/sumcheck/mask-banks.ts): 2^b
// independent masks R_0, R_1, …, each of 2^maskVars entries, and every reveal site uses one of
// them. Sites take banks in a fixed order both sides derive from the plan: the merged LogUp
// first (bank 0), then the layers in proving order, 2^maskVars sites per bank.

/** Reveal count per tensor name. `layers`: the tensor names each layer claims on. */
export function revealCounts(layers: readonly (readonly (string | null)[])[], rangeColumns: readonly (readonly string[])[], lookupColumns: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (name: string): void => void counts.set(name, (counts.get(name) ?? 0) + 1);
  for (const names of layers) for (const n of new Set(names)) if (n !== null) add(n);
  for (const n of new Set([...rangeColumns.flat(), ...lookupColumns])) add(n);
  return counts;
}

/** The mask variables for `reveals` reveals (at least `min`, at most `numVars`: banks cover the rest). */
export function maskVarsFor(reveals: number, numVars: number, min: number): number {
  let k = min;
  while (2 ** k < reveals && k < numVars) k++;
  return k;
}

/** Variables that index `banks` banks. */
function bankVarsFor(banks: number): number {
  let b = 0;
  while (2 ** b < banks) b++;
  return b;
}

export interface MaskBanks {
  /** Bank variables of each tensor revealed more often than one mask hides (others: absent, one mask). */
  readonly vars: ReadonlyMap<string, number>;
  /** Per layer, in proving order: the bank each banked tensor uses there (absent: bank 0). */
  readonly layers: readonly ReadonlyMap<string, number>[];
}

/**
 * Assigns banks to reveal sites. `layers`: the names each layer claims on, in proving order;
 * `logup`: the columns the merged LogUp reveals; `maskVars`: each committed tensor's mask
 * variables (undefined: not a committed tensor, never banked).
 */
export function assignBanks(layers: readonly (readonly (string | null)[])[], logup: ReadonlySet<string>, maskVars: (name: string) => number | undefined): MaskBanks {
  const used = new Map<string, number>();
  for (const n of logup) used.set(n, 1);
  const perLayer = layers.map((names) => {
    const banks = new Map<string, number>();
    for (const n of new Set(names)) {
      if (n === null) continue;
      const m = maskVars(n);
      if (m === undefined) continue;
      const k = used.get(n) ?? 0;
      used.set(n, k + 1);
      const bank = Math.floor(k / 2 ** m);
      if (bank > 0) banks.set(n, bank);
    }
    return banks;
  });
  const vars = new Map<string, number>();
  for (const [n, k] of used) {
    const b = bankVarsFor(Math.ceil(k / 2 ** maskVars(n)!));
    if (b > 0) vars.set(n, b);
  }
  return { vars, layers: perLayer };
}
