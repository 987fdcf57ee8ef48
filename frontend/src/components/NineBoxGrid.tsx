// The 9-box: the composite against the bar (rows: above, at, below) ×
// readiness (columns: later, 6–12 months, ready now), each box with its
// count, share and the EMs' names. Where the user may decide, an EM's name
// can be dragged to another column, moved with the arrow keys (Home and End
// for the far columns), or moved through its "Move to…" menu: each opens
// the decision editor with the new readiness filled in, and nothing changes
// until that is saved.
import { useEffect, useId, useRef, useState, type DragEvent, type KeyboardEvent } from 'react';
import type { Readiness } from '../api/types';
import { NINE_BOX_COLUMNS, type NineBox, type NineBoxColumn } from '../api/rollupTypes';
import { bandLabel, bandRange, columnLabel, keyMove, namesOf, nineBoxGrid, resolveMove } from '../lib/ninebox';

const DRAG_TYPE = 'application/x-calibrate-em';

export function NineBoxGrid({
  nineBox,
  names,
  readinessOf,
  canMove,
  onMove,
  caption = '9-box: composite against the bar × readiness',
}: {
  nineBox: NineBox;
  names: ReadonlyMap<string, string>;
  /** the EM's readiness as it stands (the decision) */
  readinessOf: (emId: string) => Readiness | null;
  /** whether the user may decide for the EM */
  canMove: (emId: string) => boolean;
  /** opens the decision editor with the readiness filled in */
  onMove: (emId: string, readiness: Readiness) => void;
  caption?: string;
}) {
  const id = useId();
  const grid = nineBoxGrid(nineBox);
  const [dragging, setDragging] = useState<{ emId: string; from: NineBoxColumn } | null>(null);
  const [over, setOver] = useState<NineBoxColumn | null>(null);
  const anyMovable = nineBox.boxes.some((b) => b.em_ids.some(canMove));

  function move(emId: string, from: NineBoxColumn, to: NineBoxColumn) {
    const r = resolveMove(from, to, readinessOf(emId));
    if (r) onMove(emId, r);
  }

  function drop(e: DragEvent, to: NineBoxColumn) {
    e.preventDefault();
    const d = dragging;
    setDragging(null);
    setOver(null);
    if (d) move(d.emId, d.from, to);
  }

  return (
    <figure className="nine-box">
      <div className="table-wrap">
        <table className="nine-box-grid">
          <caption>
            {caption}
            <span className="caption-detail">
              {' '}
              — {nineBox.total} {nineBox.total === 1 ? 'EM' : 'EMs'} placed, bar {nineBox.bar}
            </span>
          </caption>
          <thead>
            <tr>
              <th scope="col">
                <span className="visually-hidden">Composite against the bar</span>
              </th>
              {NINE_BOX_COLUMNS.map((c) => (
                <th scope="col" key={c}>
                  {columnLabel(c)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {grid.map((row) => (
              <tr key={row[0]!.band}>
                <th scope="row">
                  {bandLabel(row[0]!.band)}
                  <div className="muted small-text">{bandRange(row[0]!.band, nineBox.bar)}</div>
                </th>
                {row.map((cell) => {
                  const target = dragging !== null && dragging.from !== cell.readiness;
                  return (
                    <td
                      key={cell.readiness}
                      className={`nine-cell band-${cell.band}${target ? ' drop-ok' : ''}${target && over === cell.readiness ? ' drop-over' : ''}`}
                      onDragOver={
                        dragging
                          ? (e) => {
                              e.preventDefault();
                              e.dataTransfer.dropEffect = target ? 'move' : 'none';
                              if (over !== cell.readiness) setOver(cell.readiness);
                            }
                          : undefined
                      }
                      onDragLeave={() => setOver((o) => (o === cell.readiness ? null : o))}
                      onDrop={dragging ? (e) => drop(e, cell.readiness) : undefined}
                    >
                      <div className="nine-count">
                        <strong>{cell.count}</strong> <span className="muted">({Math.round(cell.percent)}%)</span>
                      </div>
                      {cell.em_ids.length > 0 && (
                        <ul className="nine-names">
                          {namesOf(cell.em_ids, names).map((em) => (
                            <li key={em.id}>
                              {canMove(em.id) ? (
                                <EmChip
                                  emId={em.id}
                                  name={em.name}
                                  column={cell.readiness}
                                  hintId={`${id}-hint`}
                                  onMove={(to) => move(em.id, cell.readiness, to)}
                                  onDragStart={(e) => {
                                    e.dataTransfer.setData(DRAG_TYPE, em.id);
                                    e.dataTransfer.setData('text/plain', em.name);
                                    e.dataTransfer.effectAllowed = 'move';
                                    // After the drag has started: a browser may cancel a drag whose page changes during dragstart.
                                    const from = cell.readiness;
                                    setTimeout(() => setDragging({ emId: em.id, from }), 0);
                                  }}
                                  onDragEnd={() => {
                                    setDragging(null);
                                    setOver(null);
                                  }}
                                />
                              ) : (
                                <span className="em-name">{em.name}</span>
                              )}
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {nineBox.unplaced_em_ids.length > 0 && (
        <p className="muted small-text">
          Not placed (no composite or no decision yet): {namesOf(nineBox.unplaced_em_ids, names).map((e) => e.name).join(', ')}.
        </p>
      )}
      {anyMovable && (
        <figcaption id={`${id}-hint`} className="hint">
          To change a readiness, drag a name to another column, or focus it and press the left or right arrow key, or choose
          “Move to…”: the decision opens with the new readiness filled in, for you to save.
        </figcaption>
      )}
    </figure>
  );
}

/** An EM's name the user may move: a button with a "Move to…" menu, draggable, and moved by the arrow keys. */
function EmChip({
  emId,
  name,
  column,
  hintId,
  onMove,
  onDragStart,
  onDragEnd,
}: {
  emId: string;
  name: string;
  column: NineBoxColumn;
  hintId: string;
  onMove: (to: NineBoxColumn) => void;
  onDragStart: (e: DragEvent) => void;
  onDragEnd: () => void;
}) {
  const menuId = useId();
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLUListElement>(null);
  const targets = NINE_BOX_COLUMNS.filter((c) => c !== column);

  useEffect(() => {
    if (open) menu.current?.querySelector<HTMLElement>('[role=menuitem]')?.focus();
  }, [open]);

  function close(refocus = true) {
    setOpen(false);
    if (refocus) button.current?.focus();
  }

  function onChipKey(e: KeyboardEvent) {
    const to = keyMove(e.key, column);
    if (to) {
      e.preventDefault();
      onMove(to);
    } else if (e.key === 'ArrowDown' && !open) {
      e.preventDefault();
      setOpen(true);
    }
  }

  function onMenuKey(e: KeyboardEvent) {
    const items = [...(menu.current?.querySelectorAll<HTMLElement>('[role=menuitem]') ?? [])];
    const i = items.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation(); // not the dialog's or the page's Escape
      close();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const n = items.length;
      items[(i + (e.key === 'ArrowDown' ? 1 : n - 1)) % n]?.focus();
    } else if (e.key === 'Tab') {
      close(false);
    }
  }

  return (
    <span className="em-chip-wrap" data-em={emId}>
      <button
        ref={button}
        type="button"
        className="em-chip"
        draggable
        onDragStart={onDragStart}
        onDragEnd={onDragEnd}
        onKeyDown={onChipKey}
        onClick={() => setOpen((o) => !o)}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        aria-describedby={hintId}
      >
        {name}
        <span className="visually-hidden">, {columnLabel(column)}: move to…</span>
      </button>
      {open && (
        <ul
          ref={menu}
          id={menuId}
          role="menu"
          aria-label={`Move ${name} to`}
          className="chip-menu"
          onKeyDown={onMenuKey}
          onBlur={(e) => {
            if (!e.currentTarget.contains(e.relatedTarget as Node | null) && e.relatedTarget !== button.current) setOpen(false);
          }}
        >
          {targets.map((c) => (
            <li role="none" key={c}>
              <button
                type="button"
                role="menuitem"
                tabIndex={-1}
                onClick={() => {
                  close(true);
                  onMove(c);
                }}
              >
                Move to {columnLabel(c)}
              </button>
            </li>
          ))}
        </ul>
      )}
    </span>
  );
}
