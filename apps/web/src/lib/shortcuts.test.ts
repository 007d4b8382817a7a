import { afterEach, describe, expect, it } from 'vitest';

import { isTypingTarget } from './shortcuts';

afterEach(() => {
  document.body.innerHTML = '';
});

describe('isTypingTarget', () => {
  it('treats text fields, textareas, selects and editable content as typing', () => {
    document.body.innerHTML =
      '<input id="a"><input id="b" type="search"><textarea id="c"></textarea><select id="d"></select><div id="e" contenteditable="true"></div>';
    for (const id of ['a', 'b', 'c', 'd']) {
      expect(isTypingTarget(document.getElementById(id))).toBe(true);
    }
  });

  it('lets shortcuts through on buttons, checkboxes, links and the page', () => {
    document.body.innerHTML =
      '<button id="a">x</button><input id="b" type="checkbox"><a id="c" href="#">x</a>';
    for (const id of ['a', 'b', 'c']) {
      expect(isTypingTarget(document.getElementById(id))).toBe(false);
    }
    expect(isTypingTarget(document.body)).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });
});
