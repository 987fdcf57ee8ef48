// An EM's record over cycles: a radar of scores against the bar, the
// composite trend with each decision, the history table, the development
// plan and the promotion packet. Directors and admins reach it from a
// cycle (?cycle=…, adding that cycle's current scores); an EM sees their
// own released history. The projection of cycles to the bar is labelled
// as what it is: a projection, not a promise. The charts load lazily.
// Opened from a cycle, the cycle's changes show as they happen.
import { lazy, Suspense } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { useCycleEvents } from '../../api/live';
import { useBoard, useCycleFramework, useCycles, useDownload, useHistory, usePlan } from '../../api/queries';
import type { Framework, History } from '../../api/types';
import { useMe } from '../../auth/session';
import { ReadinessBadge } from '../../components/Chips';
import { LiveChanges } from '../../components/LiveChanges';
import { Page } from '../../components/Page';
import { Empty, ErrorNote, Loading, QueryState } from '../../components/Status';
import { saveBlob, slug } from '../../lib/download';
import { formatComposite, formatDate, planStatusLabel, trendLabel } from '../../lib/format';
import { projectionText } from '../../lib/emYear';
import type { RadarSeries } from '../../charts/Radar';

const Radar = lazy(() => import('../../charts/Radar'));
const Trend = lazy(() => import('../../charts/Trend'));

export default function EmRecordRoute() {
  const { emId = '' } = useParams();
  return <EmRecord emId={emId} />;
}

export function EmRecord({ emId, own }: { emId: string; own?: boolean }) {
  const me = useMe();
  const [params] = useSearchParams();
  const cycleId = me.role === 'em' ? undefined : (params.get('cycle') ?? undefined);
  const history = useHistory(emId);
  const lastCycle = history.data?.cycles.at(-1)?.cycle.id;
  const { framework } = useCycleFramework(cycleId ?? lastCycle);
  const board = useBoard(cycleId);
  const plan = usePlan(emId);
  const download = useDownload();
  const live = useCycleEvents(cycleId);

  if (history.error) return <ErrorNote error={history.error} />;
  if (!history.data) return <Loading what="Loading the record" />;
  const h = history.data;
  const row = board.data?.rows.find((r) => r.em.id === emId);
  const name = own ? 'My history' : h.em.name;

  return (
    <Page
      title={name}
      wide
      lead={<Trajectory h={h} />}
      actions={
        <>
          <button
            type="button"
            className="secondary"
            disabled={download.isPending}
            onClick={() =>
              download.mutate(
                { packet: emId, name: `promotion-packet-${slug(h.em.name)}.md` },
                { onSuccess: (d) => saveBlob(d.blob, d.filename) },
              )
            }
          >
            {download.isPending ? 'Preparing…' : 'Download packet'}
          </button>
          <button
            type="button"
            className="secondary"
            disabled={download.isPending}
            onClick={() =>
              download.mutate(
                { packet: emId, format: 'pdf', name: `promotion-packet-${slug(h.em.name)}.pdf` },
                { onSuccess: (d) => saveBlob(d.blob, d.filename) },
              )
            }
          >
            Download PDF
          </button>
        </>
      }
    >
      <ErrorNote error={download.error} />
      <LiveChanges live={live} />
      {h.cycles.length === 0 && !row ? (
        <Empty>{own ? 'No released cycle yet: your history starts when your first cycle is released.' : 'No finalized cycle yet.'}</Empty>
      ) : (
        <>
            <div className="charts">
              <section className="card" aria-labelledby="radar-h">
                <h2 id="radar-h">Scores against the bar</h2>
                {framework.data ? (
                  <Suspense fallback={<Loading what="Drawing" />}>
                    <RadarOf h={h} framework={framework.data} current={row ? { name: board.data!.cycle.name, scores: row.scores } : undefined} />
                  </Suspense>
                ) : framework.error ? (
                  <ErrorNote error={framework.error} />
                ) : (
                  <Loading what="Loading the framework" />
                )}
              </section>
              <section className="card" aria-labelledby="trend-h">
                <h2 id="trend-h">Composite and readiness over cycles</h2>
                <Suspense fallback={<Loading what="Drawing" />}>
                  <Trend
                    label={`Composite by cycle for ${h.em.name}: ${h.cycles.map((c) => `${c.cycle.name} ${formatComposite(c.composite)}`).join('; ')}`}
                    min={framework.data?.scale.min ?? 1}
                    max={framework.data?.scale.max ?? 4}
                    bar={framework.data?.scale.bar ?? 3}
                    points={h.cycles.map((c) => ({ label: c.cycle.name.replace(/ calibration$/i, ''), composite: c.composite, decision: c.decision }))}
                  />
                </Suspense>
              </section>
            </div>
            <Projection h={h} />
            <HistoryTable h={h} framework={framework.data} />
        </>
      )}
      <section className="card" aria-labelledby="plan-h">
        <h2 id="plan-h">Development plan</h2>
        <QueryState query={plan} what="Loading the plan">
          {(items) =>
            items.length === 0 ? (
              <Empty>No plan items yet.</Empty>
            ) : (
              <ul className="plan-list">
                {items.map((p) => (
                  <li key={p.id}>
                    <strong>{framework.data?.criteria.find((c) => c.key === p.criterion)?.title ?? p.criterion}</strong>: {p.action}{' '}
                    <span className="muted">
                      · {planStatusLabel(p.status)}
                      {p.revisit_on && ` · revisit ${formatDate(p.revisit_on)}`}
                    </span>
                  </li>
                ))}
              </ul>
            )
          }
        </QueryState>
        {own && <Link to="/plan">Edit my plan</Link>}
      </section>
    </Page>
  );
}

function Trajectory({ h }: { h: History }) {
  const t = h.trajectory;
  const parts = [];
  if (t.trend) parts.push(`Composite trend: ${trendLabel(t.trend).toLowerCase()}`);
  parts.push(`${t.at_bar_streak} ${t.at_bar_streak === 1 ? 'cycle' : 'cycles'} in a row with nothing below the bar`);
  if (t.stalled) parts.push('stalled: the same readiness three cycles running');
  return <>{parts.join(' · ')}</>;
}

// The projection is read beside the latest decision, in one sentence, so
// that "0 cycles to the bar" never sits unexplained next to a decision
// that is not "ready now".
function Projection({ h }: { h: History }) {
  const n = h.trajectory.projected_cycles_to_ready;
  return (
    <section className="card" aria-labelledby="projection-h">
      <h2 id="projection-h">Projection, not a promise</h2>
      <p className="projection-figure">{projectionText(n, h.cycles.at(-1)?.decision, h.trajectory.projection)}</p>
      {!!n && <p className="muted">{h.trajectory.projection}</p>}
    </section>
  );
}

function RadarOf({
  h,
  framework,
  current,
}: {
  h: History;
  framework: Framework;
  current?: { name: string; scores: Record<string, { director: number | null }> };
}) {
  const axes = framework.criteria.map((c) => ({ key: c.key, title: c.title }));
  const series: RadarSeries[] = [];
  const last = h.cycles.at(-1);
  if (current) {
    series.push({
      name: `${current.name} (director)`,
      tone: 'primary',
      values: Object.fromEntries(Object.entries(current.scores).map(([k, v]) => [k, v.director])),
    });
  }
  if (last) series.push({ name: last.cycle.name, tone: current ? 'secondary' : 'primary', values: last.scores });
  const label = `Radar of ${h.em.name}'s scores against the bar of ${framework.scale.bar}: ${series
    .map((s) => `${s.name}: ${axes.map((a) => `${a.title} ${s.values[a.key] ?? 'none'}`).join(', ')}`)
    .join('. ')}`;
  return <Radar axes={axes} series={series} scale={framework.scale} label={label} />;
}

// Newest first, as every list; a released cycle is dated by its release, as the EM's feedback dates it.
function HistoryTable({ h, framework }: { h: History; framework: Framework | undefined }) {
  const cycles = useCycles();
  const releasedAt = new Map(cycles.data?.map((c) => [c.id, c.released_at]));
  const keys = framework?.criteria ?? Object.keys(h.cycles[0]?.scores ?? {}).map((k) => ({ key: k, title: k }));
  const bar = framework?.scale.bar ?? 3;
  return (
    <section className="card" aria-labelledby="hist-h">
      <h2 id="hist-h">History</h2>
      <div className="table-wrap">
        <table className="compact">
          <caption className="visually-hidden">Scores and decisions by cycle, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Cycle</th>
              {keys.map((c) => (
                <th scope="col" key={c.key} className="num crit-col">
                  <span className="crit-label">{c.title}</span>
                </th>
              ))}
              <th scope="col" className="num">
                Composite
              </th>
              <th scope="col">Decision</th>
            </tr>
          </thead>
          <tbody>
            {[...h.cycles].reverse().map((c) => (
              <tr key={c.cycle.id}>
                <th scope="row">
                  {c.cycle.name}
                  <div className="muted small-text">
                    {releasedAt.get(c.cycle.id)
                      ? `Released ${formatDate(releasedAt.get(c.cycle.id))}`
                      : `Finalized ${formatDate(c.cycle.finalized_at)}`}
                  </div>
                </th>
                {keys.map((k) => {
                  const v = c.scores[k.key];
                  return (
                    <td key={k.key} className={v !== undefined && v < bar ? 'num below-bar' : 'num'}>
                      {v ?? '–'}
                      {v !== undefined && v < bar && <span className="visually-hidden"> (below the bar)</span>}
                    </td>
                  );
                })}
                <td className="num">{formatComposite(c.composite)}</td>
                <td>
                  <ReadinessBadge value={c.decision} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
