/** A model card split into its YAML front matter (as key/value lines) and its Markdown body. */
export interface ModelCardParts {
  /** Top-level `key: value` pairs of the front matter; lists and nested values as their text. */
  fields: { key: string; value: string }[];
  body: string;
}

/**
 * Splits a Hugging Face README into its front matter and body. Only top-level keys are read
 * (a list under a key is joined with commas): enough to show licence, tags and base model
 * without a YAML parser, and never rendered as Markdown.
 */
export function splitFrontMatter(text: string): ModelCardParts {
  const match = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  if (!match) return { fields: [], body: text };
  const fields: { key: string; value: string }[] = [];
  for (const line of match[1].split(/\r?\n/)) {
    const top = /^([A-Za-z0-9_][\w.-]*):\s*(.*)$/.exec(line);
    const item = /^\s+-\s+(.*)$/.exec(line);
    if (top) fields.push({ key: top[1], value: top[2].replace(/^\[|\]$/g, '').trim() });
    else if (item && fields.length > 0) {
      const last = fields[fields.length - 1];
      last.value = last.value ? `${last.value}, ${item[1].trim()}` : item[1].trim();
    }
  }
  return { fields: fields.filter((f) => f.value !== ''), body: text.slice(match[0].length) };
}
