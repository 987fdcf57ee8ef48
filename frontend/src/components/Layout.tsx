// The frame of every signed-in screen: skip link, banner with the role's
// navigation and the sign-out button, and the main landmark. On a phone the
// navigation folds behind a menu button, closed again by a choice, by
// Escape or by a second press.
import { Suspense, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { NavLink, useNavigate } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import type { Me } from '../api/types';
import { Loading } from './Status';

const NAV: Record<Me['role'], { to: string; label: string; end?: boolean }[]> = {
  director: [
    { to: '/', label: 'Home', end: true },
    { to: '/cycles', label: 'Cycles' },
    { to: '/rollups', label: 'Roll-ups' },
  ],
  em: [
    { to: '/feedback', label: 'My feedback' },
    { to: '/my-cycles', label: 'My cycles' },
    { to: '/plan', label: 'Development plan' },
    { to: '/history', label: 'History' },
  ],
  peer: [
    { to: '/inbox', label: 'Inbox' },
    { to: '/cycles', label: 'Guest boards' },
  ],
  admin: [
    { to: '/people', label: 'People' },
    { to: '/frameworks', label: 'Frameworks' },
    { to: '/cycles', label: 'Cycles' },
    { to: '/rollups', label: 'Roll-ups' },
    { to: '/provisioning', label: 'Provisioning' },
    { to: '/audit', label: 'Audit' },

    { to: '/organisation', label: 'Organisation' },
  ],
};

const ROLE_NAMES: Record<Me['role'], string> = {
  director: 'Director',
  em: 'Engineering manager',
  peer: 'Peer',
  admin: 'Admin',
};

export function Layout({ user, children }: { user: Me; children: ReactNode }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const navId = useId();
  const menuButton = useRef<HTMLButtonElement>(null);
  const [menuOpen, setMenuOpen] = useState(false);
  function onKeyDown(e: KeyboardEvent) {
    if (e.key === 'Escape' && menuOpen) {
      setMenuOpen(false);
      menuButton.current?.focus();
    }
  }
  async function signOut() {
    await api.logout();
    qc.clear();
    navigate('/sign-in', { replace: true });
  }
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className={menuOpen ? 'banner menu-open' : 'banner'} onKeyDown={onKeyDown}>
        <div className="banner-inner">
          <span className="brand">
            <svg viewBox="0 0 32 32" width="24" height="24" aria-hidden="true">
              <rect width="32" height="32" rx="6" fill="#1f4e79" />
              <path d="M8 22 L14 14 L18 18 L24 9" stroke="#fff" strokeWidth="3" fill="none" strokeLinecap="round" />
            </svg>
            Calibrate
          </span>
          <button
            ref={menuButton}
            type="button"
            className="secondary small menu-button"
            aria-expanded={menuOpen}
            aria-controls={navId}
            onClick={() => setMenuOpen((o) => !o)}
          >
            <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
              <path d="M2 4h12M2 8h12M2 12h12" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
            </svg>
            Menu
          </button>
          <nav id={navId} aria-label="Main">
            <ul>
              {NAV[user.role].map((n) => (
                <li key={n.to}>
                  <NavLink to={n.to} end={n.end} onClick={() => setMenuOpen(false)}>
                    {n.label}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
          <div className="who">
            <span className="who-name">
              {user.name}
              <span className="muted"> · {ROLE_NAMES[user.role]}, {user.org.name}</span>
            </span>
            <button type="button" className="secondary small" onClick={() => void signOut()}>
              Sign out
            </button>
          </div>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<Loading />}>{children}</Suspense>
      </main>
    </>
  );
}
