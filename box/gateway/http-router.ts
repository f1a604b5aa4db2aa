import type { IncomingMessage, ServerResponse } from 'node:http';

export interface RouteContext {
  url: URL;
}

export type RouteHandler = (req: IncomingMessage, res: ServerResponse, context: RouteContext) => void | Promise<void>;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RouteOptions {
  /** Reachable without the bearer token (only health checks should be). */
  public?: boolean;
}

export interface MatchedRoute {
  handler: RouteHandler;
  public: boolean;
}

/** Exact-path routing: the gateway's routes are few and fixed, so no patterns. */
export class HttpRouter {
  private readonly routes = new Map<string, Map<HttpMethod, MatchedRoute>>();

  add(method: HttpMethod, path: string, handler: RouteHandler, options: RouteOptions = {}): void {
    const byMethod = this.routes.get(path) ?? new Map<HttpMethod, MatchedRoute>();
    if (byMethod.has(method)) throw new Error(`route ${method} ${path} is already registered`);
    byMethod.set(method, { handler, public: options.public === true });
    this.routes.set(path, byMethod);
  }

  /** The route, or why there is none: 404 (unknown path) or 405 (known path, other method). */
  match(method: string, path: string): MatchedRoute | { status: 404 | 405; allowed: string[] } {
    const byMethod = this.routes.get(path);
    if (!byMethod) return { status: 404, allowed: [] };
    const route = byMethod.get(method as HttpMethod);
    return route ?? { status: 405, allowed: [...byMethod.keys()] };
  }
}
