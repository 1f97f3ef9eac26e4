// What a layer's planning step may read and add while src/verify/plan.ts walks the graph: the
// resolved names, value infos, the ranges the proof establishes so far, and the tensors and
// range checks the proof will commit. Shared by the plan-*.ts modules.
import type { IrTensor, IrValueInfo } from '../ir/types.js';
import type { VkNode } from './vk.js';

export interface PlanContext {
  /** The tensor a value is (free reshapes alias their input). */
  resolve(name: string): string;
  /** A value's info with its PHYSICAL dims (the layout of its table). */
  info(name: string): IrValueInfo | undefined;
  /** A value's info as the verifying key declares it (the op's logical dims). */
  declared(name: string): IrValueInfo | undefined;
  /** Gives `name` the layout `dims` (same element count); false if the counts differ. */
  relayout(name: string, dims: readonly number[]): boolean;
  /** The proven [lo, hi] of a value, or undefined when it is not computed yet. */
  interval(name: string): readonly [bigint, bigint] | undefined;
  setInterval(name: string, lo: bigint, hi: bigint): void;
  isOutput(name: string): boolean;
  /** A public constant or a public tensor the plan derives (the verifier builds its table). */
  isPublic(name: string): boolean;
  /** The data of a public tensor (undefined when the tensor is private). */
  publicTensor(name: string): IrTensor | undefined;
  /** x laid out as `dims`: x itself when it already is, else a relaid copy (public, or a virtual Gather of x). */
  relaid(x: string, dims: readonly number[], owner: VkNode): string;
  /** Commits a tensor (masked, in commitment 0). */
  commit(name: string, dims: readonly number[]): void;
  /** An unsigned (or signed) k-bit range check of committed columns of one size. */
  range(label: string, columns: readonly string[], bits: number, signed: boolean, numVars: number): void;
  /** y is x (a free alias: same committed polynomial, same proven range). */
  alias(y: string, x: string): void;
  unsupported(message: string): never;
}
