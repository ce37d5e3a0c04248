import { useCallback, useEffect, useState } from 'react';
import type { DependencyGraph } from '../../../../src/contracts/incidents.ts';
import { api } from '../../api.ts';
import { FormError } from '../../components/form.tsx';
import { useLiveUpdates } from '../../components/live.ts';
import { Link, navigate } from '../../router.tsx';

/**
 * Columns by depth: services nothing depends on to the left, the things they depend on
 * (databases, vendors) further right, so a failure upstream reads left ← right.
 */
export function layoutGraph(graph: DependencyGraph): Map<string, { column: number; row: number }> {
  const dependsOn = new Map<string, string[]>();
  for (const e of graph.edges) dependsOn.set(e.from, [...(dependsOn.get(e.from) ?? []), e.to]);
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  // The longest chain of dependents above a node decides its column (cycles stop the walk).
  const dependents = new Map<string, string[]>();
  for (const e of graph.edges) dependents.set(e.to, [...(dependents.get(e.to) ?? []), e.from]);
  const columnOf = (id: string): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return 0;
    visiting.add(id);
    const above = dependents.get(id) ?? [];
    const column = above.length === 0 ? 0 : Math.max(...above.map(columnOf)) + 1;
    visiting.delete(id);
    depth.set(id, column);
    return column;
  };
  const rows = new Map<number, number>();
  const positions = new Map<string, { column: number; row: number }>();
  for (const node of graph.nodes) {
    const column = columnOf(node.id);
    const row = rows.get(column) ?? 0;
    rows.set(column, row + 1);
    positions.set(node.id, { column, row });
  }
  return positions;
}

const nodeWidth = 170;
const nodeHeight = 44;
const columnGap = 90;
const rowGap = 22;

/** The service dependency graph, coloured by open incidents. */
export function DependencyGraphPage() {
  const [graph, setGraph] = useState<DependencyGraph | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(async () => {
    try {
      setGraph(await api<DependencyGraph>('GET', '/api/service-graph'));
    } catch (e) {
      setError(e);
    }
  }, []);
  useEffect(() => void load(), [load]);
  useLiveUpdates('/api/incidents/stream', 'incidents', () => void load());

  if (graph === null) return <FormError error={error} />;
  const positions = layoutGraph(graph);
  const at = (id: string) => {
    const p = positions.get(id) ?? { column: 0, row: 0 };
    return { x: 10 + p.column * (nodeWidth + columnGap), y: 10 + p.row * (nodeHeight + rowGap) };
  };
  const columns = Math.max(1, ...[...positions.values()].map((p) => p.column + 1));
  const rows = Math.max(1, ...[...positions.values()].map((p) => p.row + 1));
  const width = 20 + columns * nodeWidth + (columns - 1) * columnGap;
  const height = 20 + rows * nodeHeight + (rows - 1) * rowGap;
  return (
    <section className="stack">
      <p>
        <Link to="/services">← Services</Link>
      </p>
      <h1>Dependency graph</h1>
      <p className="muted">
        Arrows point from a service to what it depends on. Red: open incidents. While an upstream
        service has an open incident, alerts of the services that depend on it join that incident as
        symptoms.
      </p>
      {graph.nodes.length === 0 ? (
        <p className="muted">No services yet.</p>
      ) : (
        <svg
          className="graph"
          role="img"
          aria-label="Service dependency graph"
          width={width}
          height={height}
          viewBox={`0 0 ${width} ${height}`}
        >
          <defs>
            <marker
              id="arrow"
              viewBox="0 0 10 10"
              refX="10"
              refY="5"
              markerWidth="8"
              markerHeight="8"
              orient="auto-start-reverse"
            >
              <path d="M 0 0 L 10 5 L 0 10 z" className="graph-arrow" />
            </marker>
          </defs>
          {graph.edges.map((e) => {
            const from = at(e.from);
            const to = at(e.to);
            return (
              <line
                key={`${e.from}-${e.to}`}
                className="graph-edge"
                x1={from.x + nodeWidth}
                y1={from.y + nodeHeight / 2}
                x2={to.x}
                y2={to.y + nodeHeight / 2}
                markerEnd="url(#arrow)"
              />
            );
          })}
          {graph.nodes.map((n) => {
            const p = at(n.id);
            const down = n.openIncidents > 0;
            return (
              <g
                key={n.id}
                className={down ? 'graph-node graph-node-down' : 'graph-node'}
                data-service={n.name}
                data-open-incidents={n.openIncidents}
                onClick={() =>
                  navigate(down ? `/incidents?status=open&serviceId=${n.id}` : `/services/${n.id}`)
                }
              >
                <rect x={p.x} y={p.y} width={nodeWidth} height={nodeHeight} rx="6" />
                <text x={p.x + 10} y={p.y + 18}>
                  {n.name}
                </text>
                <text x={p.x + 10} y={p.y + 35} className="graph-sub">
                  {down ? `${n.openIncidents} open · ${n.worstPriority ?? ''}` : 'ok'}
                </text>
              </g>
            );
          })}
        </svg>
      )}
    </section>
  );
}
