import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { Markdown } from './Markdown';

describe('Markdown', () => {
  it('renders formatting', () => {
    const { container } = render(<Markdown source={'# Day\n\n**bold** and _soft_'} />);
    expect(container.querySelector('h1')?.textContent).toBe('Day');
    expect(container.querySelector('strong')?.textContent).toBe('bold');
  });

  it('never turns entry text into script or event handlers', () => {
    const hostile = [
      '<script>window.pwned = 1</script>',
      '<img src=x onerror="window.pwned = 1">',
      '[click](javascript:window.pwned=1)',
      '<a href="#" onclick="window.pwned=1">x</a>',
    ].join('\n\n');
    const { container } = render(<Markdown source={hostile} />);
    expect(container.querySelector('script')).toBeNull();
    expect(container.querySelector('img')).toBeNull();
    for (const element of container.querySelectorAll('*')) {
      for (const attribute of element.getAttributeNames()) {
        expect(attribute.startsWith('on')).toBe(false);
      }
    }
    const link = container.querySelector('a');
    expect(link?.getAttribute('href') ?? '').not.toMatch(/^javascript:/i);
    expect((window as unknown as { pwned?: number }).pwned).toBeUndefined();
  });

  it('opens links in a new tab without leaking the opener', () => {
    const { container } = render(<Markdown source={'[site](https://example.com)'} />);
    const link = container.querySelector('a')!;
    expect(link.getAttribute('rel')).toContain('noopener');
    expect(link.getAttribute('target')).toBe('_blank');
  });
});

describe('Markdown, GitHub-flavoured', () => {
  it('renders tables, task lists, strikethrough and autolinks', () => {
    const source = [
      '| day | miles |',
      '| --- | ----- |',
      '| Mon | 3 |',
      '',
      '- [x] stretch',
      '- [ ] swim',
      '',
      '~~gone~~ and www.example.com',
    ].join('\n');
    const { container } = render(<Markdown source={source} />);
    expect(container.querySelector('table td')?.textContent).toBe('Mon');
    const boxes = container.querySelectorAll<HTMLInputElement>('input[type="checkbox"]');
    expect([...boxes].map((box) => box.checked)).toEqual([true, false]);
    expect([...boxes].every((box) => box.disabled)).toBe(true);
    // Each box is named for assistive technology (axe: "label", critical).
    expect([...boxes].map((box) => box.getAttribute('aria-label'))).toEqual(['Done', 'Not done']);
    expect(container.querySelector('del')?.textContent).toBe('gone');
    expect(container.querySelector('a')?.getAttribute('href')).toBe('http://www.example.com');
  });

  it('highlights fenced code in a known language with spans, never parsed HTML', () => {
    const { container } = render(
      <Markdown source={'```js\nconst a = "<img src=x onerror=alert(1)>";\n```'} />,
    );
    const code = container.querySelector('pre code')!;
    expect(code.className).toContain('hljs');
    expect(code.querySelector('.hljs-keyword')?.textContent).toBe('const');
    expect(code.querySelector('img')).toBeNull();
    expect(code.textContent).toContain('<img src=x onerror=alert(1)>');
  });

  it('leaves code in an unknown language as plain text', () => {
    const { container } = render(<Markdown source={'```brainfuck\n+++.\n```'} />);
    const code = container.querySelector('pre code')!;
    expect(code.textContent).toBe('+++.\n');
    expect(code.children).toHaveLength(0);
  });

  it.each([
    ['javascript: link', '[click me](javascript:alert(1))'],
    ['JaVaScRiPt with entity', '[click me](jav&#x09;ascript:alert(1))'],
    ['data: URL', '[click me](data:text/html;base64,PHNjcmlwdD4=)'],
    ['vbscript: URL', '[click me](vbscript:msgbox(1))'],
    ['relative path into the app', '[click me](/settings/devices)'],
    ['protocol-relative', '[click me](//evil.example/x)'],
    ['reference link', '[click me][x]\n\n[x]: javascript:alert(1)'],
  ])('a neutralised %s renders as plain text, not a link to the app', (_name, source) => {
    const { container } = render(<Markdown source={source} />);
    expect(container.querySelector('a')).toBeNull();
    expect(container.textContent).toContain('click me');
  });

  it('keeps raw HTML inert in tables and task lists too', () => {
    const source = [
      '| a |',
      '| - |',
      '| <script>window.pwned=1</script><b onmouseover="x">b</b> |',
      '',
      '- [ ] <iframe src="https://evil.example"></iframe>',
      '',
      '<svg><a xlink:href="javascript:alert(1)">x</a></svg>',
    ].join('\n');
    const { container } = render(<Markdown source={source} />);
    for (const tag of ['script', 'iframe', 'svg', 'b']) {
      expect(container.querySelector(tag)).toBeNull();
    }
    for (const element of container.querySelectorAll('*')) {
      for (const attribute of element.getAttributeNames()) {
        expect(attribute.startsWith('on')).toBe(false);
        expect(element.getAttribute(attribute) ?? '').not.toMatch(/javascript:/i);
      }
    }
  });
});
