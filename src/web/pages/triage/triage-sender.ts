import type { TriageChannel, TriageSender, TriageStatus } from "../../api/types.ts";
import type { Translate } from "../../i18n.ts";

export const TRIAGE_STATUSES = ["pending", "accepted", "declined"] as const satisfies readonly TriageStatus[];
export const TRIAGE_CHANNELS = ["whatsapp", "instagram"] as const satisfies readonly TriageChannel[];

export function readTriageStatus(value: string | null): TriageStatus {
  return TRIAGE_STATUSES.find((status) => status === value) ?? "pending";
}

/** A channel from the URL, or "" for every channel. */
export function readTriageChannel(value: string | null): TriageChannel | "" {
  return TRIAGE_CHANNELS.find((channel) => channel === value) ?? "";
}

/** The name they gave, else the phone, else "Instagram <id>". */
export function senderLabel(sender: TriageSender, t: Translate): string {
  if (sender.name) return sender.name;
  if (sender.phone) return sender.phone;
  if (sender.instagramId) return t("triage.instagramId", { id: sender.instagramId });
  return t("triage.unknownSender");
}

/** Accept works on pending and declined senders (the latter undoes the decline). */
export function canAccept(sender: TriageSender): boolean {
  return sender.status === "pending" || sender.status === "declined";
}

export function canDecline(sender: TriageSender): boolean {
  return sender.status === "pending";
}
