import type { QueryClient } from '@tanstack/react-query';

/**
 * One `T` per QueryClient, made on first use and forgotten with its client: the kit's state shared by
 * every component of one page (ensures in flight, recoveries, event queues) lives beside the cache.
 */
export function perQueryClient<T>(create: (client: QueryClient) => T): (client: QueryClient) => T {
  const byClient = new WeakMap<QueryClient, T>();
  return (client) => {
    let value = byClient.get(client);
    if (value === undefined) {
      value = create(client);
      byClient.set(client, value);
    }
    return value;
  };
}
