import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { BoardNotice } from '../api/types';
import { AdminNotices } from './AdminNotices';

const admin = { id: 'a1', name: 'Avery Admin' };
const moved: BoardNotice = {
  kind: 'manager',
  subject: { id: 'u1', name: 'Drew Nakamura' },
  actor: admin,
  at: '2026-12-03T10:15:00Z',
  before: 'Dana Whitfield',
  after: 'Quinn Reyes',
  message: 'Reporting line of Drew Nakamura changed by admin Avery Admin on 3 Dec 2026: now reports to Quinn Reyes (was Dana Whitfield).',
};
const deactivated: BoardNotice = {
  kind: 'active',
  subject: { id: 'u2', name: 'Sam <Oduya>' },
  actor: admin,
  at: '2026-12-04T08:00:00Z',
  before: 'active',
  after: 'inactive',
  message: 'Account of Sam <Oduya> deactivated by admin Avery Admin on 4 Dec 2026.',
};

const render = (notices: BoardNotice[]) => renderToStaticMarkup(createElement(AdminNotices, { notices }));

describe('AdminNotices', () => {
  it('renders nothing without notices', () => {
    expect(render([])).toBe('');
  });

  it('lists every notice in the order given (newest first), under a labelled heading', () => {
    const html = render([deactivated, moved]);
    const heading = /<section class="notice admin-notices" aria-labelledby="([^"]+)"><h2 id="([^"]+)">Changes by admins<\/h2>/.exec(html);
    expect(heading).not.toBeNull();
    expect(heading?.[1]).toBe(heading?.[2]);
    const items = [...html.matchAll(/<li class="admin-notice kind-(\w+)">([^<]*)<\/li>/g)].map((m) => [m[1], m[2]]);
    expect(items).toEqual([
      ['active', 'Account of Sam &lt;Oduya&gt; deactivated by admin Avery Admin on 4 Dec 2026.'],
      ['manager', moved.message],
    ]);
  });
});
