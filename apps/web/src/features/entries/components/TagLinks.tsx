import { Link } from 'react-router';

/** An entry's tags, each a link to the journal filtered by it; nothing when it has none. */
export function TagLinks({ tags }: { tags: readonly string[] }) {
  if (!tags.length) return null;
  return (
    <ul className="tags" aria-label="Tags">
      {tags.map((tag) => (
        <li key={tag}>
          <Link to={`/?tag=${encodeURIComponent(tag)}`} className="tag">
            #{tag}
          </Link>
        </li>
      ))}
    </ul>
  );
}
