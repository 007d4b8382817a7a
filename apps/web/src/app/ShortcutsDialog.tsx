import type { Ref } from 'react';

export const SHORTCUTS: [keys: string[], what: string][] = [
  [['n'], 'New entry'],
  [['/'], 'Search your journal'],
  [['j', 'k'], 'Next / previous entry in the list'],
  [['Enter'], 'Open the focused entry'],
  [['e'], 'Edit the entry you are reading'],
  [['Esc'], 'Back (from an entry to the journal)'],
  [['←', '→'], 'Switch between Write and Preview'],
  [['Ctrl', 'S'], 'Save the entry'],
  [['?'], 'This list'],
];

/** The `?` overlay: a modal dialog listing every shortcut (Esc or the button closes it). */
export function ShortcutsDialog({ ref }: { ref: Ref<HTMLDialogElement> }) {
  return (
    <dialog ref={ref} className="shortcuts-dialog" aria-labelledby="shortcuts-title">
      <h2 id="shortcuts-title">Keyboard shortcuts</h2>
      <p className="muted">They work anywhere except while you type in a field.</p>
      <dl className="shortcut-list">
        {SHORTCUTS.map(([keys, what]) => (
          <div key={what}>
            <dt>
              {keys.map((key, index) => (
                <span key={key}>
                  {index ? ' ' : ''}
                  <kbd>{key}</kbd>
                </span>
              ))}
            </dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
      <form method="dialog">
        <button type="submit" className="btn btn-secondary" autoFocus>
          Close
        </button>
      </form>
    </dialog>
  );
}
