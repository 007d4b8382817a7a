import type { ComponentPropsWithoutRef } from 'react';
import ReactMarkdown, { defaultUrlTransform } from 'react-markdown';
import remarkGfm from 'remark-gfm';

import { highlight } from './highlight';

/** Only these leave the app: anything else (javascript:, data:, relative paths) is text. */
const SAFE_LINK = /^(https?:\/\/|mailto:)/i;

/** An in-page anchor (GFM footnotes): stays in the page, no new tab. */
const IN_PAGE = /^#[\w-]+$/;

function SafeLink({ href, children }: ComponentPropsWithoutRef<'a'>) {
  const target = href ?? '';
  if (IN_PAGE.test(target)) return <a href={target}>{children}</a>;
  if (!SAFE_LINK.test(target)) {
    // A neutralised link (javascript:, data:, a path into this app…) is plain text, never an
    // <a> pointing at the app itself.
    return <span className="md-unsafe-link">{children}</span>;
  }
  return (
    <a href={target} target="_blank" rel="noopener noreferrer nofollow">
      {children}
    </a>
  );
}

function Code({ className, children }: ComponentPropsWithoutRef<'code'>) {
  const language = /(?:^|\s)language-([\w+-]+)/.exec(className ?? '')?.[1]?.toLowerCase();
  const text = typeof children === 'string' ? children : null;
  if (language && text !== null) {
    const highlighted = highlight(text.replace(/\n$/, ''), language);
    if (highlighted) return <code className={`hljs language-${language}`}>{highlighted}</code>;
  }
  return <code className={className}>{children}</code>;
}

/**
 * Renders an entry's markdown safely, GitHub-flavoured (tables, task lists, autolinks,
 * strikethrough, footnotes): react-markdown builds React elements and never injects raw
 * HTML (no rehype-raw), so a <script> or onerror= in an entry stays text. URLs pass the
 * default transform (which blanks unsafe protocols), then only http(s)/mailto become links.
 */
export function Markdown({ source }: { source: string }) {
  return (
    <div className="markdown">
      <ReactMarkdown
        remarkPlugins={[remarkGfm]}
        urlTransform={defaultUrlTransform}
        components={{
          a: ({ node: _node, ...props }) => <SafeLink {...props} />,
          code: ({ node: _node, ...props }) => <Code {...props} />,
          img: ({ node: _node, alt }) => <span className="md-image">[image: {alt}]</span>,
          input: ({ node: _node, type, checked }) =>
            type === 'checkbox' ? (
              <input
                type="checkbox"
                checked={Boolean(checked)}
                aria-label={checked ? 'Done' : 'Not done'}
                disabled
                readOnly
              />
            ) : null,
        }}
      >
        {source}
      </ReactMarkdown>
    </div>
  );
}
