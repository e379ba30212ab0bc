// The official MDX parser's top-level headings, for tests/mdx/test_mdx_differential.py (test only).
//
//   node headings.mjs FILE...
//
// prints one JSON object: for each FILE, {"headings": [[line, depth], ...]} with the 0-based start
// line and the depth of every heading that is a child of the document root (headings inside JSX
// elements, block quotes or list items are not), or {"error": "..."} when the file is not valid MDX.
// Front matter (---/---) is parsed with the frontmatter extension, as aicmo reads it too.
import { readFileSync } from "node:fs";
import { fromMarkdown } from "mdast-util-from-markdown";
import { frontmatterFromMarkdown } from "mdast-util-frontmatter";
import { mdxFromMarkdown } from "mdast-util-mdx";
import { frontmatter } from "micromark-extension-frontmatter";
import { mdxjs } from "micromark-extension-mdxjs";

function topLevelHeadings(text) {
  const tree = fromMarkdown(text, {
    extensions: [mdxjs(), frontmatter(["yaml"])],
    mdastExtensions: [mdxFromMarkdown(), frontmatterFromMarkdown(["yaml"])],
  });
  return tree.children
    .filter((node) => node.type === "heading")
    .map((node) => [node.position.start.line - 1, node.depth]);
}

const result = {};
for (const path of process.argv.slice(2)) {
  try {
    result[path] = { headings: topLevelHeadings(readFileSync(path, "utf8")) };
  } catch (error) {
    result[path] = { error: String(error && error.message ? error.message : error) };
  }
}
process.stdout.write(JSON.stringify(result) + "\n");
