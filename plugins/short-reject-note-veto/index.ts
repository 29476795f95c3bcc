import { z } from "zod";
import { definePlugin } from "../../src/plugin/index.js";

// The customer reads a rejection's note: a shop may refuse a REJECT whose note is too short to say why.
export default definePlugin({
  name: "short-reject-note-veto",
  version: "1.0.0",
  apiVersion: 1, // required: the plugin API it was written for
  config: z.object({ enabled: z.boolean().default(true), minLength: z.number().int().positive().default(20) }),
  hooks: {
    beforeTransition(event, ctx) {
      if (event.action === "REJECT" && (event.note ?? "").trim().length < ctx.settings.minLength) {
        return { veto: { code: "NOTE_REQUIRED", message: `A rejection's note must say why in at least ${ctx.settings.minLength} characters` } };
      }
    },
  },
});
