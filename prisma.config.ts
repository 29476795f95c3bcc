import { defineConfig } from "prisma/config";

// A folder: prisma/schema.prisma (the core) and prisma/plugins/*.prisma, links to each plugin's
// own plugins/<name>/schema.prisma. Prisma reads only the .prisma files under this folder, so a
// plugin's file is reached through its link (scripts/lib/schema-engine.mjs checks every plugin
// folder with a schema.prisma has one).
export default defineConfig({
  schema: "prisma",
  migrations: { path: "prisma/migrations" },
});
