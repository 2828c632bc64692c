import { QueryClient, type QueryClientConfig, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import { type ReactNode, StrictMode } from 'react';
import { KnewtonProvider, type KnewtonProviderProps } from '../../src/KnewtonProvider.js';

export interface RenderWithClientOptions {
  /** Props for `KnewtonProvider`. */
  provider: Omit<KnewtonProviderProps, 'children'>;
  /** The host app's QueryClient defaults. */
  clientConfig?: QueryClientConfig;
  /** A QueryClient the test already filled (a loader ran); else a fresh one. */
  client?: QueryClient;
  strict?: boolean;
}

/**
 * Renders `ui` under a fresh QueryClient and a `KnewtonProvider`, as a host app would. `rerender`
 * takes new provider props (a sign-out, a user switch) and optionally new UI.
 */
export function renderWithClient(ui: ReactNode, options: RenderWithClientOptions) {
  const client = options.client ?? new QueryClient(options.clientConfig);
  const tree = (props: RenderWithClientOptions['provider'], children: ReactNode) => {
    const app = (
      <QueryClientProvider client={client}>
        <KnewtonProvider {...props}>{children}</KnewtonProvider>
      </QueryClientProvider>
    );
    return options.strict ? <StrictMode>{app}</StrictMode> : app;
  };
  const result = render(tree(options.provider, ui));
  let current = { props: options.provider, ui };
  return {
    ...result,
    client,
    rerender(props: Partial<RenderWithClientOptions['provider']>, nextUi: ReactNode = current.ui) {
      current = { props: { ...current.props, ...props }, ui: nextUi };
      result.rerender(tree(current.props, current.ui));
    },
  };
}

/** A promise resolved from outside, to hold an answer while a test looks at the pending state. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}
