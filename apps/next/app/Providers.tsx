'use client';

import { KnewtonProvider } from '@knewton-kit/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';

export interface ProvidersProps {
  userId: string | undefined;
  /** The id the server rendered the page with: the gate opens with no request. */
  initialAccountId?: string | undefined;
  children?: ReactNode;
}

/** One QueryClient per browser session (and per server render), as TanStack Query's Next.js guide does. */
export function Providers({ userId, initialAccountId, children }: ProvidersProps) {
  const [queryClient] = useState(() => new QueryClient());
  return (
    <QueryClientProvider client={queryClient}>
      <KnewtonProvider userId={userId} initialAccountId={initialAccountId}>
        {children}
      </KnewtonProvider>
    </QueryClientProvider>
  );
}
