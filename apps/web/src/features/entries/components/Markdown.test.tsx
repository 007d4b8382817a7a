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
