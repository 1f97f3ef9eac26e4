// How often each committed tensor is revealed (masked) in one proof: once per layer that names
// it (a layer reads each distinct tensor once), once in the merged LogUp if it is range-checked
// or looked up (a column that is both is one table there). The plan sizes each tensor's mask R
// for this count (ZK-NOTES "count reveals"): 2^maskVars ≥ reveals, maskVars ≤ numVars.

/** Reveal count per tensor name. `layers`: the tensor names each layer claims on. */
export function revealCounts(layers: readonly (readonly (string | null)[])[], rangeColumns: readonly (readonly string[])[], lookupColumns: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (name: string): void => void counts.set(name, (counts.get(name) ?? 0) + 1);
  for (const names of layers) for (const n of new Set(names)) if (n !== null) add(n);
  for (const n of new Set([...rangeColumns.flat(), ...lookupColumns])) add(n);
  return counts;
}

/** The mask variables for `reveals` reveals (at least `min`), or null when the table is too small to hide them. */
export function maskVarsFor(reveals: number, numVars: number, min: number): number | null {
  let k = min;
  while (2 ** k < reveals) k++;
  return k <= numVars ? k : 2 ** numVars >= reveals ? numVars : null;
}
