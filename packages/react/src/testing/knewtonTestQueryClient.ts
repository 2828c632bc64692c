import { QueryClient, type QueryClientConfig } from '@tanstack/react-query';

/**
 * A QueryClient for a host's tests through the network (MSW): no retries, so an error-state test
 * sees the error rendering from the first failed answer, well within Testing Library's default
 * `findBy` timeout (1 s) instead of after the kit's three retries. The kit follows this client's
 * `retry: false`; your own test client with `retry: false` works the same. Options in `config`
 * are merged over these defaults.
 */
export function knewtonTestQueryClient(config: QueryClientConfig = {}): QueryClient {
  return new QueryClient({
    ...config,
    defaultOptions: {
      ...config.defaultOptions,
      queries: { retry: false, ...config.defaultOptions?.queries },
      mutations: { retry: false, ...config.defaultOptions?.mutations },
    },
  });
}
