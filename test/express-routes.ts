// Test support: every route an express app serves, read from its router stack, with the scope its guards declare.
import type express from 'express';

export interface ServedRoute {
  method: string;
  /** OpenAPI form: `/api/bots/{id}`. */
  path: string;
  /** From a `requireScope`/`requireOperator` guard on the route or before it in its router; null when none. */
  scope: string | null;
}

interface LayerLike {
  rawPath?: string | string[];
  route?: { path: string; methods: Record<string, boolean>; stack: LayerLike[] };
  handle: { stack?: LayerLike[]; scope?: string };
}

const join = (prefix: string, path: string) => `${prefix}${path === '/' ? '' : path}`.replace(/:(\w+)/g, '{$1}') || '/';

function walk(stack: LayerLike[], prefix: string, inherited: string | null, out: ServedRoute[]): void {
  let scope = inherited;
  for (const layer of stack) {
    if (layer.route) {
      const own = layer.route.stack.map((l) => l.handle.scope).find((s) => s !== undefined) ?? scope;
      for (const [method, on] of Object.entries(layer.route.methods)) {
        if (on && method !== '_all') out.push({ method, path: join(prefix, layer.route.path), scope: own });
      }
    } else if (layer.handle.stack) {
      const paths = Array.isArray(layer.rawPath) ? layer.rawPath : [layer.rawPath ?? '/'];
      for (const p of paths) walk(layer.handle.stack, join(prefix, p), scope, out);
    } else if (layer.handle.scope !== undefined && (layer.rawPath === undefined || layer.rawPath === '/')) {
      // A guard used for the whole router (operator routers) covers every route registered after it.
      scope = layer.handle.scope;
    }
  }
}

export function servedRoutes(app: express.Express): ServedRoute[] {
  const out: ServedRoute[] = [];
  walk((app as unknown as { router: { stack: LayerLike[] } }).router.stack, '', null, out);
  return out;
}
