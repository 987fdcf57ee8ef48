import { useId, useState, type FormEvent } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { api } from '../../api/client';
import { homeOf } from '../../auth/session';
import { ErrorNote, fieldError, FieldError } from '../../components/Status';
import { useEffect } from 'react';
import { useProviders } from '../../api/queries';
import { ssoLink } from '../../lib/sso';

export default function SignIn() {
  const id = useId();
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from;
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const sso = ssoLink(useProviders().data);

  useEffect(() => {
    document.title = 'Sign in · Calibrate';
  }, []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const user = await api.login(email, password);
      navigate(from && from !== '/sign-in' ? from : homeOf(user.role), { replace: true });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  const emailErr = fieldError(error, 'email');
  const pwErr = fieldError(error, 'password');
  return (
    <main id="main" className="sign-in">
      <div className="sign-in-card">
        <h1>Calibrate</h1>
        <p className="lead">Sign in to calibrate engineering managers against the senior bar.</p>
        {sso && (
          <>
            {/* A navigation, not a call: the provider's pages take over the tab. */}
            <a className="button primary wide" href={sso.href}>
              {sso.label}
            </a>
            <p className="muted sign-in-or">or with your e-mail and password</p>
          </>
        )}
        <form onSubmit={submit} noValidate>
          <div className="field">
            <label htmlFor={`${id}-email`}>Email</label>
            <input
              id={`${id}-email`}
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              aria-invalid={emailErr ? true : undefined}
              aria-describedby={emailErr ? `${id}-email-err` : undefined}
            />
            <FieldError id={`${id}-email-err`} message={emailErr} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-pw`}>Password</label>
            <input
              id={`${id}-pw`}
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              aria-invalid={pwErr ? true : undefined}
              aria-describedby={pwErr ? `${id}-pw-err` : undefined}
            />
            <FieldError id={`${id}-pw-err`} message={pwErr} />
          </div>
          <ErrorNote error={error} />
          <button type="submit" className="primary wide" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </div>
    </main>
  );
}
