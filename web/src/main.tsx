import { createRoot } from 'react-dom/client';
import { App } from './console/App.tsx';
import { i18nReady } from './console/i18n/index.ts';

const root = document.getElementById('root');
if (root) void i18nReady.then(() => createRoot(root).render(<App />));
