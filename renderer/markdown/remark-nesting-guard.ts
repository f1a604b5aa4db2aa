import type { Paragraph, Root } from 'mdast';
import { FALLBACK_NOTES } from './fallback-notes';

/**
 * Deeper syntax trees than this are not rendered: later steps (mdast → hast → React) recurse once
 * per level and overflow the stack in the thousands. assessMarkdownBlock already keeps such text
 * from being parsed; this guard catches what its estimate missed.
 */
export const MAX_TREE_DEPTH = 160;

/** A remark plugin (run first): replaces a too-deep tree with its source as plain text and a note. */
export function remarkNestingGuard() {
  return (tree: Root, file: { value: unknown }) => {
    if (treeDepth(tree) <= MAX_TREE_DEPTH) return;
    const paragraph = (className: string, value: string): Paragraph => ({
      type: 'paragraph',
      data: { hName: 'p', hProperties: { className: [className] } },
      children: [{ type: 'text', value }],
    });
    tree.children = [
      {
        type: 'blockquote',
        data: { hName: 'div', hProperties: { className: ['md-plain'], dataTestid: 'markdown-fallback', dataReason: 'too-deep' } },
        children: [paragraph('md-fallback-note', FALLBACK_NOTES['too-deep']), paragraph('md-plain-text', String(file.value))],
      },
    ];
  };
}

/** Depth of the tree, measured without recursion. */
export function treeDepth(root: Root): number {
  let max = 0;
  const stack: Array<[{ children?: unknown[] }, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > max) max = depth;
    if (depth > MAX_TREE_DEPTH) return depth;
    for (const child of node.children ?? []) stack.push([child as { children?: unknown[] }, depth + 1]);
  }
  return max;
}
