// The layers import one way: graphql → services → domain, and src/plugin implements what the
// services declare (TransitionHooks) instead of the services importing the plugin host. A
// circle (type imports included) would let a change in one layer ripple back into another.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const SRC = path.resolve(import.meta.dirname, "../../src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "generated" ? [] : sourceFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

/** Relative imports and re-exports of each file, type-only ones included. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const imports = ts.preProcessFile(readFileSync(file, "utf8"), true, true).importedFiles;
    graph.set(
      file,
      imports
        .map((imported) => imported.fileName)
        .filter((name) => name.startsWith(".") && !name.includes("/generated/"))
        .map((name) => path.resolve(path.dirname(file), name).replace(/\.js$/, ".ts")),
    );
  }
  return graph;
}

function findCycles(graph: Map<string, string[]>): string[][] {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (file: string) => {
    state.set(file, "open");
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === "open") cycles.push([...stack.slice(stack.indexOf(next)), next].map((entry) => path.relative(SRC, entry)));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return cycles;
}

describe("imports of src", () => {
  it("form no circle", () => {
    const graph = importGraph();
    expect(graph.size).toBeGreaterThan(40);
    expect(findCycles(graph)).toEqual([]);
  });

  it("keep the domain core free of I/O and of every other layer", () => {
    for (const [file, imports] of importGraph()) {
      if (!file.startsWith(path.join(SRC, "domain"))) continue;
      for (const imported of imports) expect(path.relative(SRC, imported), path.relative(SRC, file)).toMatch(/^domain\//);
    }
  });

  it("keep the services from importing the plugin host or GraphQL", () => {
    for (const [file, imports] of importGraph()) {
      if (!file.startsWith(path.join(SRC, "services"))) continue;
      for (const imported of imports) expect(path.relative(SRC, imported), path.relative(SRC, file)).not.toMatch(/^(plugin|graphql)\//);
    }
  });
});
