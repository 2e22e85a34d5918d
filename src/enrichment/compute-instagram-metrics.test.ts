import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { DiscoveredMedia } from "../adapters/meta/business-discovery.ts";
import { computeInstagramMetrics, contentTypeOf, parseGraphTime } from "./compute-instagram-metrics.ts";
import { extractBioContacts } from "./extract-bio-contacts.ts";

const NOW = new Date("2026-11-23T12:00:00.000Z");
const daysAgo = (days: number) =>
  new Date(NOW.getTime() - days * 86_400_000).toISOString().replace(".000Z", "+0000");

function post(
  id: string,
  days: number,
  likes: number,
  comments: number,
  type = "IMAGE",
  extra: Partial<DiscoveredMedia> = {},
) {
  return {
    id,
    like_count: likes,
    comments_count: comments,
    timestamp: daysAgo(days),
    media_type: type,
    ...extra,
  };
}

describe("computeInstagramMetrics", () => {
  it("averages (likes + comments) / followers over the last N posts, newest first", () => {
    const media = [
      post("old", 40, 9_000, 0), // outside the last 3
      post("a", 1, 100, 10),
      post("b", 2, 200, 20),
      post("c", 3, 50, 0),
    ];
    const metrics = computeInstagramMetrics({ followers: 1_000, media, lastN: 3, now: NOW });
    // (0.11 + 0.22 + 0.05) / 3
    expect(metrics.engagementRate).toBeCloseTo(0.126667, 6);
    expect(metrics.raw.engagement.map((entry) => entry.id)).toEqual(["a", "b", "c"]);
  });

  it("skips posts whose counts are hidden and gives null without followers or posts", () => {
    const media = [post("a", 1, 100, 0), { id: "hidden", timestamp: daysAgo(2), media_type: "IMAGE" }];
    expect(computeInstagramMetrics({ followers: 1_000, media, lastN: 12, now: NOW }).engagementRate).toBe(
      0.1,
    );
    expect(computeInstagramMetrics({ followers: 0, media, lastN: 12, now: NOW }).engagementRate).toBeNull();
    expect(
      computeInstagramMetrics({ followers: 10, media: [], lastN: 12, now: NOW }).engagementRate,
    ).toBeNull();
  });

  it("splits the content mix into image, video, carousel and reels", () => {
    const media = [
      post("i", 1, 1, 1, "IMAGE"),
      post("c", 2, 1, 1, "CAROUSEL_ALBUM"),
      post("v", 3, 1, 1, "VIDEO"),
      post("r1", 4, 1, 1, "VIDEO", { media_product_type: "REELS" }),
      post("r2", 5, 1, 1, "VIDEO", { permalink: "https://www.instagram.com/reel/XYZ/" }),
    ];
    const metrics = computeInstagramMetrics({ followers: 100, media, lastN: 12, now: NOW });
    expect(metrics.contentMix).toEqual({ image: 0.2, video: 0.2, carousel: 0.2, reels: 0.4 });
    expect(contentTypeOf({ id: "x" })).toBe("image");
  });

  it("counts posts per week over the 30 days before now (fixed clock)", () => {
    const media = [
      post("a", 1, 1, 1),
      post("b", 8, 1, 1),
      post("c", 29.9, 1, 1),
      post("d", 30.1, 1, 1),
      post("e", 60, 1, 1),
    ];
    const metrics = computeInstagramMetrics({ followers: 100, media, lastN: 12, now: NOW });
    expect(metrics.raw.postsInWindow).toBe(3);
    expect(metrics.postsPerWeek).toBe(0.7); // 3 / (30/7)
  });

  it("reads the fixture of WIRE-FORMATS §1.4", () => {
    const fixture = JSON.parse(
      readFileSync(
        new URL("../../fixtures/webhooks/meta/ig-business-discovery-response.json", import.meta.url),
        "utf8",
      ),
    ) as { business_discovery: { followers_count: number; media: { data: DiscoveredMedia[] } } };
    const { followers_count, media } = fixture.business_discovery;
    const metrics = computeInstagramMetrics({
      followers: followers_count,
      media: media.data,
      lastN: 12,
      now: new Date("2026-01-10T00:00:00Z"),
    });
    // ((1324+87) + (2890+164) + (611+42)) / 3 / 48210
    expect(metrics.engagementRate).toBeCloseTo((1411 + 3054 + 653) / 3 / 48210, 6);
    expect(metrics.contentMix).toEqual({ image: 0.3333, video: 0, carousel: 0.3333, reels: 0.3333 });
    expect(metrics.postsPerWeek).toBe(0.7);
    expect(parseGraphTime("2026-01-09T21:14:09+0000")?.toISOString()).toBe("2026-01-09T21:14:09.000Z");
  });
});

describe("extractBioContacts", () => {
  it("finds e-mails, phones (E.164) and links in a bio", () => {
    const bio =
      "Fotógrafa em BH 📸 contato: Agenda@Aurora-Foto.com.br | WhatsApp (31) 98765-4321 ⬇️ linktr.ee/aurora https://aurora.example/agenda. Também wa.me/5511912345678";
    expect(extractBioContacts(bio)).toEqual({
      emails: ["agenda@aurora-foto.com.br"],
      phones: ["+5531987654321", "+5511912345678"],
      links: ["https://linktr.ee/aurora", "https://aurora.example/agenda", "https://wa.me/5511912345678"],
    });
  });

  it("gives empty lists for an empty or plain bio", () => {
    expect(extractBioContacts(null)).toEqual({ emails: [], phones: [], links: [] });
    expect(extractBioContacts("Mentoria para fotógrafos iniciantes | Agenda aberta")).toEqual({
      emails: [],
      phones: [],
      links: [],
    });
  });
});
