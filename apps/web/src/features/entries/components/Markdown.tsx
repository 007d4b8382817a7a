import ReactMarkdown from 'react-markdown';

/**
 * Renders an entry's markdown safely: react-markdown builds React elements and never
 * injects raw HTML (no rehype-raw), so a <script> or onerror= in an entry stays text.
 * Links are limited to safe protocols by its default urlTransform.
 */
export function Markdown({ source }: { source: string }) {
  return (
    <div className="markdown">
      <ReactMarkdown
        components={{
          a: ({ node: _node, ...props }) => (
            <a {...props} target="_blank" rel="noopener noreferrer nofollow" />
          ),
          img: ({ node: _node, alt }) => <span className="md-image">[image: {alt}]</span>,
        }}
      >
        {source}
      </ReactMarkdown>
    </div>
  );
}
