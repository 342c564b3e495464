import DOMPurify from 'dompurify';

type Highlighter = typeof import('./highlight');
let highlighter: Promise<Highlighter> | undefined;

/**
 * Highlights every code block under `root` that names its language, loading the highlighter
 * chunk the first time one is seen. Each block is done once (`data-highlighted`). The
 * highlighter's HTML is sanitized to spans with classes before it is put in place.
 */
export async function highlightCodeBlocks(root: HTMLElement): Promise<void> {
  const blocks = [...root.querySelectorAll<HTMLElement>('pre code[class*="language-"]:not([data-highlighted])')];
  if (blocks.length === 0) return;
  highlighter ??= import('./highlight');
  const { highlightCode } = await highlighter;
  for (const block of blocks) {
    if (!block.isConnected) continue;
    const language = /language-([\w+#.-]+)/.exec(block.className)?.[1].toLowerCase() ?? '';
    const html = highlightCode(block.textContent ?? '', language);
    block.dataset.highlighted = 'true';
    if (html === null) continue;
    block.innerHTML = DOMPurify.sanitize(html, { ALLOWED_TAGS: ['span'], ALLOWED_ATTR: ['class'] });
    block.classList.add('hljs');
  }
}
