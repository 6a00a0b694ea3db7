// Reads the routes an Express 5 app really serves from its router stacks (router@2): a route layer has
// `route.path` and `route.methods`; a mounted router is a layer whose `handle.stack` holds its own
// layers and whose `rawPath` is the mount path. Anything the walker cannot read (a RegExp path, a
// mounted sub-app, `.all()`) makes it throw rather than skip, so no route can pass by unseen.

type Entry = Record<string, unknown>;

function isEntry(value: unknown): value is Entry {
  return (typeof value === 'object' || typeof value === 'function') && value !== null;
}

function pathsOf(raw: unknown, where: string): string[] {
  if (typeof raw === 'string') return [raw];
  if (Array.isArray(raw) && raw.every((p): p is string => typeof p === 'string')) return raw;
  throw new Error(`cannot read the path of ${where}: ${String(raw)}`);
}

function join(prefix: string, path: string): string {
  const joined = `${prefix}/${path}`.replace(/\/+/g, '/');
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}

function methodsOf(route: Entry, path: string): string[] {
  const methods = route.methods;
  if (!isEntry(methods)) throw new Error(`route ${path} has no methods`);
  const names = Object.keys(methods).filter((m) => methods[m] === true);
  if (names.includes('_all')) throw new Error(`route ${path} answers every method; list the methods it serves`);
  return names.map((m) => m.toUpperCase());
}

function walk(stack: unknown[], prefix: string, out: Set<string>): void {
  for (const layer of stack) {
    if (!isEntry(layer)) continue;
    const route = layer.route;
    if (isEntry(route)) {
      for (const p of pathsOf(route.path, `a route under ${prefix || '/'}`)) {
        for (const method of methodsOf(route, p)) out.add(`${method} ${join(prefix, p)}`);
      }
      continue;
    }
    if (layer.name === 'mounted_app') throw new Error(`an Express sub-app is mounted under ${prefix || '/'}; teach the walker to read it`);
    const handle = layer.handle;
    const inner = isEntry(handle) ? handle.stack : undefined;
    if (!Array.isArray(inner)) continue;
    for (const mount of pathsOf(layer.rawPath ?? '/', `a router mounted under ${prefix || '/'}`)) walk(inner, join(prefix, mount), out);
  }
}

/** `METHOD /path/:param` for every route the router serves, sorted. */
export function servedRoutes(router: unknown): string[] {
  if (!isEntry(router) || !Array.isArray(router.stack)) throw new Error('not an Express router');
  const out = new Set<string>();
  walk(router.stack, '', out);
  return [...out].sort();
}
