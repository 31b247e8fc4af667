// Entry point: mounts the app with its identity (open mode's Switch user), auth and health providers.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { AuthProvider } from './auth/AuthContext';
import { HealthProvider } from './health/HealthContext';
import { IdentityProvider } from './identity/IdentityContext';
import './index.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <IdentityProvider>
      <AuthProvider>
        <HealthProvider>
          <App />
        </HealthProvider>
      </AuthProvider>
    </IdentityProvider>
  </StrictMode>,
);
