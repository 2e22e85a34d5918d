import { z } from "zod";

/**
 * How each door's raw body becomes lead fields. Adding a source means one entry here
 * (and, for a vendor, an adapter under src/adapters/<vendor>/).
 */
export interface SourceDecoder {
  /** Default lead source when the payload names none. */
  defaultSource: string;
  decode(body: unknown): unknown;
}

const GenericEnvelopeSchema = z.object({
  type: z.string().max(100),
  data: z.record(z.string(), z.unknown()),
});

export const SOURCES: Record<string, SourceDecoder> = {
  api: { defaultSource: "api", decode: (body) => body },
  generic: {
    defaultSource: "webhook",
    decode: (body) => GenericEnvelopeSchema.parse(body).data,
  },
};

export function decoderFor(source: string): SourceDecoder | undefined {
  return SOURCES[source];
}
