import type { Store } from '../../shared/ports/store.ts';

type Counts = Record<string, number>;

/**
 * A hand-written wrapper around a real store that counts calls per `area.method` and can make
 * chosen methods fail, for tests of batching and error masking.
 */
export function spyStore(inner: Store) {
  const counts: Counts = {};
  const failing = new Map<string, Error>();
  const wrap = <T extends object>(area: string, target: T): T =>
    new Proxy(target, {
      get(obj, prop, receiver) {
        const value = Reflect.get(obj, prop, receiver);
        if (typeof value !== 'function') return value;
        const key = `${area}.${String(prop)}`;
        return (...args: unknown[]) => {
          counts[key] = (counts[key] ?? 0) + 1;
          const error = failing.get(key);
          if (error) return Promise.reject(error);
          return value.apply(obj, args);
        };
      },
    });
  const store: Store = {
    agents: wrap('agents', inner.agents),
    workflows: wrap('workflows', inner.workflows),
    runs: wrap('runs', inner.runs),
    messages: wrap('messages', inner.messages),
    tokens: wrap('tokens', inner.tokens),
    mcpServers: wrap('mcpServers', inner.mcpServers),
    secrets: wrap('secrets', inner.secrets),
    providers: wrap('providers', inner.providers),
    skills: wrap('skills', inner.skills),
    init: () => inner.init(),
    ping: () => inner.ping(),
    close: () => inner.close(),
  };
  return {
    store,
    counts,
    reset() {
      for (const key of Object.keys(counts)) delete counts[key];
    },
    fail(key: string, error: Error) {
      failing.set(key, error);
    },
    heal() {
      failing.clear();
    },
  };
}
