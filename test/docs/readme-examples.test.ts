// Every example of the README's tour and of docs/api-tour.md runs as written, against a fresh
// server started as `npm start` starts it on a new machine (embedded database, demo shop, a new
// DATA_DIR, a free port): the shell blocks in bash, one after another as in one terminal (blocks
// without `curl` set the variables the later ones use; a streaming `curl -N` runs in the
// background, as in a second terminal), the TypeScript blocks with tsx from the repository's
// folder, as the README says, after a type-check with the project's settings. Only the printed
// tokens (`<AGENT token>`) and the server's address (`http://127.0.0.1:4000`) are put in.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../support/patience.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const read = (relative: string) => readFileSync(path.join(ROOT, relative), "utf8");
const ROLES = ["PLATFORM_ADMIN", "SHOP_ADMIN", "AGENT", "WAREHOUSE", "FINANCE", "INTEGRATION", "CUSTOMER"] as const;
const README_ADDRESS = "http://127.0.0.1:4000";

interface Block {
  file: string;
  line: number;
  lang: "sh" | "ts";
  code: string;
}

/** The ```sh and ```ts blocks of a Markdown text, in order, with the line each starts on. */
/** Whether any process of the group led by `pid` is still running. */
function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function blocksOf(file: string, markdown: string, offsetLines = 0): Block[] {
  const blocks: Block[] = [];
  for (const match of markdown.matchAll(/^```(sh|ts)\n([\s\S]*?)^```$/gm)) {
    const line = offsetLines + markdown.slice(0, match.index).split("\n").length;
    blocks.push({ file, line, lang: match[1] as "sh" | "ts", code: match[2]! });
  }
  return blocks;
}

/** The README's "## A tour" section: its other blocks are `npm` commands, not examples. */
function readmeTour(): Block[] {
  const readme = read("README.md");
  const start = readme.indexOf("\n## A tour\n");
  const end = readme.indexOf("\n## ", start + 1);
  expect(start, "README.md has a section `## A tour`").toBeGreaterThan(0);
  return blocksOf("README.md", readme.slice(start, end), readme.slice(0, start).split("\n").length - 1);
}

const FILES = [
  { name: "README.md", blocks: readmeTour() },
  { name: "docs/api-tour.md", blocks: blocksOf("docs/api-tour.md", read("docs/api-tour.md")) },
];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

async function waitFor(what: string, condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs / 1000} s for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Every `userErrors` list in an answer, anywhere. */
function userErrorsIn(value: unknown): unknown[] {
  if (Array.isArray(value)) return value.flatMap(userErrorsIn);
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, inner]) => (key === "userErrors" && Array.isArray(inner) ? inner : userErrorsIn(inner)));
}

describe("the documentation's examples against a fresh npm start", () => {
  let server: ChildProcess;
  let output = "";
  let dataDir: string;
  let origin: string;
  const tokens = new Map<string, string>();
  /** Streams started by blocks (`curl -N`), as in a second terminal. */
  const streams: Array<{ block: Block; child: ChildProcess; output: () => string }> = [];
  /** A shell block without `curl` sets variables; later blocks of the same file start with it. */
  const setup = new Map<string, string>();

  /** The deployment's own settings are left out: `npm start` on a new machine has none of them. */
  const plainEnv = (): NodeJS.ProcessEnv => {
    const env = { ...process.env };
    for (const name of ["DATABASE_URL", "REDIS_URL", "DEMO_DATA", "PLUGINS", "BOOTSTRAP_ADMIN_TOKEN", "NODE_ENV", "TRUSTED_DOCUMENTS_MANIFEST", "HOST", "LOG_LEVEL", "VITEST", "VITEST_WORKER_ID", "VITEST_POOL_ID"]) delete env[name];
    return env;
  };

  const substitute = (code: string) => {
    let text = code.replaceAll(README_ADDRESS, origin);
    for (const [role, token] of tokens) text = text.replaceAll(`<${role} token>`, token);
    expect(text, "every placeholder of the block is one of the printed tokens").not.toMatch(/<[A-Z_]+ token>/);
    return text;
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "readme-examples-"));
    // `npm start` itself, in its own process group (npm runs the server through a shell).
    server = spawn("npm", ["start"], { cwd: ROOT, env: { ...plainEnv(), DATA_DIR: path.join(dataDir, "data"), PORT: "0" }, stdio: ["ignore", "pipe", "pipe"], detached: true });
    server.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    server.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<never>((_, reject) => server.once("exit", (code) => reject(new Error(`npm start exited (${code}) before it was ready:\n${output}`))));
    // Migrations, the demo shop's seeding and the start: 1.5 to 3 minutes were measured before the
    // seed was made faster, on a 2-core machine busy with other test runs (load 15).
    await Promise.race([exited, waitFor("npm start to print its GraphiQL address", () => /GraphiQL at http:\/\/\S+/.test(output), 590_000)]);
    origin = new URL(/GraphiQL at (http:\/\/\S+)/.exec(output)![1]!).origin;
    for (const role of ROLES) {
      const token = new RegExp(`^\\s+${role}\\s+(\\S+)`, "m").exec(output)?.[1];
      expect(token, `npm start printed a ${role} token:\n${output}`).toBeDefined();
      tokens.set(role, token!);
    }
  }, 600_000);

  afterAll(async () => {
    for (const { child } of streams) if (child.pid && child.exitCode === null) process.kill(-child.pid, "SIGTERM"); // bash and its curl
    if (server?.pid) {
      // The group: npm and the server it started. npm may exit before the server has closed
      // its database, so the group is waited for, not npm: PGlite still writes its files until then.
      if (server.exitCode === null) process.kill(-server.pid, "SIGTERM");
      await eventually(async () => groupAlive(server.pid!), (alive) => !alive);
    }
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  for (const file of FILES) {
    it(`${file.name} has examples to run`, () => {
      expect(file.blocks.filter((block) => block.code.includes("curl")).length).toBeGreaterThanOrEqual(2);
      expect(file.blocks.filter((block) => block.lang === "ts").length).toBeGreaterThanOrEqual(1);
    });

    for (const block of file.blocks) {
      it(`${block.file}:${block.line} (${block.lang}) runs as written`, async () => {
        const code = substitute(block.code);
        if (block.lang === "sh" && !code.includes("curl")) {
          setup.set(block.file, `${setup.get(block.file) ?? ""}${code}`);
          const result = await run("bash", ["-euo", "pipefail", "-c", code], plainEnv());
          expect(result, "the block sets its variables without a word").toEqual({ code: 0, stdout: "", stderr: "" });
          return;
        }
        if (block.lang === "sh" && /curl -s?N /.test(code)) {
          const child = spawn("bash", ["-euo", "pipefail", "-c", `${setup.get(block.file) ?? ""}${code}`], { cwd: ROOT, env: plainEnv(), stdio: ["ignore", "pipe", "pipe"], detached: true });
          let streamed = "";
          child.stdout!.on("data", (chunk: Buffer) => (streamed += chunk.toString()));
          child.stderr!.on("data", (chunk: Buffer) => (streamed += chunk.toString()));
          streams.push({ block, child, output: () => streamed });
          // The stream is open once the server's first keep-alive (":") has come through.
          await waitFor(`the stream of ${block.file}:${block.line} to open`, () => streamed.startsWith(":") || child.exitCode !== null);
          expect(child.exitCode, streamed).toBeNull();
          return;
        }
        if (block.lang === "sh") {
          const result = await run("bash", ["-euo", "pipefail", "-c", `${setup.get(block.file) ?? ""}${code}`], plainEnv());
          expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: "" });
          const answer = JSON.parse(result.stdout) as { data?: unknown; errors?: unknown };
          expect(answer.errors, result.stdout).toBeUndefined();
          expect(answer.data, result.stdout).toBeDefined();
          expect(userErrorsIn(answer.data)).toEqual([]);
          return;
        }
        // As the README says: saved in the repository's folder, run with tsx; and type-checked
        // first with the project's settings, as the typed documents promise.
        const base = path.join(ROOT, `.readme-example-${process.pid}-${randomBytes(3).toString("hex")}`);
        await writeFile(`${base}.ts`, code);
        await writeFile(`${base}.tsconfig.json`, JSON.stringify({ extends: "./tsconfig.json", include: [`${path.basename(base)}.ts`] }));
        try {
          const typed = await run(process.execPath, [path.join(ROOT, "node_modules/typescript/bin/tsc"), "-p", `${base}.tsconfig.json`], plainEnv());
          expect(typed.stdout + typed.stderr, "the block type-checks").toBe("");
          const result = await run(process.execPath, ["--import", "tsx", `${base}.ts`], plainEnv());
          expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: "" });
          expect(result.stdout).not.toBe("");
          if (result.stdout.startsWith("first click:")) expect(result.stdout).toMatch(/\nsecond click: VERSION_CONFLICT\n$/);
        } finally {
          await rm(`${base}.ts`, { force: true });
          await rm(`${base}.tsconfig.json`, { force: true });
        }
      });
    }
  }

  it("the live streams showed the approvals the examples made", async () => {
    expect(streams.length).toBeGreaterThanOrEqual(1);
    for (const stream of streams) {
      await waitFor(`an APPROVE on the stream of ${stream.block.file}:${stream.block.line}`, () => /^event: next\ndata: .*"action":"APPROVE"/m.test(stream.output()));
      expect(stream.child.exitCode, stream.output()).toBeNull();
    }
  });
});
