// `npm run codegen`: typed documents for the console and mobile examples in clients/operations,
// from the checked-in schema/schema.graphql (no server needed). test/contract/client-documents
// fails when clients/generated/ differs from what this config produces.
import type { CodegenConfig } from "@graphql-codegen/cli";

export const CLIENT_OPERATIONS = "clients/operations/*.graphql";
export const CLIENT_GENERATED = "clients/generated/";

/** The config for a given schema file, so a test can generate against a changed schema. */
export function clientCodegenConfig(schema = "schema/schema.graphql"): CodegenConfig {
  return {
    schema,
    documents: [CLIENT_OPERATIONS],
    ignoreNoDocuments: false,
    silent: true,
    // Relative imports with ".js", as the NodeNext resolution of this project requires.
    emitLegacyCommonJSImports: false,
    generates: {
      [CLIENT_GENERATED]: {
        preset: "client",
        presetConfig: {
          // persisted-documents.json: hash → document, the manifest TRUSTED_DOCUMENTS_MANIFEST names.
          persistedDocuments: { hashAlgorithm: "sha256" },
          fragmentMasking: false,
        },
        config: {
          useTypeImports: true,
          // Types of what the operations select and send, not of the whole schema.
          onlyOperationTypes: true,
          enumsAsTypes: true,
          scalars: { DateTime: "string", JSON: "unknown" },
        },
      },
    },
  };
}

export default clientCodegenConfig();
