import { KnewtonProvider } from '@knewton-kit/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { Practice } from './Practice';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={new QueryClient()}>
      <App userId="ada" />
      {/* The learning entry in the production build too, so `vite build` bundles it from the tarball. */}
      <KnewtonProvider userId="ada">
        <Practice />
      </KnewtonProvider>
    </QueryClientProvider>
  </StrictMode>,
);
