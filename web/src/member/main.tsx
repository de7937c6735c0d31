import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { unstableSetRender } from 'antd-mobile';
import { createRoot, type Root } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './App.tsx';

// antd-mobile 5 renders its Toast and Dialog through ReactDOM.render, gone in React 19
unstableSetRender((node, container) => {
  const el = container as Element & { _root?: Root };
  el._root ??= createRoot(container);
  el._root.render(node);
  return async () => {
    el._root?.unmount();
    delete el._root;
  };
});

const queries = new QueryClient({
  defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false, staleTime: 10_000 } },
});

const root = document.getElementById('root');
if (root)
  createRoot(root).render(
    <QueryClientProvider client={queries}>
      <BrowserRouter>
        <App />
      </BrowserRouter>
    </QueryClientProvider>,
  );
