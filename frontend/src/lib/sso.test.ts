import { describe, expect, it } from 'vitest';
import { passwordSwitch, ssoLink } from './sso';

const okta = { oidc: { name: 'Okta', login_url: '/api/v1/auth/oidc/login' } };
const org = { id: 'o1', name: 'Acme', password_login: true };

describe('ssoLink', () => {
  it('names the provider when single sign-on is set up', () => {
    expect(ssoLink(okta)).toEqual({ label: 'Sign in with Okta', href: '/api/v1/auth/oidc/login' });
  });
  it('is absent without a provider or before the answer', () => {
    expect(ssoLink({ oidc: null })).toBeNull();
    expect(ssoLink(undefined)).toBeNull();
  });
  it('never links to another site', () => {
    expect(ssoLink({ oidc: { name: 'Evil', login_url: 'https://evil.example/login' } })).toBeNull();
    expect(ssoLink({ oidc: { name: 'Evil', login_url: '//evil.example/login' } })).toBeNull();
  });
});

describe('passwordSwitch', () => {
  it('cannot be turned off without single sign-on', () => {
    const s = passwordSwitch(org, { oidc: null });
    expect(s).toMatchObject({ on: true, canTurnOff: false });
    expect(s.explanation).toContain('not set up');
  });
  it('offers the provider as the only way in', () => {
    const s = passwordSwitch(org, okta);
    expect(s).toMatchObject({ on: true, canTurnOff: true });
    expect(s.explanation).toContain('Okta');
  });
  it('says admins keep their password when it is off', () => {
    const s = passwordSwitch({ ...org, password_login: false }, okta);
    expect(s).toMatchObject({ on: false, canTurnOff: true });
    expect(s.explanation).toContain('Admins can still use their password');
  });
});
