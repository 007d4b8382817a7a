import { QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from 'react-router';

import { createQueryClient } from '../lib/query-client';
import { router } from './router';

const queryClient = createQueryClient();

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}
