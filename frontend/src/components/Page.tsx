// A screen's frame: its document title and its one <h1>, which takes the
// focus after an in-app navigation so keyboard and screen-reader users
// start at the top of the new screen.
import { useEffect, useRef, type ReactNode } from 'react';

let navigated = false;

export function Page({
  title,
  heading,
  lead,
  actions,
  children,
  wide,
}: {
  title: string;
  heading?: ReactNode;
  lead?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  wide?: boolean;
}) {
  const h1 = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Calibrate`;
  }, [title]);
  useEffect(() => {
    // Not on the first screen of a load: the browser starts at the top then.
    if (navigated) h1.current?.focus();
    navigated = true;
  }, []);
  return (
    <div className={wide ? 'page page-wide' : 'page'}>
      <div className="page-head">
        <div>
          <h1 ref={h1} tabIndex={-1}>
            {heading ?? title}
          </h1>
          {lead && <div className="lead">{lead}</div>}
        </div>
        {actions && <div className="page-actions">{actions}</div>}
      </div>
      {children}
    </div>
  );
}
