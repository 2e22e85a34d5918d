import type { FieldError } from "../platform/http/errors.ts";
import type { StageKind, StageRequirement } from "./schemas.ts";

export interface DealFacts {
  ownerId: string | null;
  value: number | null;
  expectedClose: string | null;
  propertyRef: string | null;
  /** A property of the catalog (realestate/); either it or the free-text reference is a chosen property. */
  propertyId: string | null;
}

const NEEDS: Record<StageRequirement, { field: string; isMet: (deal: DealFacts) => boolean; says: string }> =
  {
    owner: { field: "ownerId", isMet: (deal) => deal.ownerId !== null, says: "a responsible person" },
    value: { field: "value", isMet: (deal) => deal.value !== null && deal.value > 0, says: "a value" },
    expectedClose: {
      field: "expectedClose",
      isMet: (deal) => deal.expectedClose !== null,
      says: "an expected close date",
    },
    property: {
      field: "propertyRef",
      isMet: (deal) => deal.propertyRef !== null || deal.propertyId !== null,
      says: "a chosen property",
    },
  };

/**
 * Why a deal may not enter a stage, one entry per unmet rule (empty: it may). A lost stage also
 * needs the reason it was lost.
 */
export function checkStageEntry(input: {
  deal: DealFacts;
  stage: { name: string; kind: StageKind; requires: StageRequirement[] };
  reason?: string | undefined;
}): FieldError[] {
  const { deal, stage } = input;
  const errors: FieldError[] = stage.requires
    .filter((rule) => !NEEDS[rule].isMet(deal))
    .map((rule) => ({
      field: NEEDS[rule].field,
      message: `"${stage.name}" needs ${NEEDS[rule].says} first`,
    }));
  if (stage.kind === "lost" && !input.reason) {
    errors.push({ field: "reason", message: `"${stage.name}" needs the reason the deal was lost` });
  }
  return errors;
}
