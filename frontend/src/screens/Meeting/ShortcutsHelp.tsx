// The `?` dialog: every meeting shortcut, from the table the keys follow.
import { Dialog } from '../../components/Dialog';
import { MEETING_SHORTCUTS } from '../../lib/shortcuts';

export function ShortcutsHelp({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} title="Keyboard shortcuts" onClose={onClose}>
      <div className="dialog-body">
        <table className="compact shortcuts">
          <caption className="visually-hidden">Meeting mode shortcuts</caption>
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">What it does</th>
            </tr>
          </thead>
          <tbody>
            {MEETING_SHORTCUTS.map((s) => (
              <tr key={s.action}>
                <th scope="row">
                  <kbd>{s.label}</kbd>
                </th>
                <td>{s.what}</td>
              </tr>
            ))}
            <tr>
              <th scope="row">
                <kbd>Escape</kbd>
              </th>
              <td>Close this list</td>
            </tr>
          </tbody>
        </table>
        <p className="muted small-text">Shortcuts do nothing while you type in a field; press Tab to leave it first.</p>
      </div>
      <div className="dialog-actions">
        <button type="button" className="secondary" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
    </Dialog>
  );
}
