import { type ASTNode, parse, print, visit } from "graphql";

/**
 * The SDL without its descriptions, printed as graphql-js prints: a test that plants a change by
 * editing the text (a field removed, a type changed) edits one line, not a field and the
 * description block above it. Descriptions change no type, so no check compared this way loses anything.
 */
export function withoutDescriptions(sdl: string): string {
  return print(
    visit(parse(sdl), {
      enter(node: ASTNode) {
        return "description" in node && node.description ? { ...node, description: undefined } : undefined;
      },
    }),
  );
}
