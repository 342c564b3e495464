import DOMPurify, { type Config, type DOMPurify as Purifier } from 'dompurify';
import { Marked, type Tokens } from 'marked';

// Model output is untrusted. Two layers keep it inert: the renderer below never emits raw HTML,
// images or unsafe links in the first place, and DOMPurify then removes anything outside a
// short allowlist (in case a marked change or a bug lets something through).

const linkProtocols = new Set(['http:', 'https:', 'mailto:']);

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** An absolute http(s)/mailto URL, normalized; `null` for anything else (relative, javascript:, data:...). */
function safeHref(href: string): string | null {
  try {
    // No base URL: relative links throw, so they can never point into the app.
    const url = new URL(href.trim());
    return linkProtocols.has(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

const marked = new Marked({
  gfm: true,
  async: false,
  renderer: {
    // Raw HTML from the model is shown as the text it is, never interpreted.
    html({ text, block }: Tokens.HTML | Tokens.Tag): string {
      return block ? `<p>${escapeHtml(text.trim())}</p>\n` : escapeHtml(text);
    },
    // Loading an image would tell a remote server the user is chatting; show the alt text instead.
    image({ text }: Tokens.Image): string {
      return escapeHtml(text.trim() ? `[image: ${text.trim()}]` : '[image]');
    },
    link({ href, title, tokens }: Tokens.Link): string {
      const inner = this.parser.parseInline(tokens);
      const url = safeHref(href);
      if (!url) return inner;
      const titleAttr = title ? ` title="${escapeHtml(title)}"` : '';
      return `<a href="${escapeHtml(url)}"${titleAttr} target="_blank" rel="noopener noreferrer nofollow">${inner}</a>`;
    },
    // Task-list checkboxes would be <input> elements; a glyph says the same without a form control.
    checkbox({ checked }: Tokens.Checkbox): string {
      return checked ? '☑ ' : '☐ ';
    },
    code({ text, lang }: Tokens.Code): string {
      const language = (lang ?? '').match(/^[\w+#.-]{1,30}/)?.[0];
      const cls = language ? ` class="language-${escapeHtml(language)}"` : '';
      return (
        `<div class="code-block">` +
        `<button type="button" class="copy-code" aria-label="Copy code">Copy</button>` +
        `<pre><code${cls}>${escapeHtml(text)}</code></pre></div>\n`
      );
    },
  },
});

const purifyConfig: Config = {
  ALLOWED_TAGS: [
    'p',
    'br',
    'hr',
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'strong',
    'em',
    'del',
    's',
    'code',
    'pre',
    'blockquote',
    'ul',
    'ol',
    'li',
    'a',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
    'div',
    'span',
    'button',
  ],
  ALLOWED_ATTR: ['href', 'title', 'target', 'rel', 'class', 'type', 'aria-label', 'align', 'start'],
  // Only href is checked against the URI pattern; these hold plain words.
  ADD_URI_SAFE_ATTR: ['target', 'rel', 'type', 'align', 'start'],
  ALLOWED_URI_REGEXP: /^(?:https?|mailto):/i,
  ALLOW_DATA_ATTR: false,
  FORBID_ATTR: ['style', 'srcset', 'src', 'id', 'name'],
};

let purifier: Purifier | undefined;

function purify(): Purifier {
  if (purifier) return purifier;
  // DOMPurify needs a DOM: the page's window in the app, jsdom in unit tests.
  purifier = DOMPurify(window);
  purifier.addHook('afterSanitizeAttributes', (node) => {
    if (node.nodeName === 'A') {
      if (node.hasAttribute('href')) {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer nofollow');
      } else {
        for (const name of node.getAttributeNames()) node.removeAttribute(name);
      }
    }
    if (node.nodeName === 'BUTTON') node.setAttribute('type', 'button');
  });
  return purifier;
}

/**
 * Renders model (or user) Markdown to HTML that is safe for `{@html}`: no scripts, event
 * handlers, styles, forms, embedded or remote resources, and links only to http(s)/mailto,
 * opening in a new tab. Code blocks carry a "Copy code" button for the component to wire up.
 */
export function renderMarkdown(text: string): string {
  const html = marked.parse(text) as string;
  return purify().sanitize(html, { ...purifyConfig, RETURN_TRUSTED_TYPE: false }) as string;
}
