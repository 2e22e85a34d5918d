import { authorize } from "../auth/authorize.ts";
import type { Deps } from "../deps.ts";
import type { HttpServer } from "../platform/http/server.ts";
import { DEFAULT_RULE_SET } from "./default-rules.ts";
import { getRuleSet } from "./get-rule-set.ts";
import { RuleSetInputSchema } from "./schemas.ts";
import { getRescoreProgress, updateRuleSet } from "./update-rule-set.ts";

export function registerScoringRoutes(app: HttpServer, deps: Deps) {
  app.get(
    "/api/v1/scoring/rules",
    { schema: { tags: ["scoring"], summary: "The workspace's scoring rules and re-score progress" } },
    async (request) => {
      const principal = authorize(request, "leads:read");
      const ruleSet = await getRuleSet(deps.db, principal.workspaceId);
      const rescore = await getRescoreProgress(deps, { workspaceId: principal.workspaceId });
      return { ...ruleSet, rescore, defaults: DEFAULT_RULE_SET };
    },
  );

  app.put(
    "/api/v1/scoring/rules",
    {
      schema: {
        tags: ["scoring"],
        summary: "Replace the rules; the base is re-scored in the background",
        body: RuleSetInputSchema,
      },
    },
    async (request) => {
      const principal = authorize(request, "scoring:write");
      return updateRuleSet(deps, {
        workspaceId: principal.workspaceId,
        ruleSet: request.body,
        actor: principal.actor,
      });
    },
  );
}
