import { createRoot } from 'react-dom/client';
import './console/i18n/index.ts';
import { App } from './console/App.tsx';

const root = document.getElementById('root');
if (root) createRoot(root).render(<App />);
