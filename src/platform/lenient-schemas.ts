import { z } from "zod";

/**
 * Lenient readers for third-party payloads, which change shape without notice: a field that is
 * missing, null, empty or of an odd type becomes `undefined` instead of failing the whole delivery.
 */

/** Text (numbers accepted), trimmed; empty → undefined. */
export const optionalText = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((value) => (value === null || value === undefined ? undefined : String(value).trim()))
  .transform((value) => (value === "" ? undefined : value));

/** A finite number, also from a numeric string; anything else → undefined. */
export const optionalNumber = z
  .union([z.number(), z.string()])
  .nullish()
  .transform((value) => {
    const amount = typeof value === "string" ? Number(value) : value;
    return amount === null || amount === undefined || !Number.isFinite(amount) ? undefined : amount;
  });
