/**
 * The deprecation reason of a plain list that a connection replaces: one wording for every such
 * list, naming the connection and dated, so a client knows what to move to and since when (the
 * list keeps answering; test/contract/lists.test.ts keeps every replaced list deprecated so).
 */
export function replacedByConnection(connection: string, why: string, since: `${number}-${number}-${number}`): string {
  return `${why}; use ${connection}, the same items in pages. Deprecated since ${since}`;
}
