export interface RouteDefinition {
  method: string;
  /** Path with `{name}` placeholders, e.g. `/v0/accounts/{id}`; also the key under which calls are counted. */
  path: string;
}

export type RouteLookup<Route extends RouteDefinition> =
  | { kind: 'found'; route: Route; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allow: string[] }
  | { kind: 'not-found' };

interface CompiledRoute<Route extends RouteDefinition> {
  definition: Route;
  // A literal segment, or `null` where the template has a placeholder (its name is in `names`).
  segments: (string | null)[];
  names: string[];
}

export interface Router<Route extends RouteDefinition> {
  lookup(method: string, pathname: string): RouteLookup<Route>;
}

/**
 * A small exact-match router: no trailing-slash or case folding, because a client that gets away with
 * a sloppy path here would fail against the real platform. Tells 404 (no such path) from 405 (path
 * exists, method does not); routes earlier in the list win, so literal routes go before placeholders.
 */
export function createRouter<Route extends RouteDefinition>(routes: Route[]): Router<Route> {
  const bySegmentCount = new Map<number, CompiledRoute<Route>[]>();
  for (const definition of routes) {
    const parts = definition.path.split('/').slice(1);
    const names: string[] = [];
    const segments = parts.map((part) => {
      if (part.startsWith('{') && part.endsWith('}')) {
        names.push(part.slice(1, -1));
        return null;
      }
      return part;
    });
    const list = bySegmentCount.get(segments.length) ?? [];
    list.push({ definition, segments, names });
    bySegmentCount.set(segments.length, list);
  }

  return {
    lookup(method, pathname) {
      const parts = pathname.split('/').slice(1);
      const candidates = bySegmentCount.get(parts.length);
      if (!candidates) return { kind: 'not-found' };
      const allow: string[] = [];
      for (const candidate of candidates) {
        const values = matchSegments(candidate.segments, parts);
        if (!values) continue;
        if (candidate.definition.method !== method) {
          if (!allow.includes(candidate.definition.method)) allow.push(candidate.definition.method);
          continue;
        }
        const params: Record<string, string> = {};
        candidate.names.forEach((name, index) => {
          params[name] = values[index] ?? '';
        });
        return { kind: 'found', route: candidate.definition, params };
      }
      return allow.length > 0 ? { kind: 'method-not-allowed', allow } : { kind: 'not-found' };
    },
  };
}

function matchSegments(template: (string | null)[], parts: string[]): string[] | undefined {
  const values: string[] = [];
  for (let index = 0; index < template.length; index++) {
    const expected = template[index];
    const actual = parts[index] ?? '';
    if (expected === null) {
      if (actual === '') return undefined;
      const decoded = safeDecode(actual);
      if (decoded === undefined) return undefined;
      values.push(decoded);
    } else if (expected !== actual) {
      return undefined;
    }
  }
  return values;
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
