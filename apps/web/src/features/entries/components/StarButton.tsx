import { useToggleStar } from '../api';

/** A toggle button (aria-pressed) that stars or unstars an entry. */
export function StarButton({ id, starred }: { id: string; starred: boolean }) {
  const toggle = useToggleStar();
  const on = toggle.isPending ? !starred : starred;
  return (
    <button
      type="button"
      className={on ? 'star-button on' : 'star-button'}
      aria-pressed={on}
      aria-label="Starred"
      title={on ? 'Unstar' : 'Star'}
      disabled={toggle.isPending}
      onClick={() => toggle.mutate({ id, starred: !starred })}
    >
      <span aria-hidden="true">{on ? '★' : '☆'}</span>
    </button>
  );
}
