import { describe, expect, it } from "vitest";
import { TEST_EVENT_TYPE } from "../../../partner-webhooks/schemas.ts";
import { t } from "../../i18n.ts";
import { eventTypeLabel } from "./partner-webhook-labels.ts";

describe("partner event labels", () => {
  it("names the server's event types in the current language", () => {
    expect(eventTypeLabel("deal.won", t)).toBe("Negócio ganho");
    expect(eventTypeLabel(TEST_EVENT_TYPE, t)).toBe("Teste");
  });

  it("shows a type the web does not name yet as the server sends it", () => {
    expect(eventTypeLabel("lead.somewhere_new", t)).toBe("lead.somewhere_new");
  });
});
