/**
 * Markdown → plain text for titles and excerpts in lists: what a reader would see, without
 * markup (no table pipes, no HTML tag debris, no link URLs, no emphasis markers). A small
 * line-based stripper rather than a full parser, so the journal list does not load the
 * markdown renderer; unit tested against the constructs GFM allows.
 */

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code =
        name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1));
      return code > 0 && code < 0x110000 ? String.fromCodePoint(code) : '';
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** Stands in for an escaped pipe while a table row is split (a private-use character). */
const ESCAPED_PIPE = '\uE000';
const ESCAPED_PIPE_RE = new RegExp(ESCAPED_PIPE, 'g');

function stripInline(line: string): string {
  let text = line;
  text = text.replace(/<!--[\s\S]*?-->/g, ' ');
  // Autolinks keep their address (it is the visible text); other tags go entirely.
  text = text.replace(/<((?:https?:\/\/|mailto:)[^\s>]+)>/gi, '$1');
  text = text.replace(/<\/?[a-z][^>]*>/gi, ' ');
  text = text.replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1'); // images: their alt text
  text = text.replace(/!\[([^\]]*)\]\[[^\]]*\]/g, '$1');
  text = text.replace(/\[\^[^\]]+\]/g, ''); // footnote references
  text = text.replace(/\[([^\]]*)\]\((?:[^()]|\([^)]*\))*\)/g, '$1'); // [text](url "title")
  text = text.replace(/\[([^\]]*)\]\[[^\]]*\]/g, '$1'); // [text][ref]
  text = text.replace(/`+([^`]*)`+/g, '$1');
  text = text.replace(/(\*\*|__|~~)(?=\S)([\s\S]*?\S)\1/g, '$2');
  text = text.replace(/(^|[^\w*])[*_](?=\S)([^*_]*?\S)[*_](?!\w)/g, '$1$2');
  text = text.replace(/\\([\\`*_{}[\]()#+\-.!|~<>])/g, '$1');
  text = decodeEntities(text);
  return text;
}

/** One line of markdown (a heading, a list item, a table row…) as plain text. */
function stripLine(line: string): string {
  let text = line;
  if (/^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/.test(text)) return ''; // table rule
  if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(text)) return ''; // thematic break
  if (/^\s*\[[^\]]+\]:\s*\S+/.test(text)) return ''; // link reference definition
  text = text.replace(/^\s{0,3}#{1,6}\s+/, ''); // ATX heading
  text = text.replace(/\s+#+\s*$/, '');
  text = text.replace(/^\s*(>\s?)+/, ''); // blockquote
  text = text.replace(/^\s*([-*+]|\d+[.)])\s+/, ''); // list bullet
  text = text.replace(/^\[[ xX]\]\s+/, ''); // task box
  text = text.replace(/^\s*=+\s*$|^\s*-+\s*$/, ''); // setext underline
  if (text.includes('|')) {
    // A table row: cells separated by spaces, escaped pipes kept as text.
    text = text
      .replace(/\\\|/g, ESCAPED_PIPE)
      .replace(/^\s*\||\|\s*$/g, '')
      .split('|')
      .map((cell) => cell.trim())
      .filter(Boolean)
      .join(' · ')
      .replace(ESCAPED_PIPE_RE, '|');
  }
  return stripInline(text).replace(/\s+/g, ' ').trim();
}

/** Markdown as plain text on one line; fenced code blocks are left out. */
export function stripMarkdown(markdown: string): string {
  const lines: string[] = [];
  let fence: string | null = null;
  for (const line of markdown.split(/\r?\n/)) {
    const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length) fence = null;
      continue;
    }
    if (marker) {
      fence = marker;
      continue;
    }
    const stripped = stripLine(line);
    if (stripped) lines.push(stripped);
  }
  return lines.join(' ').replace(/\s+/g, ' ').trim();
}

/** The first `length` characters of the plain text, cut at a word where possible. */
export function excerpt(markdown: string, length = 220): string {
  const plain = stripMarkdown(markdown);
  if (plain.length <= length) return plain;
  const cut = plain.slice(0, length);
  const space = cut.lastIndexOf(' ');
  return `${(space > length * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
