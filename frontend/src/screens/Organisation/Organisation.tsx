// Admin: the organisation's settings. Today one: whether people may sign
// in with a password, or only with single sign-on (admins always may).
import { useId } from 'react';
import { useOrg, usePatchOrg, useProviders } from '../../api/queries';
import { Page } from '../../components/Page';
import { ErrorNote, QueryState } from '../../components/Status';
import { passwordSwitch } from '../../lib/sso';

export default function Organisation() {
  const id = useId();
  const org = useOrg();
  const providers = useProviders();
  const patch = usePatchOrg();

  return (
    <Page title="Organisation" lead="Settings that apply to everyone in your organisation.">
      <QueryState query={org} what="Loading the organisation">
        {(o) => {
          const sw = passwordSwitch(o, providers.data);
          return (
            <section aria-labelledby={`${id}-signin`}>
              <h2 id={`${id}-signin`}>Sign-in</h2>
              <div className="field">
                <label htmlFor={`${id}-pw`}>
                  <input
                    id={`${id}-pw`}
                    type="checkbox"
                    role="switch"
                    checked={sw.on}
                    disabled={patch.isPending || (sw.on && !sw.canTurnOff)}
                    aria-describedby={`${id}-pw-help`}
                    onChange={(e) => patch.mutate({ password_login: e.target.checked })}
                  />{' '}
                  Password sign-in
                </label>
                <p className="muted" id={`${id}-pw-help`}>
                  {sw.explanation}
                </p>
              </div>
              <ErrorNote error={patch.error} title="The setting was not changed." />
            </section>
          );
        }}
      </QueryState>
    </Page>
  );
}
