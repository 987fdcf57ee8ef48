import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { QueryClientProvider } from '@tanstack/react-query';
import { makeQueryClient } from './api/queries';
import { App } from './App';
import './styles.css';
import './styles/admin.css';
import './styles/em-year.css';
import './styles/forms.css';
import './styles/people.css';
// Last: the tablet and phone layouts override the rules above.
import './styles/responsive.css';

const queryClient = makeQueryClient();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <App />
      </BrowserRouter>
    </QueryClientProvider>
  </StrictMode>,
);
