import { useToggleStar } from '../api';

/** A toggle button (aria-pressed) that stars or unstars an entry. */
export function StarButton({
  id,
  starred,
  title,
}: {
  id: string;
  starred: boolean;
  /** The entry's title, so each star in a list has its own name. */
  title: string;
}) {
  const toggle = useToggleStar();
  const on = toggle.isPending ? !starred : starred;
  return (
    <button
      type="button"
      className={on ? 'star-button on' : 'star-button'}
      aria-pressed={on}
      aria-label={`Star “${title}”`}
      title={on ? 'Unstar' : 'Star'}
      disabled={toggle.isPending}
      onClick={() => toggle.mutate({ id, starred: !starred })}
    >
      <span aria-hidden="true">{on ? '★' : '☆'}</span>
    </button>
  );
}
