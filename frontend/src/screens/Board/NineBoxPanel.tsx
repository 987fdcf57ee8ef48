// The cycle board's 9-box, beside the heatmap, with the distribution guide
// (actual against the guide). The EM's director, while the cycle is
// calibrating, moves an EM to another readiness column: the decision opens
// in a dialog with the new readiness filled in.
import { useMemo, useState } from 'react';
import { useNineBox } from '../../api/queries';
import type { Cycle, Readiness } from '../../api/types';
import type { BoardWithGuide } from '../../api/rollupTypes';
import { useMe } from '../../auth/session';
import { Dialog } from '../../components/Dialog';
import { NineBoxGrid } from '../../components/NineBoxGrid';
import { QueryState } from '../../components/Status';
import { readinessLabel } from '../../lib/format';
import { DecisionBlock } from '../Meeting/EmPanel';

export function NineBoxPanel({ board, cycle }: { board: BoardWithGuide; cycle: Cycle | undefined }) {
  const me = useMe();
  const nineBox = useNineBox({ cycleId: board.cycle.id });
  const [moving, setMoving] = useState<{ emId: string; readiness: Readiness } | null>(null);
  const rows = useMemo(() => new Map(board.rows.map((r) => [r.em.id, r])), [board.rows]);
  // Names and directors from the cycle's participants: a filtered board has only some of the rows.
  const people = useMemo(() => {
    const m = new Map<string, { name: string; director_id: string }>();
    for (const p of cycle?.participants ?? []) m.set(p.id, { name: p.name, director_id: p.director_id });
    for (const r of board.rows) m.set(r.em.id, { name: r.em.name, director_id: r.em.director_id });
    return m;
  }, [board.rows, cycle?.participants]);
  const names = useMemo(() => new Map([...people].map(([id, p]) => [id, p.name])), [people]);
  const calibrating = board.cycle.state === 'calibrating';
  const person = moving ? people.get(moving.emId) : undefined;
  return (
    <section className="card nine-box-card" aria-label="9-box">
      <QueryState query={nineBox} what="Loading the 9-box">
        {(nb) => (
          <NineBoxGrid
            nineBox={nb}
            names={names}
            readinessOf={(id) => rows.get(id)?.readiness.decision ?? null}
            canMove={(id) => calibrating && !!cycle && people.get(id)?.director_id === me.id}
            onMove={(emId, readiness) => setMoving({ emId, readiness })}
          />
        )}
      </QueryState>
      <Dialog
        open={!!moving && !!person && !!cycle}
        title={person && moving ? `Decision: ${person.name}, to ${readinessLabel(moving.readiness)}` : 'Decision'}
        onClose={() => setMoving(null)}
      >
        {person && moving && cycle && (
          <div className="dialog-body">
            <p>
              The readiness below is filled in from your move; it is saved only when you save the decision, with its rationale.
            </p>
            <DecisionBlock
              key={`${moving.emId}-${moving.readiness}`}
              cycle={cycle}
              emId={moving.emId}
              directorId={person.director_id}
              suggested={rows.get(moving.emId)?.readiness.suggested ?? null}
              prefill={moving.readiness}
            />
          </div>
        )}
        <div className="dialog-actions">
          <button type="button" className="secondary" onClick={() => setMoving(null)}>
            Close
          </button>
        </div>
      </Dialog>
    </section>
  );
}
