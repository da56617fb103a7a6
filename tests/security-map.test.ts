// docs/security.md maps every security rule to the tests that hold it; this keeps the map true.
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Glob } from "bun";

const ROOT = join(import.meta.dir, "..");
const RULE_ID = /\b([A-Z]+-\d+)\b/;
const TITLE = /\b(?:test|describe|it)(?:\.\w+)?\(\s*(["'`])((?:\\.|(?!\1).)*)\1/g;

/** Rule ids in the first column of the tables of a markdown file. */
function ruleIdsIn(markdown: string): string[] {
  return markdown.split("\n").flatMap((line) => {
    const cell = /^\|\s*([A-Z]+-\d+)\s*\|/.exec(line);
    return cell ? [cell[1]!] : [];
  });
}

/** Every rule id named in brackets in a test or describe title under tests/. */
function idsNamedByTests(): Set<string> {
  const ids = new Set<string>();
  for (const file of new Glob("tests/**/*.test.ts").scanSync(ROOT)) {
    for (const title of readFileSync(join(ROOT, file), "utf8").matchAll(TITLE)) {
      for (const id of title[2]!.matchAll(/\[([A-Z]+-\d+)\]/g)) ids.add(id[1]!);
    }
  }
  return ids;
}

describe("the security map", () => {
  const map = readFileSync(join(ROOT, "docs/security.md"), "utf8");
  const listed = ruleIdsIn(map);

  test("lists rules", () => {
    expect(listed.length).toBeGreaterThanOrEqual(26);
    expect(RULE_ID.test(listed[0]!)).toBe(true);
  });

  test("every rule listed in docs/security.md has a test whose title names it", () => {
    const named = idsNamedByTests();
    expect(listed.filter((id) => !named.has(id))).toEqual([]);
  });

  test("every rule of the team's SECURITY.md is in the map", () => {
    const shared = join(ROOT, "../shared/SECURITY.md");
    if (!existsSync(shared)) return;
    const rules = [...readFileSync(shared, "utf8").matchAll(/^- ([A-Z]+-\d+)\s/gm)].map((match) => match[1]!);
    expect(rules.length).toBeGreaterThan(0);
    expect(rules.filter((id) => !listed.includes(id))).toEqual([]);
  });
});
