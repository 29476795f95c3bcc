// `npx tsx scripts/mutation-user-errors.ts`: writes src/graphql/mutation-user-errors.ts, the
// UserErrorCodes each mutation can answer, read from the code rather than written by hand. For
// each mutation field declared in src/graphql and plugins/, it follows every function, constant
// and method the resolver reaches (through the type checker's symbols, across files) and
// collects the UserErrorCode literals found on the way (`fail("NOT_FOUND", …)`,
// `{ ok: false, reason: "REFUND_TERMINAL" }`); a call through an interface (a port such as the
// plugin host's hooks) reaches the project's classes that implement it. What it cannot see: a
// port implemented by an object literal, and codes a plugin or an app makes up at run time.
// test/graphql/mutation-user-errors.test.ts fails when the file is stale.
import { writeFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { USER_ERROR_CODES } from "../src/domain/errors.js";

const ROOT = path.resolve(import.meta.dirname, "..");
export const MUTATION_USER_ERRORS_FILE = path.join(ROOT, "src/graphql/mutation-user-errors.ts");
const CODES = new Set(Object.keys(USER_ERROR_CODES));

function program(): ts.Program {
  const configPath = path.join(ROOT, "tsconfig.json");
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  if (!parsed) throw new Error("tsconfig.json does not parse");
  return ts.createProgram(parsed.fileNames, parsed.options);
}

const inProject = (file: ts.SourceFile) => !file.isDeclarationFile && !file.fileName.includes("/node_modules/") && !file.fileName.includes("/generated/");

/** The mutation fields of a file: name → the expression that defines it. */
function mutationFields(file: ts.SourceFile): Array<[string, ts.Node]> {
  const found: Array<[string, ts.Node]> = [];
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const method = node.expression.name.text;
      const [first, second] = node.arguments;
      if (method === "mutationField" && first && ts.isStringLiteral(first) && second) found.push([first.text, second]);
      if (method === "mutationFields" && first && (ts.isArrowFunction(first) || ts.isFunctionExpression(first))) {
        let body: ts.Node = first.body;
        while (ts.isParenthesizedExpression(body)) body = body.expression;
        if (ts.isObjectLiteralExpression(body)) {
          for (const property of body.properties) {
            if (ts.isPropertyAssignment(property) && (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name))) found.push([property.name.text, property.initializer]);
          }
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** Interface → the classes of the project that implement it, so a call through a port reaches them. */
function implementations(checker: ts.TypeChecker, files: readonly ts.SourceFile[]): Map<ts.Symbol, ts.ClassDeclaration[]> {
  const byInterface = new Map<ts.Symbol, ts.ClassDeclaration[]>();
  const visit = (node: ts.Node) => {
    if (ts.isClassDeclaration(node)) {
      for (const clause of node.heritageClauses ?? []) {
        if (clause.token !== ts.SyntaxKind.ImplementsKeyword) continue;
        for (const type of clause.types) {
          let symbol = checker.getSymbolAtLocation(type.expression);
          if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
          if (symbol) byInterface.set(symbol, [...(byInterface.get(symbol) ?? []), node]);
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  for (const file of files) visit(file);
  return byInterface;
}

/** The codes reachable from `root`. */
function codesReachedFrom(checker: ts.TypeChecker, root: ts.Node, skip: ReadonlySet<ts.Node>, implemented: Map<ts.Symbol, ts.ClassDeclaration[]>): string[] {
  const codes = new Set<string>();
  const seen = new Set<ts.Node>();
  const walk = (node: ts.Node): void => {
    if (ts.isTypeNode(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) return;
    if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && CODES.has(node.text)) codes.add(node.text);
    if (ts.isIdentifier(node)) {
      let symbol = checker.getSymbolAtLocation(node);
      if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
      for (const declaration of symbol?.declarations ?? []) {
        if (seen.has(declaration) || skip.has(declaration) || !inProject(declaration.getSourceFile())) continue;
        if (ts.isParameter(declaration) || ts.isBindingElement(declaration)) continue;
        seen.add(declaration);
        // A method of an interface (a port): its implementations in the project are what runs.
        if ((ts.isMethodSignature(declaration) || ts.isPropertySignature(declaration)) && ts.isInterfaceDeclaration(declaration.parent)) {
          const port = checker.getSymbolAtLocation(declaration.parent.name);
          for (const implementation of (port && implemented.get(port)) ?? []) {
            for (const member of implementation.members) if (member.name && member.name.getText() === declaration.name.getText() && !seen.has(member)) (seen.add(member), walk(member));
          }
          continue;
        }
        walk(declaration);
      }
    }
    ts.forEachChild(node, walk);
  };
  walk(root);
  return [...codes].sort();
}

/** mutation name → the codes it can answer, sorted. */
export function deriveMutationUserErrors(): Record<string, string[]> {
  const built = program();
  const checker = built.getTypeChecker();
  // The list of codes itself reaches every code: following it would say nothing.
  const skip = new Set<ts.Node>();
  const errorsFile = built.getSourceFile(path.join(ROOT, "src/domain/errors.ts"));
  errorsFile?.forEachChild((statement) => {
    if (ts.isVariableStatement(statement)) for (const declaration of statement.declarationList.declarations) skip.add(declaration);
  });
  const table: Record<string, string[]> = {};
  const implemented = implementations(checker, built.getSourceFiles().filter(inProject));
  for (const file of built.getSourceFiles()) {
    if (!inProject(file)) continue;
    const relative = path.relative(ROOT, file.fileName);
    if (!relative.startsWith("src/graphql/") && !relative.startsWith("plugins/")) continue;
    for (const [name, root] of mutationFields(file)) table[name] = codesReachedFrom(checker, root, skip, implemented);
  }
  return Object.fromEntries(Object.entries(table).sort(([a], [b]) => a.localeCompare(b)));
}

export function mutationUserErrorsSource(table: Record<string, string[]>): string {
  const rows = Object.entries(table).map(([name, codes]) => `  ${name}: [${codes.map((code) => `"${code}"`).join(", ")}],`);
  return `// Generated by \`npx tsx scripts/mutation-user-errors.ts\` from the resolvers and the services they reach; do not edit.
import type { UserErrorCode } from "../domain/errors.js";

/** The UserErrorCodes each mutation can answer (besides UNAUTHENTICATED and INVALID_TOKEN, which any can). */
export const MUTATION_USER_ERRORS: Record<string, readonly UserErrorCode[]> = {
${rows.join("\n")}
};
`;
}

if (process.argv[1] && import.meta.filename === path.resolve(process.argv[1])) {
  writeFileSync(MUTATION_USER_ERRORS_FILE, mutationUserErrorsSource(deriveMutationUserErrors()));
  console.log(`wrote ${path.relative(ROOT, MUTATION_USER_ERRORS_FILE)}`);
}
