import { deterministicUuid } from './deterministicId.js';

export interface SeededGraph {
  id: string;
  name: string;
  /** Modules in teaching order (earlier ones are prerequisites of later ones). */
  moduleIds: string[];
}

const GRAPH_SPECS = [
  { name: 'Algebra foundations', modules: 24 },
  { name: 'Introductory statistics', modules: 16 },
] as const;

/** A small, fixed content catalogue: the same `gref-`/`mref-` ids on every run and machine. */
export const seededGraphs: readonly SeededGraph[] = GRAPH_SPECS.map(({ name, modules }) => ({
  id: `gref-${deterministicUuid(`graph:${name}`)}`,
  name,
  moduleIds: Array.from(
    { length: modules },
    (_, index) => `mref-${deterministicUuid(`module:${name}:${index}`)}`,
  ),
}));

export function findSeededGraph(graphId: string): SeededGraph | undefined {
  return seededGraphs.find((graph) => graph.id === graphId);
}
