import { describe, expect, it } from "vitest";
import type { DevelopmentView, PropertyView } from "../../../realestate/schemas.ts";
import {
  availableFirst,
  linkChanges,
  linkOf,
  moveActive,
  NO_LINK,
  pickKey,
  pickOptions,
  pickTitle,
  placeOf,
} from "./catalog-pick.ts";

function property(id: string, patch: Partial<PropertyView> = {}): PropertyView {
  return {
    id,
    code: null,
    title: `Imóvel ${id}`,
    kind: "apartment",
    purpose: "sale",
    price: 500_000,
    areaM2: null,
    bedrooms: 2,
    bathrooms: null,
    parking: null,
    street: null,
    number: null,
    complement: null,
    neighborhood: null,
    city: null,
    state: null,
    postalCode: null,
    status: "available",
    origin: "own",
    development: null,
    unit: null,
    description: null,
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
    deletedAt: null,
    ...patch,
  };
}

function development(id: string): DevelopmentView {
  return {
    id,
    name: `Residencial ${id}`,
    developer: null,
    street: null,
    number: null,
    neighborhood: null,
    city: "Campinas",
    state: null,
    postalCode: null,
    status: "launch",
    deliveryDate: null,
    description: null,
    unitCounts: { total: 2, available: 1, reserved: 1, sold: 0, rented: 0, off_market: 0 },
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
    deletedAt: null,
  };
}

describe("the link a pick gives a deal", () => {
  it("names a property, a unit with its development, a development alone, or nothing", () => {
    expect(linkOf({ kind: "property", property: property("p1") })).toEqual({
      propertyId: "p1",
      developmentId: null,
    });
    const unit = property("u1", { development: { id: "d1", name: "Residencial d1" }, unit: "A-101" });
    expect(linkOf({ kind: "property", property: unit })).toEqual({ propertyId: "u1", developmentId: "d1" });
    expect(linkOf({ kind: "development", development: development("d1") })).toEqual({
      propertyId: null,
      developmentId: "d1",
    });
    expect(linkOf(null)).toEqual(NO_LINK);
  });

  it("is sent only when it changed (clearing sends both nulls)", () => {
    const linked = { propertyId: "p1", developmentId: null };
    expect(linkChanges(linked, { ...linked })).toEqual({});
    expect(linkChanges(linked, NO_LINK)).toEqual({ propertyId: null, developmentId: null });
    expect(linkChanges(NO_LINK, { propertyId: null, developmentId: "d1" })).toEqual({
      propertyId: null,
      developmentId: "d1",
    });
  });
});

describe("the picker's options", () => {
  it("list the properties, available ones first, then the developments", () => {
    const sold = property("sold", { status: "sold" });
    const free = property("free");
    const reserved = property("reserved", { status: "reserved" });
    const options = pickOptions([sold, free, reserved], [development("d1")]);
    expect(options.map(pickKey)).toEqual([
      "property:free",
      "property:sold",
      "property:reserved",
      "development:d1",
    ]);
    expect(options.map(pickTitle)).toEqual([
      "Imóvel free",
      "Imóvel sold",
      "Imóvel reserved",
      "Residencial d1",
    ]);
    expect(availableFirst([sold, reserved]).map((item) => item.id)).toEqual(["sold", "reserved"]);
  });

  it("say where a property is with the parts it has", () => {
    expect(placeOf({ neighborhood: "Pinheiros", city: "São Paulo" })).toBe("Pinheiros, São Paulo");
    expect(placeOf({ neighborhood: null, city: "Campinas" })).toBe("Campinas");
    expect(placeOf({ neighborhood: null, city: null })).toBe("");
  });
});

describe("moving through the options with the keyboard", () => {
  it("goes down and up with wrap-around, to the ends with Home and End", () => {
    expect(moveActive(-1, "ArrowDown", 3)).toBe(0);
    expect(moveActive(0, "ArrowDown", 3)).toBe(1);
    expect(moveActive(2, "ArrowDown", 3)).toBe(0);
    expect(moveActive(-1, "ArrowUp", 3)).toBe(2);
    expect(moveActive(0, "ArrowUp", 3)).toBe(2);
    expect(moveActive(1, "Home", 3)).toBe(0);
    expect(moveActive(0, "End", 3)).toBe(2);
  });

  it("does not move on other keys or in an empty list", () => {
    expect(moveActive(0, "Enter", 3)).toBeNull();
    expect(moveActive(-1, "ArrowDown", 0)).toBeNull();
  });
});
