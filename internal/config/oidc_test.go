package config

import (
	"strings"
	"testing"
)

func oidcEnv(extra map[string]string) Getenv {
	m := map[string]string{"CALIBRATE_JWT_KEY": goodKey,
		"CALIBRATE_OIDC_ISSUER": "https://login.example.com/tenant", "CALIBRATE_OIDC_CLIENT_ID": "calibrate",
		"CALIBRATE_OIDC_CLIENT_SECRET": "s3cret", "CALIBRATE_PUBLIC_URL": "https://calibrate.example.com/"}
	for k, v := range extra {
		if v == "" {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	return env(m)
}

func TestOIDCSettings(t *testing.T) {
	c, err := Load(oidcEnv(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := OIDC{Issuer: "https://login.example.com/tenant", ClientID: "calibrate", ClientSecret: "s3cret",
		Name: "login.example.com"}
	if c.OIDC == nil || *c.OIDC != want || c.PublicURL != "https://calibrate.example.com" {
		t.Errorf("oidc %+v at %q, want %+v at https://calibrate.example.com", c.OIDC, c.PublicURL, want)
	}
	c, err = Load(oidcEnv(map[string]string{"CALIBRATE_OIDC_NAME": "Okta"}))
	if err != nil || c.OIDC.Name != "Okta" {
		t.Errorf("named: %v %+v", err, c.OIDC)
	}
	c, err = Load(env(map[string]string{"CALIBRATE_JWT_KEY": goodKey}))
	if err != nil || c.OIDC != nil {
		t.Errorf("unset: %v %+v", err, c.OIDC)
	}
}

func TestOIDCSettingsRefused(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		says string
	}{
		{"no secret", map[string]string{"CALIBRATE_OIDC_CLIENT_SECRET": ""}, "CALIBRATE_OIDC_CLIENT_SECRET missing"},
		{"no public URL", map[string]string{"CALIBRATE_PUBLIC_URL": ""}, "CALIBRATE_PUBLIC_URL missing"},
		{"relative public URL", map[string]string{"CALIBRATE_PUBLIC_URL": "calibrate.example.com"}, "CALIBRATE_PUBLIC_URL"},
		{"ftp public URL", map[string]string{"CALIBRATE_PUBLIC_URL": "ftp://calibrate.example.com"}, "absolute http(s) URL"},
		{"issuer not a URL", map[string]string{"CALIBRATE_OIDC_ISSUER": "login"}, "CALIBRATE_OIDC_ISSUER"},
		{"issuer with a query", map[string]string{"CALIBRATE_OIDC_ISSUER": "https://login.example.com/?x=1"}, "query"},
		{"long name", map[string]string{"CALIBRATE_OIDC_NAME": strings.Repeat("n", 61)}, "CALIBRATE_OIDC_NAME"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(oidcEnv(tc.env))
			if err == nil || !strings.Contains(err.Error(), tc.says) {
				t.Errorf("error %v, want one that says %q", err, tc.says)
			}
		})
	}
	_, err := Load(env(map[string]string{"CALIBRATE_JWT_KEY": goodKey, "CALIBRATE_OIDC_NAME": "Okta"}))
	if err == nil {
		t.Error("a provider name without single sign-on was accepted")
	}
}
