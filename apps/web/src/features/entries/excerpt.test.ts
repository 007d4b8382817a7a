import { describe, expect, it } from 'vitest';

import { excerpt, stripMarkdown } from './excerpt';
import { entryTitle, untitledRest } from './format';

describe('stripMarkdown', () => {
  it('turns a table into its cell text without pipes or rules', () => {
    const text = stripMarkdown('| day | miles |\n| :-- | --: |\n| Mon | 3 |');
    expect(text).not.toContain('|');
    expect(text).not.toContain('--');
    expect(text).toContain('Mon');
    expect(text).toContain('miles');
  });

  it('keeps link text and drops link URLs, images keep their alt', () => {
    const text = stripMarkdown(
      'See [the docs](https://example.com/a_(b) "Title") and ![a cat](cat.png) or [ref][1].\n\n[1]: https://example.org',
    );
    expect(text).toBe('See the docs and a cat or ref.');
  });

  it('leaves no HTML tag debris', () => {
    const text = stripMarkdown('<div class="x">Hello <b>there</b></div><!-- note --> <br/>');
    expect(text).toBe('Hello there');
  });

  it('drops headings, quotes, bullets, task boxes and emphasis markers', () => {
    const text = stripMarkdown(
      '# Morning\n> quoted *soft* words\n- [x] **done** item\n1. ~~old~~ _new_\n\n---\n`code`',
    );
    expect(text).toBe('Morning quoted soft words done item old new code');
  });

  it('leaves fenced code out and decodes entities', () => {
    expect(stripMarkdown('before\n```js\nconst x = 1;\n```\nafter &amp; &lt;ok&gt;')).toBe(
      'before after & <ok>',
    );
  });

  it('keeps snake_case words and arithmetic intact', () => {
    expect(stripMarkdown('my_var_name is 2 * 3 * 4')).toBe('my_var_name is 2 * 3 * 4');
  });
});

describe('excerpt', () => {
  it('cuts long text at a word with an ellipsis', () => {
    const long = 'word '.repeat(100);
    const cut = excerpt(long, 23);
    expect(cut.endsWith('…')).toBe(true);
    expect(cut.length).toBeLessThanOrEqual(24);
    expect(cut).not.toMatch(/wor…$/);
  });
});

describe('entryTitle', () => {
  it('uses the title when there is one', () => {
    expect(entryTitle({ title: 'Walk', body: 'x' })).toBe('Walk');
  });

  it('titles an untitled entry by its first non-empty line, as plain text', () => {
    expect(entryTitle({ title: ' ', body: '\n\n## A [good](https://x.y) day\nmore' })).toBe(
      'A good day',
    );
  });

  it('says Untitled when there is nothing to show', () => {
    expect(entryTitle({ title: '', body: '' })).toBe('Untitled');
  });
});

describe('stripMarkdown, escaped pipes', () => {
  it('keeps an escaped pipe inside a table cell as text', () => {
    expect(stripMarkdown('| a \\| b | c |')).toBe('a | b · c');
  });
});

describe('untitledRest', () => {
  it('leaves out the first line of an untitled entry, which is already its title', () => {
    expect(excerpt(untitledRest({ title: '', body: '# Keeper\n\nThe lamp.' }))).toBe('The lamp.');
    expect(untitledRest({ title: 'T', body: '# Keeper' })).toBe('# Keeper');
  });
});
