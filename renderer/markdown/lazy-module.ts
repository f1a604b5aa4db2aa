import { startTransition, useEffect, useState } from 'react';

/**
 * A module loaded on first need (a dynamic import, so it is its own chunk and first paint does not
 * wait for it) that components can wait for: `useLazyModule` returns null until it has loaded and
 * re-renders them when it has. A failed load is remembered and reported once.
 */
export interface LazyModule<M> {
  current(): M | null;
  load(): void;
  subscribe(listener: () => void): () => void;
}

export function lazyModule<M>(name: string, importer: () => Promise<M>): LazyModule<M> {
  let value: M | null = null;
  let started = false;
  const listeners = new Set<() => void>();
  return {
    current: () => value,
    load() {
      if (started) return;
      started = true;
      importer().then(
        (loaded) => {
          value = loaded;
          for (const listener of listeners) listener();
        },
        (error: unknown) => console.warn(`Could not load ${name}; showing it unformatted.`, error),
      );
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/**
 * The module once loaded; asks for it (once) when `wanted`. The re-render it causes on arrival is a
 * transition: a reply with hundreds of formulas re-renders them in slices, not in one long task.
 */
export function useLazyModule<M>(module: LazyModule<M>, wanted: boolean): M | null {
  const [loaded, setLoaded] = useState<M | null>(module.current);
  useEffect(() => {
    if (!wanted) return;
    const unsubscribe = module.subscribe(() => startTransition(() => setLoaded(module.current())));
    if (module.current()) setLoaded(module.current());
    else module.load();
    return unsubscribe;
  }, [module, wanted]);
  return loaded;
}
