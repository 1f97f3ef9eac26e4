// Benchmarks share docs/benchmarks.md: each one owns a section between markers and
// replaces only that section, so benches can be rerun one at a time.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';

const PATH = 'docs/benchmarks.md';
const HEADER = '# Benchmarks\n\nMeasured by `npm run bench:<name>`; every number is a median of several runs on the\nmachine named in its section. Each section is rewritten by its own benchmark.\n';

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs `fn` `runs` times after `warmup` untimed runs; returns the milliseconds of each run. */
export function timeRuns(fn: () => void, runs: number, warmup = 1): number[] {
  for (let i = 0; i < warmup; i++) fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    out.push(performance.now() - t0);
  }
  return out;
}

/**
 * Wall and CPU milliseconds of each of `runs` runs after `warmup` untimed ones. CPU is this
 * process's user + system time (all threads): what the work costs while other jobs share the cores.
 */
export function timeWallAndCpu(fn: () => void, runs: number, warmup = 1): { wall: number[]; cpu: number[] } {
  for (let i = 0; i < warmup; i++) fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1e3);
  }
  return { wall, cpu };
}

export function machineLine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${new Date().toISOString().slice(0, 10)}, ${cpu}, ${os.cpus().length} cores, Node ${process.version}`;
}

/** Replaces (or appends) the section `name` of docs/benchmarks.md with `body` (Markdown). */
export function writeSection(name: string, title: string, body: string): void {
  const start = `<!-- bench:${name} start -->`;
  const end = `<!-- bench:${name} end -->`;
  const section = `${start}\n## ${title}\n\n_${machineLine()}_\n\n${body.trim()}\n${end}`;
  let doc = existsSync(PATH) ? readFileSync(PATH, 'utf8') : HEADER;
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  doc = i >= 0 && j > i ? doc.slice(0, i) + section + doc.slice(j + end.length) : `${doc.trimEnd()}\n\n${section}\n`;
  writeFileSync(PATH, doc);
}
