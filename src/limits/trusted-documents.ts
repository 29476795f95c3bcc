// Trusted documents: a process started with TRUSTED_DOCUMENTS_MANIFEST runs only the operations
// listed in that manifest (hash → document, as `npm run codegen` writes
// clients/generated/persisted-documents.json). Clients send the hash, never the text, so a
// stolen token cannot run hand-written queries against the mobile API.
import { readFileSync } from "node:fs";
import { usePersistedOperations } from "@graphql-yoga/plugin-persisted-operations";
import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";

export interface TrustedDocuments {
  /** The manifest's path, for messages. */
  source: string;
  /** The document text of a hash, or undefined when the manifest does not list it. */
  document(hash: string): string | undefined;
}

/** Reads a manifest; a missing file or one that is not `{ "<hash>": "<document>" }` stops the start. */
export function loadTrustedDocuments(manifestPath: string): TrustedDocuments {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(manifestPath, "utf8"));
  } catch (error) {
    throw new Error(`TRUSTED_DOCUMENTS_MANIFEST ${manifestPath} cannot be read as JSON: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed) || !Object.values(parsed).every((value) => typeof value === "string")) {
    throw new Error(`TRUSTED_DOCUMENTS_MANIFEST ${manifestPath} must map each hash to a document string (clients/generated/persisted-documents.json)`);
  }
  const documents = new Map(Object.entries(parsed as Record<string, string>));
  return { source: manifestPath, document: (hash) => documents.get(hash) };
}

/** The hash a client sent: Apollo's `extensions.persistedQuery.sha256Hash` or the GraphQL-over-HTTP draft's `documentId`. */
export function trustedDocumentId(params: { extensions?: unknown; documentId?: unknown }): string | null {
  if (typeof params.documentId === "string") return params.documentId;
  const persisted = (params.extensions as { persistedQuery?: { version?: unknown; sha256Hash?: unknown } } | undefined)?.persistedQuery;
  return persisted?.version === 1 && typeof persisted.sha256Hash === "string" ? persisted.sha256Hash : null;
}

// Request errors, not userErrors: the operation never ran. 400 so that no client mistakes them for data.
const refusals = {
  textSent: {
    message: "This server runs only trusted documents: send the hash of a document from the client's manifest (extensions.persistedQuery.sha256Hash or documentId), not its text",
    extensions: { code: "TRUSTED_DOCUMENTS_ONLY", http: { status: 400 } },
  },
  noId: {
    message: "This server runs only trusted documents: the request names no document hash (extensions.persistedQuery.sha256Hash or documentId)",
    extensions: { code: "TRUSTED_DOCUMENT_ID_REQUIRED", http: { status: 400 } },
  },
  unknown: {
    message: "No trusted document has this hash: the client was built from other documents than this server's manifest (npm run codegen writes both)",
    extensions: { code: "UNKNOWN_TRUSTED_DOCUMENT", http: { status: 400 } },
  },
} as const;

/** HTTP and SSE (yoga): yoga's persisted-operations plugin, answering from the manifest. */
export function useTrustedDocuments(trusted: TrustedDocuments): Plugin {
  return usePersistedOperations({
    allowArbitraryOperations: false,
    extractPersistedOperationId: (params) => trustedDocumentId(params as { extensions?: unknown; documentId?: unknown }),
    getPersistedOperation: (hash) => trusted.document(hash) ?? null,
    customErrors: { persistedQueryOnly: refusals.textSent, keyNotFound: refusals.noId, notFound: refusals.unknown },
  });
}

/**
 * graphql-ws: its messages must carry a `query` string, so a client sends `query: ""` with the
 * hash in `extensions`. Answers the trusted document's text, or the refusal.
 */
export function trustedSubscriptionQuery(trusted: TrustedDocuments, params: { query: string; extensions?: unknown }): string | GraphQLError {
  const refuse = (refusal: (typeof refusals)[keyof typeof refusals]) => new GraphQLError(refusal.message, { extensions: { code: refusal.extensions.code } });
  if (params.query.trim() !== "") return refuse(refusals.textSent);
  const hash = trustedDocumentId(params);
  if (hash === null) return refuse(refusals.noId);
  return trusted.document(hash) ?? refuse(refusals.unknown);
}
