// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/lib/markdown';

const allowedTags = new Set([
  'P',
  'BR',
  'HR',
  'H1',
  'H2',
  'H3',
  'H4',
  'H5',
  'H6',
  'STRONG',
  'EM',
  'DEL',
  'S',
  'CODE',
  'PRE',
  'BLOCKQUOTE',
  'UL',
  'OL',
  'LI',
  'A',
  'TABLE',
  'THEAD',
  'TBODY',
  'TR',
  'TH',
  'TD',
  'DIV',
  'SPAN',
  'BUTTON',
]);
const allowedAttrs = new Set([
  'href',
  'title',
  'target',
  'rel',
  'class',
  'type',
  'aria-label',
  'align',
  'start',
]);

function parse(html: string): HTMLElement {
  const root = document.createElement('div');
  root.innerHTML = html;
  return root;
}

/** Asserts nothing in the rendered HTML could run code, fetch a resource or navigate unsafely. */
function assertInert(html: string): HTMLElement {
  const root = parse(html);
  for (const el of root.querySelectorAll('*')) {
    expect(allowedTags.has(el.tagName), `tag ${el.tagName} in ${html}`).toBe(true);
    for (const name of el.getAttributeNames()) {
      expect(allowedAttrs.has(name), `attribute ${name} in ${html}`).toBe(true);
      expect(name.startsWith('on')).toBe(false);
    }
    if (el.tagName === 'A' && el.hasAttribute('href')) {
      const url = new URL(el.getAttribute('href')!);
      expect(['http:', 'https:', 'mailto:']).toContain(url.protocol);
      expect(el.getAttribute('target')).toBe('_blank');
      expect(el.getAttribute('rel')).toBe('noopener noreferrer nofollow');
    }
  }
  expect(html).not.toMatch(
    /<(script|img|video|audio|iframe|object|embed|link|style|form|input|meta|base|svg|math)\b/i,
  );
  // Serialized text escapes "<", so any of these in the output would be a real element.
  return root;
}

const corpus: Record<string, string> = {
  script: '<script>alert(1)</script>',
  scriptInline: 'hello <script>alert(1)</script> world',
  imgOnerror: '<img src=x onerror="alert(1)">',
  markdownImage: '![a](http://evil/x.png)',
  markdownImageNoAlt: '![](http://evil/x.png)',
  referenceImage: '![logo][r]\n\n[r]: http://evil/x.png',
  javascriptLink: '[x](javascript:alert(1))',
  javascriptLinkCase: '[x](JaVaScRiPt:alert(1))',
  javascriptLinkTab: '[x](java\tscript:alert(1))',
  javascriptAutolink: '<javascript:alert(1)>',
  entityLink: '[x](javascript&#58;alert(1))',
  entityLinkHex: '[x](&#x6A;avascript:alert(1))',
  rawEntityAnchor: '<a href="javascript&#58;alert(1)">x</a>',
  dataAnchor: '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
  dataLink: '[x](data:text/html;base64,PHNjcmlwdD4=)',
  vbscriptLink: '[x](vbscript:msgbox(1))',
  relativeLink: '[x](/settings)',
  protocolRelative: '[x](//evil.example/x)',
  svg: '<svg onload="alert(1)"><circle r="5"/></svg>',
  iframe: '<iframe src="http://evil/"></iframe>',
  form: '<form action="http://evil/"><input name="q"><button>go</button></form>',
  meta: '<meta http-equiv="refresh" content="0;url=http://evil/">',
  style: '<style>@import url(http://evil/x.css);</style>',
  styleAttr: '<div style="background:url(http://evil/x.png)">x</div>',
  video: '<video src="http://evil/x.mp4" autoplay></video><audio src="http://evil/x.mp3"></audio>',
  objectEmbed: '<object data="http://evil/x"></object><embed src="http://evil/x">',
  link: '<link rel="stylesheet" href="http://evil/x.css">',
  base: '<base href="http://evil/">',
  math: '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
  srcset: '<img srcset="http://evil/x.png 1x">',
  taskList: '- [x] done\n- [ ] todo',
  linkWithTitle: '[x](https://example.com "a\\" onmouseover=\\"alert(1)")',
  nestedImageInLink: '[![a](http://evil/x.png)](https://example.com)',
  htmlInCode: '```html\n<script>alert(1)</script>\n```',
  codeLangInjection: '```"><img src=x onerror=alert(1)>\ncode\n```',
  tableAlign: '| a | b |\n|:--|--:|\n| <img src=x> | 2 |',
};

describe('renderMarkdown safety', () => {
  for (const [name, input] of Object.entries(corpus)) {
    it(`keeps ${name} inert`, () => {
      assertInert(renderMarkdown(input));
    });
  }

  it('shows raw HTML as text instead of interpreting it', () => {
    const root = assertInert(renderMarkdown('hello <script>alert(1)</script>'));
    expect(root.textContent).toContain('<script>alert(1)</script>');
  });

  it('turns images into text without a request', () => {
    const root = assertInert(renderMarkdown('see ![a cat](http://evil/x.png) and ![](http://evil/y.png)'));
    expect(root.textContent?.trim()).toBe('see [image: a cat] and [image]');
    expect(root.innerHTML).not.toContain('evil');
  });

  it('keeps only the text of unsafe links', () => {
    for (const input of [
      corpus.javascriptLink,
      corpus.entityLink,
      corpus.dataLink,
      corpus.relativeLink,
      corpus.vbscriptLink,
    ]) {
      const root = assertInert(renderMarkdown(input));
      expect(root.querySelector('a[href]'), input).toBeNull();
      expect(root.textContent?.trim(), input).toBe('x');
    }
  });

  it('renders safe links opening in a new tab', () => {
    const root = assertInert(
      renderMarkdown(
        '[docs](https://example.com/a?b=1&c=2) and mail <me@example.com> and https://example.org',
      ),
    );
    const links = [...root.querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).toEqual([
      'https://example.com/a?b=1&c=2',
      'mailto:me@example.com',
      'https://example.org/',
    ]);
  });

  it('keeps link titles as attributes, not markup', () => {
    const root = assertInert(renderMarkdown(corpus.linkWithTitle));
    const a = root.querySelector('a')!;
    expect(a.getAttributeNames().sort()).toEqual(['href', 'rel', 'target', 'title']);
  });

  it('wraps code blocks with a copy button and escapes their content', () => {
    const root = assertInert(renderMarkdown('```js\nconst a = "<b>";\n```'));
    const block = root.querySelector('.code-block')!;
    const button = block.querySelector('button.copy-code')!;
    expect(button.getAttribute('type')).toBe('button');
    expect(button.getAttribute('aria-label')).toBe('Copy code');
    const code = block.querySelector('pre > code')!;
    expect(code.className).toBe('language-js');
    expect(code.textContent).toBe('const a = "<b>";');
  });

  it('renders ordinary markdown', () => {
    const root = assertInert(
      renderMarkdown('# Title\n\n**bold** _em_ `code`\n\n1. one\n2. two\n\n> quote\n\n| a |\n|---|\n| 1 |'),
    );
    expect(root.querySelector('h1')?.textContent).toBe('Title');
    expect(root.querySelector('strong')?.textContent).toBe('bold');
    expect(root.querySelectorAll('ol > li')).toHaveLength(2);
    expect(root.querySelector('blockquote')).not.toBeNull();
    expect(root.querySelector('table td')?.textContent).toBe('1');
  });

  it('renders task lists without form controls', () => {
    const root = assertInert(renderMarkdown(corpus.taskList));
    expect(root.textContent).toContain('☑');
    expect(root.textContent).toContain('☐');
  });

  it('copes with unfinished markdown while streaming', () => {
    assertInert(renderMarkdown('```py\nprint(1)'));
    assertInert(renderMarkdown('[link](https://exa'));
    assertInert(renderMarkdown('<scr'));
  });
});
