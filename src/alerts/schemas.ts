import type { ColumnType, Generated } from "kysely";
import { z } from "zod";

export const DELIVER_ALERT_JOB = "alerts.deliver-alert";
export const DeliverAlertJobSchema = z.object({ alertId: z.uuid() });

export type AlertStatus = "pending" | "sent" | "failed" | "no_channel";

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** migrations/0010_alerts.sql, typed for Kysely (`db.withTables<AlertTables>()`). */
export type AlertTables = {
  alerts: {
    id: Generated<string>;
    workspace_id: string;
    kind: string;
    text: string;
    details: ColumnType<Record<string, unknown>, string | undefined, string>;
    status: ColumnType<AlertStatus, AlertStatus | undefined, AlertStatus>;
    attempts: ColumnType<number, number | undefined, number>;
    error: string | null;
    raised_at: Timestamp;
    sent_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  };
};

export interface AlertView {
  id: string;
  kind: string;
  text: string;
  details: Record<string, unknown>;
  status: AlertStatus;
  attempts: number;
  error: string | null;
  raisedAt: string;
  sentAt: string | null;
}

export const ListAlertsQuerySchema = z.object({
  kind: z.string().trim().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});
