// Single sign-on as the web app shows it: the sign-in page's button and
// the admin's password sign-in switch.
import type { AuthProviders, OrgSettings } from '../api/types';

/** The "Sign in with {name}" link, or null when single sign-on is not set up. */
export function ssoLink(p: AuthProviders | undefined): { label: string; href: string } | null {
  if (!p?.oidc) return null;
  // Only a same-site path: the sign-in page never sends the browser to
  // an address the server did not name as its own.
  if (!p.oidc.login_url.startsWith('/') || p.oidc.login_url.startsWith('//')) return null;
  return { label: `Sign in with ${p.oidc.name}`, href: p.oidc.login_url };
}

export type PasswordSwitch = {
  /** whether password sign-in is on now */
  on: boolean;
  /** whether the admin may turn it off (single sign-on must be set up) */
  canTurnOff: boolean;
  /** what the switch means, in plain words */
  explanation: string;
};

/** What the Organisation screen says about the password sign-in switch. */
export function passwordSwitch(org: OrgSettings, p: AuthProviders | undefined): PasswordSwitch {
  const sso = p?.oidc?.name ?? null;
  if (!org.password_login) {
    return {
      on: false,
      canTurnOff: true,
      explanation:
        `People sign in with ${sso ?? 'single sign-on'} only. Admins can still use their password, ` +
        'so you can get back in if the provider fails.',
    };
  }
  if (!sso) {
    return {
      on: true,
      canTurnOff: false,
      explanation:
        'Everyone signs in with their e-mail and password. Single sign-on is not set up on this server, ' +
        'so password sign-in cannot be turned off.',
    };
  }
  return {
    on: true,
    canTurnOff: true,
    explanation:
      `People can sign in with their password or with ${sso}. Turn password sign-in off to make ${sso} ` +
      'the only way in for everyone but admins.',
  };
}
